import { executionArnFor, fileIdFor, requestedExecutionName } from '../../../../functions/lib/store/file-ids';

describe('file ids', () => {
  it('is stable per (bucket, key, version) and differs when any of them changes', () => {
    const id = fileIdFor('ingest', 'incoming/2024/trades day 1.csv', 'v1');
    expect(fileIdFor('ingest', 'incoming/2024/trades day 1.csv', 'v1')).toBe(id);
    expect(fileIdFor('ingest', 'incoming/2024/trades day 1.csv', 'v2')).not.toBe(id);
    expect(fileIdFor('other', 'incoming/2024/trades day 1.csv', 'v1')).not.toBe(id);
    expect(id).toMatch(/^2024-trades-day-1-csv-[0-9a-f]{16}$/);
  });

  it('always makes a valid execution name, even with a processing-type suffix', () => {
    const id = fileIdFor('b', `incoming/${'ü/'.repeat(50)}${'x'.repeat(300)}.json`, 'null');
    expect(id).toMatch(/^[A-Za-z0-9_-]{1,65}$/);
    expect(requestedExecutionName(id, 'priority')).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(fileIdFor('b', 'incoming/ü.csv', 'v')).toMatch(/^csv-[0-9a-f]{16}$/);
  });

  it('derives the execution ARN from the state machine ARN', () => {
    expect(executionArnFor('arn:aws:states:us-east-1:000000000000:stateMachine:wf', 'n')).toBe(
      'arn:aws:states:us-east-1:000000000000:execution:wf:n',
    );
  });
});
