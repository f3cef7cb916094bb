/**
 * The symbol rule of the data contract, once: after upper-casing, a letter followed by up to 11
 * letters, digits, '.' or '-' (`^[A-Z][A-Z0-9.-]{0,11}$`). The data path checks it character by
 * character on its hot path; the record guard checks stored symbols; both use these functions.
 */

/** Longest symbol. */
export const SYMBOL_MAX_LENGTH = 12;

/** The rule in words, for reject messages. */
export const SYMBOL_RULE = `a letter followed by up to ${SYMBOL_MAX_LENGTH - 1} letters, digits, '.' or '-'`;

/** A letter, either case (the data path upper-cases symbols). */
export function isSymbolStartCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** A letter (either case), a digit, '.' or '-'. */
export function isSymbolCode(c: number): boolean {
  return isSymbolStartCode(c) || (c >= 48 && c <= 57) || c === 46 || c === 45;
}

/** Whether `symbol` is a valid symbol as stored: the rule, upper-case. */
export function isStoredSymbol(symbol: string): boolean {
  if (symbol.length === 0 || symbol.length > SYMBOL_MAX_LENGTH || symbol !== symbol.toUpperCase()) return false;
  if (!isSymbolStartCode(symbol.charCodeAt(0))) return false;
  for (let i = 1; i < symbol.length; i++) if (!isSymbolCode(symbol.charCodeAt(i))) return false;
  return true;
}
