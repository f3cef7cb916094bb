/**
 * schemathesis, a fuzzer we did not write, against the local ingest API server (the real handler
 * and the emulator-backed pipeline): every operation of api/openapi.yaml, the document's examples
 * and a few hundred generated requests (fixed seed), with the four conformance checks. `npm run
 * fuzz:api` runs the same with a larger budget and a random seed.
 */
import {
  formatFuzzSummary,
  FUZZ_CHECKS,
  type FuzzSummary,
  parseFuzzSummary,
  runApiFuzz,
} from '../../security/api-fuzz';
import { operations } from '../api/support/document';

/** Cases per operation and phase: with the examples and coverage phases, several hundred requests. */
const MAX_EXAMPLES = 100;
const SEED = 20260310;

describe('the ingest API under schemathesis', () => {
  let summary: FuzzSummary;

  beforeAll(async () => {
    summary = await runApiFuzz({ maxExamples: MAX_EXAMPLES, seed: SEED });
    // Printed, not asserted: what the run covered, for the test log.
    process.stderr.write(`${formatFuzzSummary(summary)}\n`);
  }, 600_000);

  it('tests every operation of the document', () => {
    expect([summary.operationsTested, summary.operationsSelected]).toEqual([operations().size, operations().size]);
  });

  it('sends a few hundred generated requests besides the examples', () => {
    expect(summary.generated).toBeGreaterThanOrEqual(300);
  });

  it(`finds no server error and nothing the document does not describe (${FUZZ_CHECKS.join(', ')})`, () => {
    // A failure shows schemathesis' own report: each problem with a curl line reproducing it.
    const clean = summary.failures === 0 && summary.errors === 0 && summary.exitCode === 0;
    expect(clean ? 'no problems' : summary.output.slice(-8000)).toBe('no problems');
  });
});

describe('reading schemathesis output', () => {
  it('reads the figures of a run with failures and errors', () => {
    const output = [
      'API Operations:',
      '  Selected: 2/2',
      '  Tested: 2',
      'Test cases:',
      '  370 generated, 1 found 1 unique failure, 1 errored',
      '========================= 1 failure, 1 error in 7.29s ==========================',
    ].join('\n');
    expect(parseFuzzSummary(output)).toEqual({
      operationsSelected: 2,
      operationsTested: 2,
      generated: 370,
      failures: 1,
      errors: 1,
    });
  });

  it('reads a clean run as no failures and no errors', () => {
    const output = '  Selected: 2/2\n  Tested: 2\n  940 generated, 940 passed\n==== No issues found in 18.86s ====';
    expect(parseFuzzSummary(output)).toMatchObject({ generated: 940, failures: 0, errors: 0 });
  });
});
