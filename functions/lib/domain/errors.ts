/**
 * Typed errors of the data path. Data problems never throw: they become `Reject`s carrying a
 * `ReasonCode`. These errors are for programmer mistakes (calling an API wrongly), so a caller
 * can tell "my code is wrong" from "the file is bad".
 */

/** A decimal helper was given a string that is not a canonical decimal (see `decimal.ts`). */
export class InvalidDecimalError extends Error {
  /** The offending input, as given. */
  readonly input: string;

  constructor(input: string, why: string) {
    super(`not a decimal (${why}): ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}...` : input)}`);
    this.name = 'InvalidDecimalError';
    this.input = input;
  }
}

/** `divRound` was asked to divide by zero. */
export class DecimalDivisionByZeroError extends Error {
  constructor() {
    super('decimal division by zero');
    this.name = 'DecimalDivisionByZeroError';
  }
}

/** A data-path API was used out of order or with invalid options (e.g. `push` after `end`). */
export class DataPathUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataPathUsageError';
  }
}
