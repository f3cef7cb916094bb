import { type ApiServer, GATEWAY_MAX_BODY_BYTES, startApiServer } from '../../local/api-server';
import type { BackgroundRun, LocalPipeline } from '../../local/local-pipeline';
import type { MinuteBar } from '../../functions/lib/domain/types';
import { canonical, expectedBars, testPipeline, type TradeRow } from './harness';

describe('local ingest API server (npm run local -- --serve)', () => {
  let pipeline: LocalPipeline;
  let background: BackgroundRun;
  let server: ApiServer;
  const trades: TradeRow[] = [
    { symbol: 'SRVA', timestamp: '2026-03-10T15:00:01.000Z', price: '10.50', size: 100, tradeId: 'S1' },
    { symbol: 'SRVA', timestamp: '2026-03-10T15:00:31.250Z', price: '10.70', size: 50, tradeId: 'S2' },
    { symbol: 'SRVA', timestamp: '2026-03-10T15:01:05.000Z', price: '10.60', size: 10, tradeId: 'S3' },
  ];

  beforeAll(async () => {
    pipeline = await testPipeline('serve');
    background = pipeline.runInBackground({ idleMs: 50 });
    server = await startApiServer({ pipeline, port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    await background?.stop();
  });

  const post = (
    path: string,
    body: string | Uint8Array<ArrayBuffer>,
    contentType = 'application/json',
  ): Promise<Response> =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

  /** `GET /local/bars` until `done` holds for its answer (bounded: the pipeline runs in the background). */
  async function barsWhen(done: (bars: MinuteBar[]) => boolean): Promise<{ stored: number; bars: MinuteBar[] }> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const answer = (await (await fetch(`${server.url}/local/bars`)).json()) as { stored: number; bars: MinuteBar[] };
      if (done(answer.bars) || Date.now() > deadline) return answer;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('takes a curl-style POST /ingest and the records show up in GET /local/bars', async () => {
    const response = await post('/ingest', JSON.stringify([...trades, { ...trades[0], tradeId: 'BAD', price: '-1' }]));
    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ accepted: 3, rejected: 1, rejects: [{ index: 3 }] });

    const srva = (bars: MinuteBar[]): MinuteBar[] => bars.filter((bar) => bar.symbol === 'SRVA');
    const answer = await barsWhen((bars) => srva(bars).length === 2);
    const canonicalBars = srva(answer.bars).map((bar) => ({
      ...bar,
      ...Object.fromEntries(
        (['open', 'high', 'low', 'close', 'vwap', 'notional'] as const).map((field) => [field, canonical(bar[field])]),
      ),
    }));
    expect(canonicalBars).toEqual(expectedBars(trades));
    expect(answer.stored).toBeGreaterThanOrEqual(3);
  });

  it("takes NDJSON, and answers the handler's 4xx for other media types", async () => {
    const ndjson = `${JSON.stringify({ ...trades[0], tradeId: 'N1' })}\n`;
    expect((await post('/ingest', ndjson, 'application/x-ndjson')).status).toBe(202);
    const csv = await post('/ingest', 'symbol,price\nAAPL,1\n', 'text/csv');
    expect(csv.status).toBe(415);
    const answer = (await csv.json()) as { error: string; requestId: unknown };
    expect([answer.error, typeof answer.requestId]).toEqual(['UnsupportedMediaType', 'string']);
  });

  it('answers POST /files for a file that is not there with 404 naming it', async () => {
    const response = await post('/files', JSON.stringify({ fileName: 'absent.csv', processingType: 'standard' }));
    expect(response.status).toBe(404);
    const answer = (await response.json()) as { error: string; message: string };
    expect(answer.error).toBe('FileNotFound');
    expect(answer.message).toContain('absent.csv');
  });

  it('answers other routes as API Gateway does, 404 {"message":"Not Found"}, never reaching the function', async () => {
    const before = pipeline.functions.invocations['api-ingest'] ?? 0;
    for (const [method, path] of [
      ['GET', '/ingest'],
      ['POST', '/ingest/'],
      ['DELETE', '/files'],
      ['POST', '/admin'],
    ]) {
      const response = await fetch(`${server.url}${path}`, { method, body: method === 'GET' ? undefined : '{}' });
      expect([method, path, response.status, await response.json()]).toEqual([
        method,
        path,
        404,
        { message: 'Not Found' },
      ]);
    }
    expect(pipeline.functions.invocations['api-ingest'] ?? 0).toBe(before);
  });

  it('refuses bodies over the 10 MB API Gateway accepts with its own 413', async () => {
    const response = await post('/ingest', new Uint8Array(GATEWAY_MAX_BODY_BYTES + 1).fill(32), 'application/json');
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: 'Request Entity Too Large' });
  });
});
