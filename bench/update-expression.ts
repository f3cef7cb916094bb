/**
 * Applies a DynamoDB UpdateExpression to an in-memory item, so the counting client can size the
 * item after an UpdateItem (DynamoDB bills the larger of the before and after images). Covers
 * the forms a handler writes in practice on top-level attributes: `SET a = :v`,
 * `SET a = if_not_exists(a, :v)`, `SET a = a + :v` / `- :v`, `REMOVE a`, `ADD n :v`, `ADD s :set`,
 * `DELETE s :set`. Anything else throws, so the benchmark never reports sizes it guessed.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item } from './item-size';

/** Names and values an expression refers to (`#name`, `:value`). */
export interface ExpressionContext {
  readonly names?: Record<string, string>;
  readonly values?: Record<string, AttributeValue>;
}

/** The expression uses a form this evaluator does not implement. */
export class UnsupportedExpressionError extends Error {
  constructor(expression: string, why: string) {
    super(`unsupported update expression "${expression}": ${why}`);
    this.name = 'UnsupportedExpressionError';
  }
}

// Reserved words, so never a bare attribute name; placeholders (`:add`, `#set`) are not keywords.
const CLAUSE = /(?<![:#\w])(SET|REMOVE|ADD|DELETE)\b/gi;

/** Returns a new item: `item` (undefined when absent) with `expression` applied. */
export function applyUpdateExpression(item: Item | undefined, expression: string, ctx: ExpressionContext): Item {
  const result: Item = { ...(item ?? {}) };
  const clauses = splitClauses(expression);
  for (const { keyword, body } of clauses) {
    for (const action of splitTopLevel(body, ',')) {
      if (keyword === 'SET') applySet(result, action, expression, ctx);
      else if (keyword === 'REMOVE') delete result[resolvePath(action, expression, ctx)];
      else applyAddOrDelete(result, keyword, action, expression, ctx);
    }
  }
  return result;
}

function splitClauses(expression: string): { keyword: string; body: string }[] {
  const marks = [...expression.matchAll(CLAUSE)];
  if (marks.length === 0 || expression.slice(0, marks[0].index).trim() !== '') {
    throw new UnsupportedExpressionError(expression, 'it does not start with SET, REMOVE, ADD or DELETE');
  }
  return marks.map((mark, i) => ({
    keyword: mark[1].toUpperCase(),
    body: expression.slice(mark.index + mark[0].length, i + 1 < marks.length ? marks[i + 1].index : undefined),
  }));
}

function applySet(item: Item, action: string, expression: string, ctx: ExpressionContext): void {
  const eq = action.indexOf('=');
  if (eq < 0) throw new UnsupportedExpressionError(expression, `SET action "${action.trim()}" has no "="`);
  const target = resolvePath(action.slice(0, eq), expression, ctx);
  const terms = splitArithmetic(action.slice(eq + 1));
  let value = operand(item, terms[0].text, expression, ctx);
  for (const term of terms.slice(1)) {
    const right = operand(item, term.text, expression, ctx);
    value = { N: addDecimal(numberOf(value, expression), numberOf(right, expression), term.sign) };
  }
  item[target] = value;
}

function operand(item: Item, text: string, expression: string, ctx: ExpressionContext): AttributeValue {
  const trimmed = text.trim();
  const ifNotExists = /^if_not_exists\s*\(([^,]+),([^)]+)\)$/i.exec(trimmed);
  if (ifNotExists) {
    const existing = item[resolvePath(ifNotExists[1], expression, ctx)];
    return existing ?? operand(item, ifNotExists[2], expression, ctx);
  }
  if (trimmed.startsWith(':')) {
    const value = ctx.values?.[trimmed];
    if (value === undefined)
      throw new UnsupportedExpressionError(expression, `${trimmed} is not in ExpressionAttributeValues`);
    return value;
  }
  const existing = item[resolvePath(trimmed, expression, ctx)];
  if (existing === undefined) throw new UnsupportedExpressionError(expression, `${trimmed} does not exist on the item`);
  return existing;
}

function applyAddOrDelete(
  item: Item,
  keyword: string,
  action: string,
  expression: string,
  ctx: ExpressionContext,
): void {
  const [pathText, valueText] = action.trim().split(/\s+/);
  const target = resolvePath(pathText, expression, ctx);
  const value = operand(item, valueText ?? '', expression, ctx);
  const existing = item[target];
  if (keyword === 'ADD' && value.N !== undefined) {
    item[target] = { N: addDecimal(existing ? numberOf(existing, expression) : '0', value.N, 1) };
    return;
  }
  const setKey = (['SS', 'NS'] as const).find((k) => value[k] !== undefined);
  if (!setKey) throw new UnsupportedExpressionError(expression, `${keyword} needs a number or a string/number set`);
  const current = new Set<string>(existing?.[setKey] ?? []);
  for (const element of value[setKey] as string[]) {
    if (keyword === 'ADD') current.add(element);
    else current.delete(element);
  }
  if (current.size === 0) delete item[target];
  else item[target] = setKey === 'SS' ? { SS: [...current] } : { NS: [...current] };
}

function resolvePath(text: string, expression: string, ctx: ExpressionContext): string {
  const path = text.trim();
  if (!/^#?[A-Za-z0-9_]+$/.test(path))
    throw new UnsupportedExpressionError(expression, `"${path}" is not a top-level attribute`);
  if (!path.startsWith('#')) return path;
  const name = ctx.names?.[path];
  if (name === undefined)
    throw new UnsupportedExpressionError(expression, `${path} is not in ExpressionAttributeNames`);
  return name;
}

function numberOf(value: AttributeValue, expression: string): string {
  if (value.N === undefined) throw new UnsupportedExpressionError(expression, 'arithmetic on a non-number');
  return value.N;
}

/** Splits on `separator` outside parentheses. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Splits `a + b - c` (outside parentheses) into signed terms. */
function splitArithmetic(text: string): { sign: 1 | -1; text: string }[] {
  const terms: { sign: 1 | -1; text: string }[] = [];
  let depth = 0;
  let start = 0;
  let sign: 1 | -1 = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === '+' || c === '-') && depth === 0) {
      terms.push({ sign, text: text.slice(start, i) });
      sign = c === '+' ? 1 : -1;
      start = i + 1;
    }
  }
  terms.push({ sign, text: text.slice(start) });
  return terms;
}

/** Exact decimal a + sign·b on decimal strings (no float rounding). */
export function addDecimal(a: string, b: string, sign: 1 | -1): string {
  const [ai, af = ''] = a.replace(/^\+/, '').split('.');
  const [bi, bf = ''] = b.replace(/^\+/, '').split('.');
  const scale = Math.max(af.length, bf.length);
  const big = (i: string, f: string): bigint => BigInt(`${i}${f.padEnd(scale, '0')}` || '0');
  const sum = big(ai, af) + BigInt(sign) * big(bi, bf);
  const negative = sum < 0n;
  const digits = (negative ? -sum : sum).toString().padStart(scale + 1, '0');
  const intPart = digits.slice(0, digits.length - scale);
  const fracPart = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${intPart}${fracPart ? `.${fracPart}` : ''}`;
}
