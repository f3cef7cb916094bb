/**
 * A stand-in for DynamoDBClient that keeps the table in memory and counts what a real table
 * would bill: every write request, every item write and its write units by DynamoDB's rules,
 * including the writes each global secondary index receives. It also answers Query, GetItem
 * and BatchGetItem from its items, so code that reads back what it wrote (the bars path) runs
 * unchanged. Condition expressions of PutItem, UpdateItem and DeleteItem are evaluated
 * (./condition-expression.ts): a failed one throws ConditionalCheckFailedException (with the
 * item when ReturnValuesOnConditionCheckFailure is ALL_OLD) and is billed as DynamoDB bills it,
 * write units for the stored item's size, at least one. Reads are billed too: 4 KB per strongly
 * consistent read unit, half for eventually consistent reads; a Query by the full size of the
 * items it reads, whatever the ProjectionExpression, in pages of at most 1 MB. With `stream` on,
 * it also records the table's stream (NEW_AND_OLD_IMAGES) for code that consumes it.
 */
import type { AttributeValue, WriteRequest } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { TABLE } from '../contract';
import { itemBytes as measureItem, readUnits, writeUnits, type Item } from './item-size';
import { evaluateCondition } from './condition-expression';
import { applyUpdateExpression } from './update-expression';

/** What a GSI copies from the item. */
export type Projection = 'ALL' | 'KEYS_ONLY' | { readonly include: readonly string[] };

/** A global secondary index. */
export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly projection: Projection;
}

/** Key schema and indexes of a table. */
export interface TableDefinition {
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes: readonly IndexDefinition[];
}

/**
 * The pipeline table as the contract names it; both indexes project ALL attributes, as
 * modules/storage/pipeline-table.ts declares them.
 */
export const PIPELINE_TABLE: TableDefinition = {
  partitionKey: TABLE.partitionKey,
  sortKey: TABLE.sortKey,
  indexes: [
    {
      name: TABLE.statusIndex.name,
      partitionKey: TABLE.statusIndex.partitionKey,
      sortKey: TABLE.statusIndex.sortKey,
      projection: 'ALL',
    },
    {
      name: TABLE.timeSeriesIndex.name,
      partitionKey: TABLE.timeSeriesIndex.partitionKey,
      sortKey: TABLE.timeSeriesIndex.sortKey,
      projection: 'ALL',
    },
  ],
};

/** One item written (a put, update or delete), with what it cost. */
export interface ItemWrite {
  /** The API operation it came in (`BatchWriteItem`, `PutItem`, ...). */
  readonly operation: string;
  readonly kind: 'put' | 'update' | 'delete';
  readonly pk: string;
  readonly sk: string;
  /** Size of the larger of the item before and after the write (what DynamoDB bills). */
  readonly bytes: number;
  /** Units on the table itself. */
  readonly tableUnits: number;
  /** Units on every index the write touched, by index name. */
  readonly indexUnits: Readonly<Record<string, number>>;
}

/** Totals over everything the client has seen. */
export interface WriteTotals {
  /** Write API calls (BatchWriteItem, PutItem, UpdateItem, DeleteItem, TransactWriteItems). */
  readonly requests: number;
  readonly itemWrites: number;
  /** Table units + index units (failed conditional writes included). */
  readonly writeUnits: number;
  /** Conditional writes whose condition failed (billed, nothing written). */
  readonly conditionFailures: number;
  readonly indexWriteUnits: number;
  /** Read API calls (Query, GetItem, BatchGetItem). */
  readonly readRequests: number;
  /** Read units billed (consistent 4 KB = 1, eventually consistent 4 KB = 0.5). */
  readonly readUnits: number;
  /** Query pages answered (each at most 1 MB of items read). */
  readonly queryPages: number;
}

/** Most item bytes one Query page reads (DynamoDB's 1 MB page limit). */
export const QUERY_PAGE_BYTES = 1024 * 1024;

/** Sizes of stored items: items are never mutated, so each is measured once (Query pages re-read them). */
const sizes = new WeakMap<Item, number>();
function itemBytes(item: Item): number {
  let bytes = sizes.get(item);
  if (bytes === undefined) sizes.set(item, (bytes = measureItem(item)));
  return bytes;
}

/** First sequence number of the stand-in's stream (DynamoDB's are 21+ digit decimals). */
const FIRST_SEQUENCE = 10n ** 21n;

/** One partition: items by sort-key text, and the same items in sort-key order. */
interface Partition {
  readonly items: Map<string, Item>;
  readonly sorted: Item[];
}

/**
 * A command's input, read loosely: each operation below reads only the fields it documents (the
 * request shapes stay `unknown` until the operation that knows them casts them).
 */
interface CommandInput {
  readonly Item?: unknown;
  readonly Key?: unknown;
  readonly RequestItems?: unknown;
  readonly TransactItems?: unknown;
  readonly Put?: CommandInput;
  readonly Delete?: CommandInput;
  readonly Update?: CommandInput;
  readonly ConditionCheck?: CommandInput;
  readonly UpdateExpression?: string;
  readonly ConditionExpression?: string;
  readonly ReturnValues?: string;
  readonly ReturnValuesOnConditionCheckFailure?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, AttributeValue>;
  readonly FilterExpression?: string;
  readonly IndexName?: string;
  readonly KeyConditionExpression?: string;
  readonly ScanIndexForward?: boolean;
  readonly ExclusiveStartKey?: Item;
  readonly Limit?: unknown;
  readonly Select?: string;
  readonly ConsistentRead?: boolean;
}

/** A command as the SDK builds it: a class instance with `input`. */
interface SdkCommand {
  readonly input: unknown;
}

/** The counting client; pass it where code accepts a `DynamoDBClient` (it implements `send`). */
export class CountingDynamoClient {
  /** Every item write, in order. */
  readonly writes: ItemWrite[] = [];
  /** Write units billed for conditional writes that failed. */
  private failedConditionUnits: number[] = [];
  /** Every API call, in order, by operation name. */
  readonly calls: string[] = [];
  /** Items by partition key text (Query reads one partition). */
  private readonly partitions = new Map<string, Partition>();
  private readUnitsTotal = 0;
  private queryPagesTotal = 0;
  /**
   * The table's stream (NEW_AND_OLD_IMAGES) when `stream` is on: one record per change, with
   * increasing sequence numbers; writing an item unchanged adds no record, as in DynamoDB. Images
   * share the stored objects, which are replaced on every write and never mutated.
   */
  readonly stream: DynamoDBRecord[] = [];
  private nextSequence = FIRST_SEQUENCE;

  constructor(
    private readonly table: TableDefinition = PIPELINE_TABLE,
    private readonly options: { readonly stream?: boolean; readonly region?: string } = {},
  ) {}

  /** Puts items into the table without counting them (the state before the measured code runs). */
  seed(items: readonly Item[]): void {
    for (const item of items) this.store(item);
  }

  /** The stored item with this key, if any. */
  get(key: Item): Item | undefined {
    const [pk, sk] = this.keyOf(key);
    return this.partitions.get(pk)?.items.get(sk);
  }

  /** The items of one partition, in sort-key order. */
  itemsOf(partitionKey: string): readonly Item[] {
    return this.partitions.get(partitionKey)?.sorted ?? [];
  }

  /** Number of items in the table. */
  get size(): number {
    let count = 0;
    for (const partition of this.partitions.values()) count += partition.items.size;
    return count;
  }

  /** Forgets the counts (the items stay). */
  resetCounts(): void {
    this.writes.length = 0;
    this.calls.length = 0;
    this.failedConditionUnits = [];
    this.readUnitsTotal = 0;
    this.queryPagesTotal = 0;
  }

  /** Totals so far. */
  totals(): WriteTotals {
    const writeOps = new Set(['BatchWriteItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems']);
    const readOps = new Set(['Query', 'GetItem', 'BatchGetItem']);
    let units = this.failedConditionUnits.reduce((a, b) => a + b, 0);
    let indexUnits = 0;
    for (const w of this.writes) {
      const idx = Object.values(w.indexUnits).reduce((a, b) => a + b, 0);
      units += w.tableUnits + idx;
      indexUnits += idx;
    }
    return {
      requests: this.calls.filter((c) => writeOps.has(c)).length,
      itemWrites: this.writes.length,
      writeUnits: units,
      conditionFailures: this.failedConditionUnits.length,
      indexWriteUnits: indexUnits,
      readRequests: this.calls.filter((c) => readOps.has(c)).length,
      readUnits: this.readUnitsTotal,
      queryPages: this.queryPagesTotal,
    };
  }

  /** The one method the SDK's clients are used through. */
  send(command: SdkCommand): Promise<Record<string, unknown>> {
    // A throw in the executor rejects the promise, as it would in an async method.
    return new Promise((resolve) => resolve(this.answer(command)));
  }

  private answer(command: SdkCommand): Record<string, unknown> {
    const operation = command.constructor.name.replace(/Command$/, '');
    this.calls.push(operation);
    const input = command.input as CommandInput;
    switch (operation) {
      case 'PutItem': {
        const before = this.checkCondition(input, input.Item as Item);
        this.put(operation, input.Item as Item, 1);
        return input.ReturnValues === 'ALL_OLD' && before ? { Attributes: before } : {};
      }
      case 'DeleteItem': {
        const before = this.checkCondition(input, input.Key as Item);
        this.delete(operation, input.Key as Item, 1);
        return input.ReturnValues === 'ALL_OLD' && before ? { Attributes: before } : {};
      }
      case 'UpdateItem': {
        const before = this.checkCondition(input, input.Key as Item);
        const after = this.update(operation, input, 1);
        if (input.ReturnValues === 'ALL_OLD') return before ? { Attributes: before } : {};
        return input.ReturnValues === 'ALL_NEW' ? { Attributes: after } : {};
      }
      case 'BatchWriteItem':
        return this.batchWrite(input.RequestItems as Record<string, WriteRequest[]>);
      case 'TransactWriteItems':
        for (const entry of input.TransactItems as CommandInput[]) {
          // Transactions bill every item twice (prepare + commit).
          if (entry.Put) this.put(operation, entry.Put.Item as Item, 2);
          else if (entry.Delete) this.delete(operation, entry.Delete.Key as Item, 2);
          else if (entry.Update) this.update(operation, entry.Update, 2);
          else if (entry.ConditionCheck) this.record(operation, 'update', entry.ConditionCheck.Key as Item, 0, 2, {});
        }
        return {};
      case 'GetItem': {
        const item = this.get(input.Key as Item);
        this.readUnitsTotal += readUnits(item ? itemBytes(item) : 0, input.ConsistentRead === true);
        return { Item: item };
      }
      case 'BatchGetItem':
        return this.batchGet(input.RequestItems as Record<string, { Keys: Item[] }>);
      case 'Query':
        return this.query(input);
      default:
        throw new Error(`CountingDynamoClient does not implement ${operation}; extend bench/counting-client.ts`);
    }
  }

  /**
   * The stored item at `key` (undefined when none), after checking the input's condition.
   * @throws ConditionalCheckFailedException (billed) when the condition is false.
   */
  private checkCondition(input: CommandInput, key: Item): Item | undefined {
    const before = this.get(key);
    if (!input.ConditionExpression) return before;
    const ok = evaluateCondition(before, String(input.ConditionExpression), {
      names: input.ExpressionAttributeNames,
      values: input.ExpressionAttributeValues,
    });
    if (ok) return before;
    this.failedConditionUnits.push(writeUnits(before ? itemBytes(before) : 0));
    throw Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
      $metadata: { httpStatusCode: 400 },
      ...(input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && before ? { Item: before } : {}),
    });
  }

  private batchWrite(requestItems: Record<string, WriteRequest[]>): Record<string, unknown> {
    const tables = Object.keys(requestItems);
    if (tables.length !== 1) throw new Error(`BatchWriteItem to ${tables.length} tables; the benchmark models one`);
    const requests = requestItems[tables[0]];
    if (requests.length === 0 || requests.length > 25)
      throw new Error(`BatchWriteItem with ${requests.length} requests (DynamoDB allows 1-25)`);
    const seen = new Set<string>();
    for (const request of requests) {
      const key = this.keyOf((request.PutRequest?.Item ?? request.DeleteRequest?.Key) as Item).join('\u0000');
      // DynamoDB rejects the whole request in this case; so does the stand-in.
      if (seen.has(key)) throw new Error('ValidationException: Provided list of item keys contains duplicates');
      seen.add(key);
    }
    for (const request of requests) {
      if (request.PutRequest) this.put('BatchWriteItem', request.PutRequest.Item as Item, 1);
      else if (request.DeleteRequest) this.delete('BatchWriteItem', request.DeleteRequest.Key as Item, 1);
    }
    return { UnprocessedItems: {} };
  }

  private put(operation: string, item: Item, multiplier: number): void {
    const before = this.get(item);
    this.store(item);
    this.record(
      operation,
      'put',
      item,
      Math.max(itemBytes(item), before ? itemBytes(before) : 0),
      multiplier,
      this.indexUnits(before, item),
    );
  }

  private delete(operation: string, keyItem: Item, multiplier: number): void {
    const before = this.get(keyItem);
    this.remove(keyItem);
    this.record(
      operation,
      'delete',
      keyItem,
      before ? itemBytes(before) : 0,
      multiplier,
      this.indexUnits(before, undefined),
    );
  }

  private update(operation: string, input: CommandInput, multiplier: number): Item {
    const before = this.get(input.Key as Item);
    const after = applyUpdateExpression(before ?? { ...(input.Key as Item) }, String(input.UpdateExpression ?? ''), {
      names: input.ExpressionAttributeNames,
      values: input.ExpressionAttributeValues,
    });
    this.store(after);
    this.record(
      operation,
      'update',
      after,
      Math.max(itemBytes(after), before ? itemBytes(before) : 0),
      multiplier,
      this.indexUnits(before, after),
    );
    return after;
  }

  private record(
    operation: string,
    kind: ItemWrite['kind'],
    item: Item,
    bytes: number,
    multiplier: number,
    indexUnits: Record<string, number>,
  ): void {
    const scaled: Record<string, number> = {};
    for (const [name, units] of Object.entries(indexUnits)) scaled[name] = units * multiplier;
    this.writes.push({
      operation,
      kind,
      pk: keyText(item[this.table.partitionKey]),
      sk: this.table.sortKey ? keyText(item[this.table.sortKey]) : '',
      bytes,
      tableUnits: writeUnits(bytes) * multiplier,
      indexUnits: scaled,
    });
  }

  /**
   * Units each index is billed for a change from `before` to `after`: a put when the item
   * enters it, a delete when it leaves, both when its index key changes, one write when a
   * projected attribute changes in place, nothing when the index is not affected.
   */
  private indexUnits(before: Item | undefined, after: Item | undefined): Record<string, number> {
    const units: Record<string, number> = {};
    for (const index of this.table.indexes) {
      const old = before && inIndex(index, before) ? this.projected(index, before) : undefined;
      const now = after && inIndex(index, after) ? this.projected(index, after) : undefined;
      let total = 0;
      if (old && now) {
        const sameKey = canonical(pick(old, indexKeyNames(index))) === canonical(pick(now, indexKeyNames(index)));
        if (!sameKey) total = writeUnits(itemBytes(old)) + writeUnits(itemBytes(now));
        else if (canonical(old) !== canonical(now)) total = writeUnits(Math.max(itemBytes(old), itemBytes(now)));
      } else if (old) {
        total = writeUnits(itemBytes(old));
      } else if (now) {
        total = writeUnits(itemBytes(now));
      }
      if (total > 0) units[index.name] = total;
    }
    return units;
  }

  /** The index entry: table key + index key + projected attributes. */
  private projected(index: IndexDefinition, item: Item): Item {
    if (index.projection === 'ALL') return item;
    const keys = [
      this.table.partitionKey,
      ...(this.table.sortKey ? [this.table.sortKey] : []),
      ...indexKeyNames(index),
    ];
    const extra = index.projection === 'KEYS_ONLY' ? [] : index.projection.include;
    return pick(item, [...keys, ...extra]);
  }

  private batchGet(requestItems: Record<string, { Keys: Item[] }>): Record<string, unknown> {
    const responses: Record<string, Item[]> = {};
    for (const [table, { Keys, ConsistentRead }] of Object.entries(
      requestItems as Record<string, { Keys: Item[]; ConsistentRead?: boolean }>,
    )) {
      if (Keys.length > 100) throw new Error(`BatchGetItem with ${Keys.length} keys (DynamoDB allows 100)`);
      const found = Keys.map((k) => this.get(k));
      // Every key is billed on its own, rounded up to 4 KB; a missing item still costs the minimum.
      for (const item of found) this.readUnitsTotal += readUnits(item ? itemBytes(item) : 0, ConsistentRead === true);
      responses[table] = found.filter((i): i is Item => i !== undefined);
    }
    return { Responses: responses, UnprocessedKeys: {} };
  }

  private query(input: CommandInput): Record<string, unknown> {
    if (input.FilterExpression) throw new Error('CountingDynamoClient: Query FilterExpression is not modelled');
    const index = input.IndexName ? this.table.indexes.find((i) => i.name === input.IndexName) : undefined;
    if (input.IndexName && !index) throw new Error(`Query on unknown index ${input.IndexName}`);
    const pkName = index ? index.partitionKey : this.table.partitionKey;
    const skName = index ? index.sortKey : this.table.sortKey;
    const condition = parseKeyCondition(
      String(input.KeyConditionExpression ?? ''),
      input.ExpressionAttributeNames ?? {},
    );
    const value = (placeholder: string): AttributeValue => {
      const v = (input.ExpressionAttributeValues ?? {})[placeholder] as AttributeValue | undefined;
      if (!v) throw new Error(`Query: ${placeholder} is not in ExpressionAttributeValues`);
      return v;
    };
    if (condition.partition.name !== pkName)
      throw new Error(`Query: ${condition.partition.name} is not the partition key ${pkName}`);
    const pkValue = keyText(value(condition.partition.value));
    let matches: Item[];
    if (index) {
      // Index queries are rare in the measured paths: a full pass is fine.
      matches = [...this.partitions.values()]
        .flatMap((p) => [...p.items.values()])
        .filter((item) => item[pkName] !== undefined && keyText(item[pkName]) === pkValue);
      if (skName) matches = matches.filter((item) => item[skName] !== undefined);
      if (skName) matches.sort((a, b) => compareValues(a[skName], b[skName]));
    } else {
      matches = this.partitions.get(pkValue)?.sorted ?? [];
    }
    if (condition.sort) {
      const { name, op, values } = condition.sort;
      if (name !== skName) throw new Error(`Query: ${name} is not the sort key ${skName}`);
      const args = values.map((v) => value(v));
      matches = sortRange(matches, name, op, args);
    }
    if (input.ScanIndexForward === false) matches = [...matches].reverse();
    let from = 0;
    if (input.ExclusiveStartKey) {
      const start = input.ExclusiveStartKey;
      from = index
        ? matches.findIndex((m) => canonical(pick(m, Object.keys(start))) === canonical(start)) + 1
        : afterKey(matches, skName as string, start[skName as string], input.ScanIndexForward === false);
    }
    const limit = typeof input.Limit === 'number' ? input.Limit : Infinity;
    // A page ends at Limit items or once 1 MB of items has been read, whichever comes first.
    const page: Item[] = [];
    let bytes = 0;
    for (let i = from; i < matches.length && page.length < limit && bytes < QUERY_PAGE_BYTES; i++) {
      page.push(matches[i]);
      bytes += itemBytes(matches[i]);
    }
    this.queryPagesTotal++;
    this.readUnitsTotal += readUnits(bytes, input.ConsistentRead === true);
    const more = from + page.length < matches.length;
    const last = page[page.length - 1];
    const lastKeyNames = [
      this.table.partitionKey,
      ...(this.table.sortKey ? [this.table.sortKey] : []),
      ...(index ? indexKeyNames(index) : []),
    ];
    return {
      Items: input.Select === 'COUNT' ? undefined : page,
      Count: page.length,
      ScannedCount: page.length,
      LastEvaluatedKey: more && last ? pick(last, lastKeyNames) : undefined,
    };
  }

  private store(item: Item): void {
    const [pk, sk] = this.keyOf(item);
    this.emit(this.partitions.get(pk)?.items.get(sk), item);
    let partition = this.partitions.get(pk);
    if (!partition) this.partitions.set(pk, (partition = { items: new Map(), sorted: [] }));
    const sortKey = this.table.sortKey;
    if (partition.items.has(sk) && sortKey) {
      partition.sorted[lowerBound(partition.sorted, sortKey, item[sortKey])] = item;
    } else if (sortKey) {
      partition.sorted.splice(lowerBound(partition.sorted, sortKey, item[sortKey]), 0, item);
    } else {
      partition.sorted.splice(0, partition.sorted.length, item);
    }
    partition.items.set(sk, item);
  }

  private remove(keyItem: Item): void {
    const [pk, sk] = this.keyOf(keyItem);
    const partition = this.partitions.get(pk);
    if (!partition?.items.has(sk)) return;
    this.emit(partition.items.get(sk), undefined);
    partition.items.delete(sk);
    const sortKey = this.table.sortKey;
    if (sortKey) partition.sorted.splice(lowerBound(partition.sorted, sortKey, keyItem[sortKey]), 1);
    else partition.sorted.length = 0;
  }

  /** Appends the stream record of a change from `before` to `after` (nothing when unchanged). */
  private emit(before: Item | undefined, after: Item | undefined): void {
    if (!this.options.stream) return;
    if (before && after && canonical(before) === canonical(after)) return;
    const image = (before ?? after) as Item;
    const keys: Item = { [this.table.partitionKey]: image[this.table.partitionKey] };
    if (this.table.sortKey) keys[this.table.sortKey] = image[this.table.sortKey];
    type Images = NonNullable<DynamoDBRecord['dynamodb']>['Keys'];
    const sequence = this.nextSequence++;
    this.stream.push({
      eventID: `stand-in-${sequence}`,
      eventName: !before ? 'INSERT' : !after ? 'REMOVE' : 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: this.options.region ?? 'us-east-1',
      dynamodb: {
        Keys: keys as Images,
        ...(after ? { NewImage: after as Images } : {}),
        ...(before ? { OldImage: before as Images } : {}),
        SequenceNumber: String(sequence),
        SizeBytes: itemBytes(image),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  }

  /** [partition key text, sort key text]. */
  private keyOf(item: Item): [string, string] {
    const pk = item[this.table.partitionKey];
    const sk = this.table.sortKey ? item[this.table.sortKey] : undefined;
    if (pk === undefined || (this.table.sortKey && sk === undefined)) {
      throw new Error(`ValidationException: item lacks its key (${JSON.stringify(item).slice(0, 120)})`);
    }
    return [keyText(pk), sk ? keyText(sk) : ''];
  }
}

/** Parsed `KeyConditionExpression`. */
export interface KeyCondition {
  readonly partition: { readonly name: string; readonly value: string };
  readonly sort?: { readonly name: string; readonly op: string; readonly values: readonly string[] };
}

/**
 * Parses `pk = :v [AND sk <op> :a | sk BETWEEN :a AND :b | begins_with(sk, :p)]`, resolving
 * `#names`. Throws on anything else.
 */
export function parseKeyCondition(expression: string, names: Record<string, string>): KeyCondition {
  const name = (token: string): string => {
    const t = token.trim();
    return t.startsWith('#') ? (names[t] ?? fail(`${t} is not in ExpressionAttributeNames`)) : t;
  };
  const fail = (why: string): never => {
    throw new Error(`Query: cannot model KeyConditionExpression "${expression}": ${why}`);
  };
  const m =
    /^\s*([#\w]+)\s*=\s*(:\w+)\s*(?:AND\s+(.+))?$/is.exec(expression) ?? fail('expected "<pk> = :value [AND ...]"');
  const partition = { name: name(m[1]), value: m[2] };
  if (!m[3]) return { partition };
  const rest = m[3].trim();
  const between = /^([#\w]+)\s+BETWEEN\s+(:\w+)\s+AND\s+(:\w+)$/i.exec(rest);
  if (between) return { partition, sort: { name: name(between[1]), op: 'BETWEEN', values: [between[2], between[3]] } };
  const begins = /^begins_with\s*\(\s*([#\w]+)\s*,\s*(:\w+)\s*\)$/i.exec(rest);
  if (begins) return { partition, sort: { name: name(begins[1]), op: 'begins_with', values: [begins[2]] } };
  const cmp = /^([#\w]+)\s*(<=|>=|<|>|=)\s*(:\w+)$/.exec(rest) ?? fail(`unsupported sort-key condition "${rest}"`);
  return { partition, sort: { name: name(cmp[1]), op: cmp[2], values: [cmp[3]] } };
}

/** Attributes in an index's key. */
function indexKeyNames(index: IndexDefinition): string[] {
  return index.sortKey ? [index.partitionKey, index.sortKey] : [index.partitionKey];
}

/** Sparse indexes: an item is in an index only when it has every key attribute of it. */
function inIndex(index: IndexDefinition, item: Item): boolean {
  return indexKeyNames(index).every((k) => item[k] !== undefined);
}

function pick(item: Item, names: readonly string[]): Item {
  const out: Item = {};
  for (const n of names) if (item[n] !== undefined) out[n] = item[n];
  return out;
}

/** Order-independent text of an item, for equality. */
function canonical(item: Item): string {
  return JSON.stringify(
    Object.keys(item)
      .sort()
      .map((k) => [k, item[k]]),
  );
}

function keyText(value: AttributeValue | undefined): string {
  if (value === undefined) return '';
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return value.N;
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  throw new Error(`key attribute must be S, N or B: ${JSON.stringify(value)}`);
}

function compareValues(a: AttributeValue | undefined, b: AttributeValue | undefined): number {
  if (a?.N !== undefined && b?.N !== undefined) return Number(a.N) - Number(b.N);
  const x = keyText(a);
  const y = keyText(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareSort(value: AttributeValue, op: string, args: AttributeValue[]): boolean {
  switch (op) {
    case '=':
      return compareValues(value, args[0]) === 0;
    case '<':
      return compareValues(value, args[0]) < 0;
    case '<=':
      return compareValues(value, args[0]) <= 0;
    case '>':
      return compareValues(value, args[0]) > 0;
    case '>=':
      return compareValues(value, args[0]) >= 0;
    case 'BETWEEN':
      return compareValues(value, args[0]) >= 0 && compareValues(value, args[1]) <= 0;
    case 'begins_with':
      return keyText(value).startsWith(keyText(args[0]));
    default:
      return false;
  }
}

/** First position in `sorted` whose sort key is not below `value`. */
function lowerBound(sorted: readonly Item[], name: string, value: AttributeValue | undefined): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareValues(sorted[mid][name], value) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The items of `sorted` (ascending by `name`) that satisfy the sort-key condition. */
function sortRange(sorted: readonly Item[], name: string, op: string, args: AttributeValue[]): Item[] {
  if (op === 'begins_with') {
    const prefix = keyText(args[0]);
    const out: Item[] = [];
    for (let i = lowerBound(sorted, name, args[0]); i < sorted.length; i++) {
      if (!keyText(sorted[i][name]).startsWith(prefix)) break;
      out.push(sorted[i]);
    }
    return out;
  }
  return sorted.filter((item) => item[name] !== undefined && compareSort(item[name], op, args));
}

/** Position just after the item whose sort key is `key` in `items` (ascending, or descending). */
function afterKey(items: readonly Item[], name: string, key: AttributeValue | undefined, descending: boolean): number {
  if (!descending) {
    const at = lowerBound(items, name, key);
    return at < items.length && compareValues(items[at][name], key) === 0 ? at + 1 : at;
  }
  return items.findIndex((m) => compareValues(m[name], key) < 0);
}
