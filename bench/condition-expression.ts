/**
 * Evaluates DynamoDB condition expressions against an item, for the counting client (the
 * benchmark and the tests of the ownership writes run the real handlers against it). Covers the
 * grammar the pipeline uses: comparisons (`=`, `<>`, `<`, `<=`, `>`, `>=`) of attributes, values
 * and `size(...)`, the functions `attribute_exists`, `attribute_not_exists`, `contains`,
 * `begins_with`, and `AND` / `OR` / `NOT` with parentheses. Attributes are top-level only.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item } from './item-size';
import { type ExpressionContext, UnsupportedExpressionError } from './update-expression';

type Token = { kind: 'word' | 'op' | 'punct'; text: string };

const TOKEN = /\s*(<>|<=|>=|[=<>(),]|[#:]?[A-Za-z0-9_]+)/y;

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(expression);
    if (!match) throw new UnsupportedExpressionError(expression, `cannot read "${expression.slice(TOKEN.lastIndex)}"`);
    const text = match[1];
    tokens.push({ kind: /^(<>|<=|>=|=|<|>)$/.test(text) ? 'op' : /^[(),]$/.test(text) ? 'punct' : 'word', text });
  }
  return tokens;
}

/** True when `item` (undefined: no item) satisfies `expression`. */
export function evaluateCondition(item: Item | undefined, expression: string, ctx: ExpressionContext): boolean {
  const tokens = tokenize(expression);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const take = (text?: string): Token => {
    const token = tokens[at++];
    if (!token || (text !== undefined && token.text.toUpperCase() !== text))
      throw new UnsupportedExpressionError(expression, `expected ${text ?? 'more'} at token ${at}`);
    return token;
  };
  const isWord = (text: string): boolean => peek()?.text.toUpperCase() === text;

  const attribute = (token: Token): AttributeValue | undefined => {
    const name = token.text.startsWith('#') ? ctx.names?.[token.text] : token.text;
    if (name === undefined) throw new UnsupportedExpressionError(expression, `${token.text} is not in the names`);
    return item?.[name];
  };
  const operand = (): AttributeValue | undefined => {
    const token = take();
    if (token.text.startsWith(':')) {
      const value = ctx.values?.[token.text];
      if (value === undefined) throw new UnsupportedExpressionError(expression, `${token.text} is not in the values`);
      return value;
    }
    if (token.text.toLowerCase() === 'size') {
      take('(');
      const value = attribute(take());
      take(')');
      return value === undefined ? undefined : { N: String(sizeOf(value)) };
    }
    return attribute(token);
  };
  const primary = (): boolean => {
    if (isWord('NOT')) {
      take();
      return !primary();
    }
    if (peek()?.text === '(') {
      take('(');
      const value = or();
      take(')');
      return value;
    }
    const name = peek()?.text.toLowerCase();
    if (name === 'attribute_exists' || name === 'attribute_not_exists') {
      take();
      take('(');
      const value = attribute(take());
      take(')');
      return name === 'attribute_exists' ? value !== undefined : value === undefined;
    }
    if (name === 'contains' || name === 'begins_with') {
      take();
      take('(');
      const haystack = attribute(take());
      take(',');
      const needle = operand();
      take(')');
      if (haystack === undefined || needle === undefined) return false;
      if (name === 'begins_with') return haystack.S !== undefined && haystack.S.startsWith(needle.S ?? '');
      if (haystack.SS) return needle.S !== undefined && haystack.SS.includes(needle.S);
      if (haystack.NS) return needle.N !== undefined && haystack.NS.includes(needle.N);
      return haystack.S !== undefined && needle.S !== undefined && haystack.S.includes(needle.S);
    }
    const left = operand();
    const op = take();
    if (op.kind !== 'op') throw new UnsupportedExpressionError(expression, `expected a comparison, got ${op.text}`);
    return compare(left, op.text, operand());
  };
  const and = (): boolean => {
    let value = primary();
    while (isWord('AND')) {
      take();
      value = primary() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (isWord('OR')) {
      take();
      value = and() || value;
    }
    return value;
  };
  const result = or();
  if (at !== tokens.length) throw new UnsupportedExpressionError(expression, `unexpected ${tokens[at].text}`);
  return result;
}

function sizeOf(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.SS) return value.SS.length;
  if (value.NS) return value.NS.length;
  if (value.L) return value.L.length;
  if (value.M) return Object.keys(value.M).length;
  if (value.B) return value.B.length;
  return 0;
}

function compare(left: AttributeValue | undefined, op: string, right: AttributeValue | undefined): boolean {
  // A comparison with a missing attribute is false, even `<>` (DynamoDB's rule).
  if (left === undefined || right === undefined) return false;
  let order: number;
  if (left.N !== undefined && right.N !== undefined) order = Number(left.N) - Number(right.N);
  else if (left.S !== undefined && right.S !== undefined) order = left.S < right.S ? -1 : left.S > right.S ? 1 : 0;
  else order = JSON.stringify(left) === JSON.stringify(right) ? 0 : NaN;
  switch (op) {
    case '=':
      return order === 0;
    case '<>':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    default:
      return order >= 0;
  }
}
