import '../../support/env';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { ChunkStager, stagedChunkKey } from '../../../../functions/lib/store/staged-chunks';
import { trade } from '../../support/records';

const s3 = mockClient(S3Client);

describe('ChunkStager', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
  });

  it('writes full chunks as they fill and no empty trailing chunk', async () => {
    const stager = new ChunkStager('b', 'f1', 2);
    await stager.add([trade({ recordId: 'a' }), trade({ recordId: 'b' }), trade({ recordId: 'c' })]);
    await stager.add([trade({ recordId: 'd' })]);
    expect(await stager.finish()).toEqual([
      { key: 'staged/f1/00000.ndjson', records: 2 },
      { key: 'staged/f1/00001.ndjson', records: 2 },
    ]);
    const body = s3.commandCalls(PutObjectCommand)[1].args[0].input.Body as string;
    expect(
      body
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { recordId: string }).recordId),
    ).toEqual(['c', 'd']);
  });

  it('zero-pads chunk numbers so keys sort in order', () => {
    expect(stagedChunkKey('f', 12)).toBe('staged/f/00012.ndjson');
  });
});
