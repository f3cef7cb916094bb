/**
 * DynamoDB Global Tables replication between two emulator tables, each standing in for one
 * region's replica (the emulator has no global tables). Every change a region makes locally is
 * read from its table's stream and written into the other table, where it shows up on that
 * table's stream as it does in AWS; conflicts settle last-writer-wins by the time of the local
 * write (ties: the region whose name sorts last wins), so both tables converge on the same item.
 * The replicator's own writes are recognised on the way back and never replicated again.
 */
import { DeleteItemCommand, type DynamoDBClient, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';

type Item = Record<string, AttributeValue>;

/** One region's replica. */
export interface ReplicaTable {
  readonly region: string;
  readonly tableName: string;
  readonly streamArn: string;
}

/** A local write read from a replica's stream. */
interface LocalWrite {
  readonly from: ReplicaTable;
  readonly to: ReplicaTable;
  readonly key: string;
  readonly keys: Item;
  /** Undefined for a delete. */
  readonly image?: Item;
  readonly timeMs: number;
}

/** Order-independent text of an item (or key), for equality. */
function canonical(item: Item): string {
  return JSON.stringify(
    Object.keys(item)
      .sort()
      .map((name) => [name, item[name]]),
  );
}

/** Replicates between two emulator tables; call {@link replicate} until it returns 0. */
export class GlobalTableReplicator {
  private readonly iterators = new Map<string, string | undefined>();
  /** Time of the newest write applied to each (table, key), local or replicated. */
  private readonly lastWrite = new Map<string, number>();
  /** Changes this replicator wrote into a table, expected back on that table's stream. */
  private readonly echoes = new Map<string, number>();
  /** Stream records already read (the emulator hands a few out twice, see local/stream-poller.ts). */
  private readonly seen = new Set<string>();

  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly streams: DynamoDBStreamsClient,
    private readonly a: ReplicaTable,
    private readonly b: ReplicaTable,
  ) {}

  /** Reads both streams and applies every new local write to the other table; resolves with the writes applied. */
  async replicate(): Promise<number> {
    const writes = [...(await this.localWrites(this.a, this.b)), ...(await this.localWrites(this.b, this.a))];
    // Know every table's newest local write before deciding any conflict.
    for (const w of writes) this.noteWrite(w.from, w.key, w.timeMs);
    writes.sort((x, y) => x.timeMs - y.timeMs || (x.from.region < y.from.region ? -1 : 1));
    let applied = 0;
    for (const w of writes) {
      if (!this.wins(w)) continue;
      const change = w.image ? `put:${canonical(w.image)}` : `delete:${canonical(w.keys)}`;
      const echo = `${w.to.tableName}\u0000${change}`;
      this.echoes.set(echo, (this.echoes.get(echo) ?? 0) + 1);
      if (w.image) await this.dynamodb.send(new PutItemCommand({ TableName: w.to.tableName, Item: w.image }));
      else await this.dynamodb.send(new DeleteItemCommand({ TableName: w.to.tableName, Key: w.keys }));
      this.noteWrite(w.to, w.key, w.timeMs);
      applied++;
    }
    return applied;
  }

  /** Last writer wins: the write replicates unless the target holds a newer one. */
  private wins(w: LocalWrite): boolean {
    const target = this.lastWrite.get(`${w.to.tableName}\u0000${w.key}`);
    if (target === undefined || target < w.timeMs) return true;
    return target === w.timeMs && w.from.region > w.to.region;
  }

  private noteWrite(table: ReplicaTable, key: string, timeMs: number): void {
    const id = `${table.tableName}\u0000${key}`;
    this.lastWrite.set(id, Math.max(this.lastWrite.get(id) ?? -Infinity, timeMs));
  }

  /** New records of `from`'s stream that are local writes (not this replicator's echoes). */
  private async localWrites(from: ReplicaTable, to: ReplicaTable): Promise<LocalWrite[]> {
    const writes: LocalWrite[] = [];
    for (const record of await this.readNew(from)) {
      if (record.eventID !== undefined) {
        if (this.seen.has(record.eventID)) continue;
        this.seen.add(record.eventID);
      }
      const data = record.dynamodb ?? {};
      const keys = (data.Keys ?? {}) as Item;
      const image = record.eventName === 'REMOVE' ? undefined : data.NewImage;
      const change = image ? `put:${canonical(image)}` : `delete:${canonical(keys)}`;
      const echo = `${from.tableName}\u0000${change}`;
      const pending = this.echoes.get(echo) ?? 0;
      if (pending > 0) {
        if (pending === 1) this.echoes.delete(echo);
        else this.echoes.set(echo, pending - 1);
        continue;
      }
      const created = data.ApproximateCreationDateTime;
      writes.push({
        from,
        to,
        key: canonical(keys),
        keys,
        image,
        timeMs: created ? new Date(created).getTime() : Date.now(),
      });
    }
    return writes;
  }

  private async readNew(table: ReplicaTable): Promise<_Record[]> {
    const records: _Record[] = [];
    const description = await this.streams.send(new DescribeStreamCommand({ StreamArn: table.streamArn }));
    for (const shard of description.StreamDescription?.Shards ?? []) {
      const id = `${table.streamArn}\u0000${shard.ShardId}`;
      let iterator = this.iterators.has(id)
        ? this.iterators.get(id)
        : (
            await this.streams.send(
              new GetShardIteratorCommand({
                StreamArn: table.streamArn,
                ShardId: shard.ShardId,
                ShardIteratorType: 'TRIM_HORIZON',
              }),
            )
          ).ShardIterator;
      while (iterator) {
        const page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        records.push(...(page.Records ?? []));
        iterator = page.NextShardIterator;
        if ((page.Records ?? []).length === 0) break;
      }
      this.iterators.set(id, iterator);
    }
    return records;
  }
}
