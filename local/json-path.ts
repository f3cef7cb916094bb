/**
 * The JSONPath subset Amazon States Language uses for paths: `$`, `$.a.b`, `$.a[0]`,
 * `$['a b']`, and context-object paths `$$.Map.Item.Value`, `$$.Execution.Input...`.
 * Reference paths only (no filters, wildcards or slices): that is all `InputPath`, `ResultPath`,
 * `ItemsPath` and `.$` parameters may contain in the definitions the local run drives.
 */

/** One step of a parsed path: an object key or an array index. */
export type PathSegment = string | number;

/** A path that does not parse, or does not resolve where the ASL spec says it must. */
export class JsonPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'States.Runtime';
  }
}

/** A parsed path: which document it reads (`$` state input, `$$` context object) and its steps. */
export interface ParsedPath {
  readonly root: '$' | '$$';
  readonly segments: readonly PathSegment[];
}

/**
 * Parses a reference path.
 * @throws JsonPathError on anything outside the subset.
 */
export function parsePath(path: string): ParsedPath {
  const root = path.startsWith('$$') ? '$$' : path.startsWith('$') ? '$' : undefined;
  if (!root) throw new JsonPathError(`path must start with $ or $$: ${JSON.stringify(path)}`);
  const segments: PathSegment[] = [];
  let i = root.length;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      const match = /^[^.[\]]+/.exec(path.slice(i + 1));
      if (!match) throw new JsonPathError(`empty key in path ${JSON.stringify(path)}`);
      segments.push(match[0]);
      i += 1 + match[0].length;
    } else if (ch === '[') {
      const rest = path.slice(i);
      const index = /^\[(\d+)\]/.exec(rest);
      const quoted = /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest);
      if (index) {
        segments.push(Number(index[1]));
        i += index[0].length;
      } else if (quoted) {
        segments.push(quoted[1].replace(/\\(.)/g, '$1'));
        i += quoted[0].length;
      } else {
        throw new JsonPathError(`unsupported bracket expression in path ${JSON.stringify(path)}`);
      }
    } else {
      throw new JsonPathError(`unexpected ${JSON.stringify(ch)} at ${i} in path ${JSON.stringify(path)}`);
    }
  }
  return { root, segments };
}

/**
 * Reads `path` from `input` (for `$`) or `context` (for `$$`).
 * @throws JsonPathError when a step does not exist (States.Runtime in AWS).
 */
export function readPath(path: string, input: unknown, context: unknown = {}): unknown {
  const parsed = parsePath(path);
  let current: unknown = parsed.root === '$$' ? context : input;
  for (const segment of parsed.segments) {
    if (current === null || typeof current !== 'object' || !(segment in current)) {
      throw new JsonPathError(
        `path ${path} does not exist in the ${parsed.root === '$$' ? 'context object' : 'state input'}`,
      );
    }
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/**
 * Returns a copy of `document` with `value` placed at `path` (ResultPath semantics): `$` replaces
 * the whole document, missing objects on the way are created, the input is never mutated.
 */
export function writePath(path: string, document: unknown, value: unknown): unknown {
  const parsed = parsePath(path);
  if (parsed.root !== '$') throw new JsonPathError(`ResultPath must be a $ path, got ${JSON.stringify(path)}`);
  if (parsed.segments.length === 0) return value;
  const write = (target: unknown, depth: number): unknown => {
    const segment = parsed.segments[depth];
    const base: Record<string | number, unknown> = Array.isArray(target)
      ? ([...(target as unknown[])] as unknown as Record<number, unknown>)
      : target !== null && typeof target === 'object'
        ? { ...target }
        : {};
    base[segment] = depth === parsed.segments.length - 1 ? value : write(base[segment], depth + 1);
    return base;
  };
  return write(document, 0);
}

/**
 * Resolves a payload template (`Parameters`, `ItemSelector`, `ResultSelector`): keys ending in
 * `.$` take the value at their path (and lose the suffix); other values are copied, recursively.
 */
export function resolveTemplate(template: unknown, input: unknown, context: unknown): unknown {
  if (Array.isArray(template)) return template.map((item) => resolveTemplate(item, input, context));
  if (template === null || typeof template !== 'object') return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template as Record<string, unknown>)) {
    if (key.endsWith('.$')) {
      if (typeof value !== 'string') throw new JsonPathError(`${key} must be a path string`);
      out[key.slice(0, -2)] = readPath(value, input, context);
    } else {
      out[key] = resolveTemplate(value, input, context);
    }
  }
  return out;
}
