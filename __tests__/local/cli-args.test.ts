import { parseLocalRunArgs, UsageError, USAGE } from '../../local/cli-args';

describe('npm run local command line', () => {
  it('defaults to the dev environment, human output and the shipped samples', () => {
    expect(parseLocalRunArgs([])).toEqual({ json: false, env: 'dev', paths: [], verbose: false, help: false });
  });

  it('reads --json, --env in both forms, --verbose and paths', () => {
    expect(parseLocalRunArgs(['--json', '--env', 'prod', 'a.csv', 'dir'])).toEqual({
      json: true,
      env: 'prod',
      paths: ['a.csv', 'dir'],
      verbose: false,
      help: false,
    });
    expect(parseLocalRunArgs(['--env=prod', '--verbose', '--', 'x.json']).env).toBe('prod');
    expect(parseLocalRunArgs(['-h']).help).toBe(true);
  });

  it('rejects unknown options and environments with a message naming them', () => {
    expect(() => parseLocalRunArgs(['--jsn'])).toThrow(new UsageError('unknown option --jsn'));
    expect(() => parseLocalRunArgs(['--env', 'staging'])).toThrow(/--env must be one of dev, prod/);
    expect(() => parseLocalRunArgs(['--env'])).toThrow(/needs a value/);
  });

  it('documents every option in the usage text', () => {
    for (const option of ['--json', '--env', '--verbose', '--help', 'LOCAL_AWS_PORT', 'AWS_ENDPOINT_URL'])
      expect(USAGE).toContain(option);
  });
});
