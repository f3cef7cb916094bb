"""Schemathesis hooks of the API fuzz run (security/api-fuzz.ts loads them through SCHEMATHESIS_HOOKS).

The document describes an NDJSON body (application/x-ndjson) as a string holding one record object per
line, so it is sent as that text, exactly as the text/plain serializer sends a string.
"""

import schemathesis

schemathesis.serializer.alias("application/x-ndjson", "text/plain")
