import {
  MissingEnvironmentError,
  env,
  pipelineRegion,
  positiveIntEnv,
  requireEnv,
} from '../../../../functions/lib/runtime/environment';

describe('environment', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('names the missing variable', () => {
    delete process.env.TABLE_NAME;
    expect(() => env.tableName()).toThrow(new MissingEnvironmentError('TABLE_NAME'));
    expect(() => requireEnv('NOPE_NOT_SET')).toThrow('Environment variable NOPE_NOT_SET is not set on this function');
  });

  it('stamps PIPELINE_REGION, falling back to the runtime region', () => {
    process.env.PIPELINE_REGION = 'us-west-2';
    process.env.AWS_REGION = 'us-east-1';
    expect(pipelineRegion()).toBe('us-west-2');
    delete process.env.PIPELINE_REGION;
    expect(pipelineRegion()).toBe('us-east-1');
  });

  it('reads positive integers and refuses anything else', () => {
    process.env.CHUNK_SIZE = '250';
    expect(env.chunkSize()).toBe(250);
    process.env.X_INT = '0';
    expect(() => positiveIntEnv('X_INT')).toThrow(/X_INT="0" is invalid; allowed: a positive integer/);
  });

  // The defaults live in config/ only: a handler that fell back to its own copy would drift from them.
  it.each([
    ['MAX_BODY_BYTES', () => env.maxBodyBytes()],
    ['MAX_RECORDS_PER_REQUEST', () => env.maxRecordsPerRequest()],
    ['CHUNK_SIZE', () => env.chunkSize()],
  ])('requires the limit %s from the environment instead of assuming a default', (name, read) => {
    delete process.env[name];
    expect(read).toThrow(new MissingEnvironmentError(name));
    process.env[name] = '17';
    expect(read()).toBe(17);
  });
});
