/**
 * JSON-valued attributes (policies, the state machine definition, the dashboard body, redrive
 * policies) that stay valid in both outputs of cdktf: Terraform JSON and `cdktf synth --hcl`.
 *
 * A Terraform reference inside a `JSON.stringify` string is valid Terraform JSON but breaks the
 * HCL output (cdktf 0.21 writes that string's quotes unescaped). So a document holding references
 * becomes the expression `${jsonencode(<the document as an HCL object>)}`, written out here: a
 * string holding references is an HCL template (`"arn:${<reference>}:root"`), everything else a
 * literal with HCL's escapes. cdktf then only substitutes the references in one string, which is
 * far cheaper than resolving `Fn.jsonencode(<object>)` value by value (measured: that made the
 * whole synth take about 1.6 times as long). A document without references stays a plain JSON
 * string, which both outputs already render correctly.
 */
import { Lazy, Token } from 'cdktf';

/** `value` as a JSON-valued attribute; `undefined` members are dropped, as JSON.stringify does. */
export function jsonAttribute(value: unknown): string {
  const json = JSON.stringify(value);
  if (!Token.isUnresolved(json)) return json;
  return `\${jsonencode(${hclValue(value)})}`;
}

/** Like {@link jsonAttribute}, for a value that is complete only at synth (statements added later). */
export function lazyJsonAttribute(produce: () => unknown): string {
  return Lazy.stringValue({ produce: () => jsonAttribute(produce()) });
}

/** A cdktf string token: `${TfToken[TOKEN.<n>]}`. */
const TOKEN = /(\$\{TfToken\[[^\]]+\]\})/;

function hclValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'number') return Token.isUnresolved(value) ? Token.asString(value) : JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (Token.isUnresolved(value)) return Token.asString(value);
    return `[${value
      .filter((v) => v !== undefined)
      .map(hclValue)
      .join(', ')}]`;
  }
  if (typeof value === 'object') {
    if (Token.isUnresolved(value)) return Token.asString(value);
    const members = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${members.map(([k, v]) => `${literal(k)}: ${hclValue(v)}`).join(', ')}}`;
  }
  throw new Error(`jsonAttribute: cannot encode a ${typeof value}`);
}

/**
 * A string with references is an HCL template: `"arn:${<reference>}:root"`. Each reference gets
 * its own `${...}`, written here: cdktf then renders the reference bare, whatever came before
 * (it writes a reference bare right after a literal `${` and with braces after a literal `}`).
 */
function hclString(text: string): string {
  if (!Token.isUnresolved(text)) return literal(text);
  const parts = text.split(TOKEN).filter((part) => part !== '');
  const isToken = (part: string): boolean => TOKEN.test(part) && Token.isUnresolved(part);
  // Guards the one assumption made about cdktf: what the marker of a string token looks like.
  if (parts.some((part) => !isToken(part) && Token.isUnresolved(part)))
    throw new Error(`jsonAttribute: unexpected token format in ${JSON.stringify(text)}`);
  const template = parts.map((part, i) => {
    if (isToken(part)) return `\${${part}}`;
    const escaped = literal(part).slice(1, -1);
    // A literal `$` right before `${` would read as the `$${` escape: it becomes `${"$"}`.
    return i + 1 < parts.length && escaped.endsWith('$') ? `${escaped.slice(0, -1)}\${"$"}` : escaped;
  });
  return `"${template.join('')}"`;
}

/**
 * A quoted HCL string literal: `"` and `\` escaped, newline, CR and tab as `\n` `\r` `\t`, other
 * control characters as `\u` escapes, and the template sequences `${` and `%{` as `$${` and `%%{`.
 * JSON.parse reads the same text back but for those two sequences.
 */
function literal(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `"${out.replace(/\$\{/g, () => '$${').replace(/%\{/g, '%%{')}"`;
}
