/**
 * Matches events against Lambda event-source-mapping filter patterns (the EventBridge pattern
 * syntax): the local run filters DynamoDB stream records with `streamFilterPatterns(region)`
 * exactly as the deployed mapping does, so replicated writes stay out of the bars locally too.
 *
 * Supported: nested objects (every key must match), arrays of alternatives (OR), exact
 * strings/numbers/booleans/null, `{prefix}`, `{suffix}`, `{anything-but}`, `{exists}`,
 * `{numeric: [op, n, ...]}`. An event value that is an array matches when any element does.
 */

/** A filter pattern: nested objects whose leaves are arrays of alternatives. */
export type FilterPattern = Readonly<Record<string, unknown>>;

/** A pattern the matcher does not understand (a typo must not silently match nothing). */
export class FilterPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterPatternError';
  }
}

/** True when `event` matches `pattern`. */
export function matchesPattern(pattern: FilterPattern, event: unknown): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    const present = event !== null && typeof event === 'object' && key in event;
    const actual = present ? (event as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) {
      if (!expected.some((alternative) => matchesAlternative(alternative, actual, present))) return false;
    } else if (expected !== null && typeof expected === 'object') {
      if (!present || !matchesPattern(expected as FilterPattern, actual)) return false;
    } else {
      throw new FilterPatternError(
        `pattern value of ${JSON.stringify(key)} must be an array or an object, got ${JSON.stringify(expected)}`,
      );
    }
  }
  return true;
}

/** True when `event` matches any of `patterns` (a mapping's filters are OR-ed). */
export function matchesAnyPattern(patterns: readonly FilterPattern[], event: unknown): boolean {
  return patterns.some((pattern) => matchesPattern(pattern, event));
}

function matchesAlternative(alternative: unknown, actual: unknown, present: boolean): boolean {
  if (alternative !== null && typeof alternative === 'object' && !Array.isArray(alternative)) {
    const rule = alternative as Record<string, unknown>;
    if ('exists' in rule) return rule.exists === present;
    if (!present) return false;
    return anyValue(actual, (value) => matchesRule(rule, value));
  }
  if (!present) return false;
  return anyValue(actual, (value) => value === alternative);
}

function matchesRule(rule: Record<string, unknown>, value: unknown): boolean {
  const [operator, ...others] = Object.keys(rule);
  if (others.length > 0) throw new FilterPatternError(`one operator per rule, got ${JSON.stringify(rule)}`);
  const operand = rule[operator];
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(operand));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(String(operand));
    case 'anything-but': {
      const excluded = Array.isArray(operand) ? operand : [operand];
      return !excluded.includes(value);
    }
    case 'numeric':
      return typeof value === 'number' && numericMatches(operand, value);
    default:
      throw new FilterPatternError(`unsupported filter operator ${JSON.stringify(operator)}`);
  }
}

function numericMatches(operand: unknown, value: number): boolean {
  if (!Array.isArray(operand) || operand.length % 2 !== 0)
    throw new FilterPatternError(`numeric needs [op, n, ...], got ${JSON.stringify(operand)}`);
  for (let i = 0; i < operand.length; i += 2) {
    const op: unknown = operand[i];
    const bound = Number(operand[i + 1]);
    const ok =
      op === '='
        ? value === bound
        : op === '<'
          ? value < bound
          : op === '<='
            ? value <= bound
            : op === '>'
              ? value > bound
              : op === '>='
                ? value >= bound
                : undefined;
    if (ok === undefined) throw new FilterPatternError(`unsupported numeric operator ${JSON.stringify(op)}`);
    if (!ok) return false;
  }
  return true;
}

function anyValue(actual: unknown, test: (value: unknown) => boolean): boolean {
  return Array.isArray(actual) ? actual.some(test) : test(actual);
}
