import { parseLocalRunArgs, UsageError, USAGE } from '../../local/cli-args';

describe('npm run local command line', () => {
  it('defaults to the dev environment, human output and the shipped samples', () => {
    expect(parseLocalRunArgs([])).toEqual({
      json: false,
      env: 'dev',
      paths: [],
      verbose: false,
      help: false,
      keep: false,
      bars: true,
      serve: false,
      port: 8080,
    });
  });

  it('reads --json, --env in both forms, --verbose and paths', () => {
    expect(parseLocalRunArgs(['--json', '--env', 'prod', 'a.csv', 'dir'])).toEqual({
      json: true,
      env: 'prod',
      paths: ['a.csv', 'dir'],
      verbose: false,
      help: false,
      keep: false,
      bars: true,
      serve: false,
      port: 8080,
    });
    expect(parseLocalRunArgs(['--env=prod', '--verbose', '--', 'x.json']).env).toBe('prod');
    expect(parseLocalRunArgs(['--keep']).keep).toBe(true);
    expect(parseLocalRunArgs(['--no-bars']).bars).toBe(false);
    expect(parseLocalRunArgs(['--generate-day', '1000000']).generateDay).toBe(1_000_000);
    expect(parseLocalRunArgs(['--generate-day=500']).generateDay).toBe(500);
    expect(parseLocalRunArgs(['-h']).help).toBe(true);
  });

  it('reads --serve with a port in both forms, 0 meaning any free port', () => {
    expect(parseLocalRunArgs(['--serve'])).toMatchObject({ serve: true, port: 8080, paths: [] });
    expect(parseLocalRunArgs(['--serve', '--port', '9000', 'a.csv'])).toMatchObject({ port: 9000, paths: ['a.csv'] });
    expect(parseLocalRunArgs(['--serve', '--port=0']).port).toBe(0);
  });

  it('refuses a bad port, --port without --serve and --json with --serve', () => {
    expect(() => parseLocalRunArgs(['--serve', '--port', '70000'])).toThrow(
      /--port must be an integer from 0 to 65535/,
    );
    expect(() => parseLocalRunArgs(['--serve', '--port', 'x'])).toThrow(/got "x"/);
    expect(() => parseLocalRunArgs(['--port', '9000'])).toThrow(/only applies to --serve/);
    expect(() => parseLocalRunArgs(['--serve', '--json'])).toThrow(/--json does not apply to --serve/);
  });

  it('rejects unknown options and environments with a message naming them', () => {
    expect(() => parseLocalRunArgs(['--jsn'])).toThrow(new UsageError('unknown option --jsn'));
    expect(() => parseLocalRunArgs(['--env', 'staging'])).toThrow(/--env must be one of dev, prod/);
    expect(() => parseLocalRunArgs(['--env'])).toThrow(/needs a value/);
    expect(() => parseLocalRunArgs(['--generate-day', 'many'])).toThrow(/--generate-day needs a row count/);
    expect(() => parseLocalRunArgs(['--generate-day', '10', 'a.csv'])).toThrow(/give no paths with it/);
  });

  it('documents every option in the usage text', () => {
    for (const option of [
      '--json',
      '--env',
      '--verbose',
      '--keep',
      '--no-bars',
      '--generate-day',
      '--serve',
      '--port',
      'GET /local/bars',
      'SigV4',
      '--help',
      'LOCAL_AWS_PORT',
      'AWS_ENDPOINT_URL',
    ])
      expect(USAGE).toContain(option);
  });
});
