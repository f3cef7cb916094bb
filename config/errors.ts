/** One invalid configuration value: names the key, the value, where it came from and what is allowed. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly allowed: string,
    readonly source: string,
  ) {
    super(`Invalid configuration: ${key} = ${JSON.stringify(value)} (from ${source}); allowed: ${allowed}`);
    this.name = 'ConfigError';
  }
}

/** Every invalid value found in one load, reported together so a user fixes them in one pass. */
export class ConfigErrors extends Error {
  constructor(readonly errors: readonly ConfigError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'ConfigErrors';
  }
}
