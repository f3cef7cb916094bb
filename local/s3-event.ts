/**
 * S3 event notifications in the exact shape S3 delivers them to Lambda (eventVersion 2.1),
 * including the URL-encoded object key ('+' for spaces) that handlers must decode.
 */
import type { S3Event, S3EventRecord } from 'aws-lambda';
import type { NotificationFilterSpec } from './resource-spec';

/** The facts of one created object version. */
export interface CreatedObject {
  readonly region: string;
  readonly bucket: string;
  /** The decoded key as stored. */
  readonly key: string;
  readonly size: number;
  /** ETag as S3 returns it (quotes are stripped in the event). */
  readonly eTag: string;
  /** Absent for unversioned buckets (the event then has no versionId). */
  readonly versionId?: string;
  readonly eventTime?: Date;
}

/**
 * Encodes a key as S3 does in notifications: form-style URL encoding (spaces become '+',
 * '+' becomes %2B), with '/' left as is.
 */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%20/g, '+')
    .replace(/%2F/gi, '/')
    .replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

let lastSequencer = 0n;
/** S3 sequencers are hex strings that grow for successive events on a key; compare after padding. */
function nextSequencer(): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  lastSequencer = now > lastSequencer ? now : lastSequencer + 1n;
  return lastSequencer.toString(16).toUpperCase().padStart(18, '0');
}

/**
 * The notification configuration that matches `key` (prefix and suffix filters, as S3
 * evaluates them: case-sensitive), or undefined when no notification fires.
 */
export function matchingNotification(
  filters: readonly NotificationFilterSpec[],
  key: string,
  eventName = 'ObjectCreated:Put',
): NotificationFilterSpec | undefined {
  return filters.find(
    (filter) =>
      key.startsWith(filter.prefix) &&
      key.endsWith(filter.suffix) &&
      filter.events.some(
        (event) =>
          event === `s3:${eventName}` || (event.endsWith(':*') && `s3:${eventName}`.startsWith(event.slice(0, -1))),
      ),
  );
}

/** One `ObjectCreated:Put` record for `object`, delivered for notification `configurationId`. */
export function objectCreatedRecord(object: CreatedObject, configurationId: string): S3EventRecord {
  const requestId = Math.random().toString(16).slice(2, 18).toUpperCase();
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: object.region,
    eventTime: (object.eventTime ?? new Date()).toISOString(),
    eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:LOCALUSER' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': requestId, 'x-amz-id-2': Buffer.from(requestId).toString('base64') },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId,
      bucket: {
        name: object.bucket,
        ownerIdentity: { principalId: 'LOCALOWNER' },
        arn: `arn:aws:s3:::${object.bucket}`,
      },
      object: {
        key: encodeS3EventKey(object.key),
        size: object.size,
        eTag: object.eTag.replace(/"/g, ''),
        ...(object.versionId ? { versionId: object.versionId } : {}),
        sequencer: nextSequencer(),
      },
    },
  };
}

/** An S3 event with the given records (S3 sends one record per event today). */
export function s3Event(...records: S3EventRecord[]): S3Event {
  return { Records: records };
}
