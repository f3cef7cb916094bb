/**
 * The trade and quote records of validated rows. Records are built as complete literals, one per
 * combination of the optional keys: optional keys are only present when set (no `undefined`
 * attributes reach storage), and adding them after construction would cost a hidden-class
 * transition and a property-array allocation per row.
 */
import type { MinuteInfo, QuoteMetrics } from '../domain/enrichment';
import type { QuoteRecord, SourceRef, TradeRecord } from '../domain/types';

/** The trade record of a validated row. */
export function makeTrade(
  recordId: string,
  symbol: string,
  timestamp: string,
  epochMs: number,
  minute: MinuteInfo,
  price: string,
  size: number,
  notional: string,
  source: SourceRef,
  originRegion: string,
  exchange: string | undefined,
  tradeId: string | undefined,
): TradeRecord {
  const type = 'trade';
  const { key, session } = minute;
  if (exchange !== undefined) {
    if (tradeId !== undefined) {
      return {
        recordId,
        type,
        symbol,
        timestamp,
        epochMs,
        minute: key,
        session,
        price,
        size,
        notional,
        exchange,
        tradeId,
        source,
        originRegion,
      };
    }
    return {
      recordId,
      type,
      symbol,
      timestamp,
      epochMs,
      minute: key,
      session,
      price,
      size,
      notional,
      exchange,
      source,
      originRegion,
    };
  }
  if (tradeId !== undefined) {
    return {
      recordId,
      type,
      symbol,
      timestamp,
      epochMs,
      minute: key,
      session,
      price,
      size,
      notional,
      tradeId,
      source,
      originRegion,
    };
  }
  return {
    recordId,
    type,
    symbol,
    timestamp,
    epochMs,
    minute: key,
    session,
    price,
    size,
    notional,
    source,
    originRegion,
  };
}

/** The quote record of a validated row. */
export function makeQuote(
  recordId: string,
  symbol: string,
  timestamp: string,
  epochMs: number,
  minute: MinuteInfo,
  bid: string,
  ask: string,
  bidSize: number,
  askSize: number,
  metrics: QuoteMetrics,
  source: SourceRef,
  originRegion: string,
  exchange: string | undefined,
  tradeId: string | undefined,
): QuoteRecord {
  const type = 'quote';
  const { key, session } = minute;
  const { mid, spread, spreadBps } = metrics;
  if (exchange !== undefined) {
    if (tradeId !== undefined) {
      return {
        recordId,
        type,
        symbol,
        timestamp,
        epochMs,
        minute: key,
        session,
        bid,
        ask,
        bidSize,
        askSize,
        mid,
        spread,
        spreadBps,
        exchange,
        tradeId,
        source,
        originRegion,
      };
    }
    return {
      recordId,
      type,
      symbol,
      timestamp,
      epochMs,
      minute: key,
      session,
      bid,
      ask,
      bidSize,
      askSize,
      mid,
      spread,
      spreadBps,
      exchange,
      source,
      originRegion,
    };
  }
  if (tradeId !== undefined) {
    return {
      recordId,
      type,
      symbol,
      timestamp,
      epochMs,
      minute: key,
      session,
      bid,
      ask,
      bidSize,
      askSize,
      mid,
      spread,
      spreadBps,
      tradeId,
      source,
      originRegion,
    };
  }
  return {
    recordId,
    type,
    symbol,
    timestamp,
    epochMs,
    minute: key,
    session,
    bid,
    ask,
    bidSize,
    askSize,
    mid,
    spread,
    spreadBps,
    source,
    originRegion,
  };
}
