/**
 * JSON-valued attributes (policies, the state machine definition, the dashboard body, redrive
 * policies) as Terraform `jsonencode(...)` expressions instead of hand-built JSON strings.
 *
 * A Terraform reference inside a `JSON.stringify` string synthesizes to valid Terraform JSON but
 * to broken HCL under `cdktf synth --hcl` (cdktf 0.21 writes the string's quotes unescaped).
 * `jsonencode` keeps references as expressions in both outputs. cdktf escapes only newlines and
 * `${` inside function arguments, so the other characters HCL treats specially in a quoted string
 * are escaped here first.
 */
import { Fn, Lazy, Token } from 'cdktf';

/** `value` as a `jsonencode(...)` expression; `undefined` members are dropped, as JSON.stringify does. */
export function jsonAttribute(value: unknown): string {
  return Fn.jsonencode(escapeForHcl(value));
}

/** Like {@link jsonAttribute}, for a value that is complete only at synth (statements added later). */
export function lazyJsonAttribute(produce: () => unknown): string {
  return Lazy.stringValue({ produce: () => jsonAttribute(produce()) });
}

function escapeForHcl(value: unknown): unknown {
  if (typeof value === 'string') return escapeString(value);
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(escapeForHcl);
  if (value !== null && typeof value === 'object' && !Token.isUnresolved(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        // cdktf escapes `${` in values but not in keys.
        .map(([k, v]) => [escapeString(k).replace(/\$\{/g, () => '$${'), escapeForHcl(v)]),
    );
  }
  return value;
}

/** Escapes `\`, `"`, `%{`, newline, CR and tab; token markers (`${TfToken[...]}`) contain none of them. */
function escapeString(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/%\{/g, '%%{');
}
