/** MarketRecord builders for handler and storage tests. */
import type { QuoteRecord, TradeRecord } from '../../../functions/lib/domain/types';

/** A valid trade; override any field. */
export function trade(overrides: Partial<TradeRecord> = {}): TradeRecord {
  const timestamp = overrides.timestamp ?? '2024-03-01T14:30:05.123Z';
  return {
    type: 'trade',
    recordId: 't-0001',
    symbol: 'AAPL',
    timestamp,
    epochMs: Date.parse(timestamp),
    minute: `${timestamp.slice(0, 16)}:00.000Z`,
    session: 'regular',
    exchange: 'XNAS',
    tradeId: '0001',
    price: '187.25',
    size: 100,
    notional: '18725',
    source: { kind: 's3', uri: 's3://ingest-test/incoming/trades.csv', versionId: 'v1', line: 2 },
    originRegion: 'us-east-1',
    ...overrides,
  };
}

/** A valid quote; override any field. */
export function quote(overrides: Partial<QuoteRecord> = {}): QuoteRecord {
  const timestamp = overrides.timestamp ?? '2024-03-01T14:30:05.123Z';
  return {
    type: 'quote',
    recordId: 'q-0001',
    symbol: 'AAPL',
    timestamp,
    epochMs: Date.parse(timestamp),
    minute: `${timestamp.slice(0, 16)}:00.000Z`,
    session: 'regular',
    bid: '187.24',
    ask: '187.26',
    bidSize: 300,
    askSize: 200,
    mid: '187.25',
    spread: '0.02',
    spreadBps: '1.0681',
    source: { kind: 'api', uri: 'api://req-1', line: 0 },
    originRegion: 'us-east-1',
    ...overrides,
  };
}

/** Fake Lambda context. */
export const context = {
  functionName: 'test-fn',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test-fn',
  memoryLimitInMB: '256',
  awsRequestId: 'req-test',
  logGroupName: '/aws/lambda/test-fn',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 30000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as const;
