/**
 * Bounded parallelism: enough requests in flight to hide latency, few enough not to
 * self-throttle a table or exhaust sockets.
 */

/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep input order.
 * Rejects with the first error after in-flight calls settle is NOT guaranteed — callers that need
 * per-item outcomes catch inside `fn`.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Splits `items` into consecutive groups of at most `size`. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}

/**
 * Packs `items` in order into groups of at most `maxCount` items whose `sizeOf` sum stays within
 * `maxBytes` (an item bigger than `maxBytes` on its own gets a group of its own; the caller
 * decides whether that is an error).
 */
export function packBySize<T>(
  items: readonly T[],
  maxCount: number,
  maxBytes: number,
  sizeOf: (item: T) => number,
): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
