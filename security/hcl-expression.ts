/**
 * A reader for the small subset of HCL expressions that cdktf writes inside `${jsonencode(...)}`:
 * objects (`{"k" = v, ...}` or `{k: v}`), tuples, strings (with `${...}` interpolations kept
 * as-is), numbers, booleans, null, and bare traversals/function calls, which come back as
 * `${...}` strings so the rest of the review treats them like any other Terraform reference.
 */

/** Raised on an expression outside the supported subset. */
export class HclExpressionError extends Error {
  constructor(
    readonly where: string,
    readonly position: number,
    readonly detail: string,
  ) {
    super(`Cannot read the HCL expression of ${where} at ${position}: ${detail}`);
    this.name = 'HclExpressionError';
  }
}

/**
 * The value of a JSON-valued attribute as synthesized (`policy`, `definition`, `redrive_policy`,
 * `dashboard_body`, ...): a `${jsonencode(...)}` expression, whose Terraform references come back
 * as `${...}` strings, or a plain JSON string.
 * @throws HclExpressionError or SyntaxError when it is neither.
 */
export function decodeJsonAttribute(value: string, where: string): unknown {
  const trimmed = value.trim();
  const encoded = /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(trimmed);
  return encoded ? parseHclExpression(encoded[1], where) : JSON.parse(trimmed);
}

/** Parses `source` into plain JSON values. */
export function parseHclExpression(source: string, where: string): unknown {
  const reader = new Reader(source, where);
  const value = reader.value();
  reader.skipSpace();
  if (!reader.done()) reader.fail('trailing characters');
  return value;
}

class Reader {
  private pos = 0;

  constructor(
    private readonly src: string,
    private readonly where: string,
  ) {}

  done(): boolean {
    return this.pos >= this.src.length;
  }

  fail(detail: string): never {
    throw new HclExpressionError(
      this.where,
      this.pos,
      `${detail} near ${JSON.stringify(this.src.slice(this.pos, this.pos + 40))}`,
    );
  }

  skipSpace(): void {
    while (!this.done() && /[\s,]/.test(this.src[this.pos])) this.pos++;
  }

  value(): unknown {
    this.skipSpace();
    const c = this.src[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.tuple();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    return this.traversal();
  }

  private object(): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] === '}') {
        this.pos++;
        return out;
      }
      if (this.done()) this.fail('unterminated object');
      const key = this.src[this.pos] === '"' ? this.string() : this.identifier();
      this.skipSpace();
      const sep = this.src[this.pos];
      if (sep !== '=' && sep !== ':') this.fail('expected = or :');
      this.pos++;
      // Keys are attacker-free here (our own synthesized JSON) but keep the object plain anyway.
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
    }
  }

  private tuple(): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] === ']') {
        this.pos++;
        return out;
      }
      if (this.done()) this.fail('unterminated tuple');
      out.push(this.value());
    }
  }

  private string(): string {
    // HCL string escapes are JSON's plus `${`/`%{` templates, which we keep verbatim.
    let depth = 0;
    const start = this.pos;
    this.pos++;
    while (!this.done()) {
      const c = this.src[this.pos];
      if (c === '\\') {
        this.pos += 2;
        continue;
      }
      if (c === '$' && this.src[this.pos + 1] === '{') {
        depth++;
        this.pos += 2;
        continue;
      }
      if (c === '}' && depth > 0) depth--;
      if (c === '"' && depth === 0) {
        this.pos++;
        // `$${` and `%%{` are HCL's escapes of a literal `${` / `%{`; then `${"..."}` interpolates a
        // literal (e.g. a `$` right before a reference), spliced in as text.
        const source = this.src
          .slice(start, this.pos)
          .replace(/\$\$\{/g, '${')
          .replace(/%%\{/g, '%{')
          .replace(/\$\{"((?:[^"\\]|\\.)*)"\}/g, '$1');
        return JSON.parse(source) as string;
      }
      this.pos++;
    }
    return this.fail('unterminated string');
  }

  private number(): number {
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.src.slice(this.pos));
    if (!m) this.fail('bad number');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private identifier(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.src.slice(this.pos));
    if (!m) this.fail('expected an identifier');
    this.pos += m[0].length;
    return m[0];
  }

  /** `true`, `false`, `null`, or a reference / function call kept as a `${...}` string. */
  private traversal(): unknown {
    const start = this.pos;
    const word = this.identifier();
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    let depth = 0;
    while (!this.done()) {
      const c = this.src[this.pos];
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && /[\s,}]/.test(c)) break;
      else if (c === '"') {
        this.string();
        continue;
      }
      this.pos++;
    }
    return `\${${this.src.slice(start, this.pos)}}`;
  }
}
