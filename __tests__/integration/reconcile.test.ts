import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { partialBarKey } from '../../functions/lib/store/items';
import type { LocalPipeline } from '../../local/local-pipeline';
import { reconcileBars, type ReconcileOptions } from '../../reconcile/reconciler';
import { expectedBars, generateTrades, tableBars, testPipeline, tradesCsv } from './harness';

const ROOT = join(__dirname, '..', '..');
const MINUTE = '2026-03-10T14:31:00.000Z';

describe('reconciliation', () => {
  let pipeline: LocalPipeline;
  let options: ReconcileOptions;
  const rows = generateTrades(90, { symbols: ['AAPL', 'MSFT'], idPrefix: 'R', minutes: 3 });

  beforeAll(async () => {
    pipeline = await testPipeline('reconcile');
    await pipeline.uploadFile('reconcile.csv', tradesCsv(rows));
    await pipeline.drain();
    options = {
      dynamodb: pipeline.clients.dynamodb,
      tableName: pipeline.resources.tableName,
      region: 'us-east-1',
      regions: ['us-east-1', 'us-west-2'],
      from: '2026-03-10T14:30:00.000Z',
      to: '2026-03-10T14:32:00.000Z',
      source: 'query',
      fix: false,
    };
  });

  it('finds no drift after a clean run (the local run reports the same)', async () => {
    const report = await reconcileBars(options);
    expect(report).toMatchObject({ minutes: 6, trades: 90, partialDifferences: [], barDifferences: [] });
    expect((await pipeline.report()).drift).toMatchObject({ minutes: 6, differences: 0 });
  });

  it('finds a partial bar corrupted by hand, field by field, and repairs it through the stream', async () => {
    await pipeline.clients.dynamodb.send(
      new UpdateItemCommand({
        TableName: pipeline.resources.tableName,
        Key: { ...partialBarKey('AAPL', MINUTE, 'us-east-1') },
        UpdateExpression: 'SET volume = volume + :more, high = :high',
        ExpressionAttributeValues: { ':more': { N: '1000' }, ':high': { N: '9999' } },
      }),
    );
    const found = await reconcileBars(options);
    expect(found.partialDifferences).toEqual([
      {
        symbol: 'AAPL',
        minute: MINUTE,
        region: 'us-east-1',
        fields: [
          expect.objectContaining({ field: 'volume' }),
          expect.objectContaining({ field: 'high', stored: '9999' }),
        ],
      },
    ]);
    expect(found.barDifferences.map((d) => [d.symbol, d.minute])).toEqual([['AAPL', MINUTE]]);

    // The command line finds the same against the emulator, and exits 1 while it differs.
    const cli = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [
        'reconcile/cli.ts',
        '--env',
        'dev',
        '--region',
        'us-east-1',
        '--from',
        '2026-03-10T14:30',
        '--to',
        '2026-03-10T14:32',
        '--json',
      ],
      { cwd: ROOT, env: { ...process.env, PIPELINE_NAME_PREFIX: 'it-reconcile' }, encoding: 'utf8' },
    );
    expect(cli.status).toBe(1);
    const printed = JSON.parse(cli.stdout) as { partialDifferences: { symbol: string; minute: string }[] };
    expect(printed.partialDifferences.map((d) => [d.symbol, d.minute])).toEqual([['AAPL', MINUTE]]);

    const fixed = await reconcileBars({ ...options, fix: true });
    expect(fixed.fixes).toEqual([{ symbol: 'AAPL', minute: MINUTE, status: 'written' }]);
    // The bars function applies the reconciliation when the stream delivers it.
    await pipeline.drain();
    expect(await reconcileBars(options)).toMatchObject({ partialDifferences: [], barDifferences: [] });
    expect(await tableBars(pipeline)).toEqual(expectedBars(rows));
  });

  it('keeps later trades exact on top of a reconciliation', async () => {
    const more = generateTrades(10, { symbols: ['AAPL'], idPrefix: 'L', minutes: 3, seed: 99 });
    await pipeline.uploadFile('later.csv', tradesCsv(more));
    await pipeline.drain();
    expect(await tableBars(pipeline)).toEqual(expectedBars([...rows, ...more]));
    expect((await pipeline.report()).drift.differences).toBe(0);
  });
});
