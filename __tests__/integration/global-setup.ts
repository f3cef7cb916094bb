/**
 * Starts the local AWS emulator once for the whole integration suite (or reuses a running one,
 * or uses AWS_ENDPOINT_URL). Never skips: when Python or moto cannot be provisioned the suite
 * fails with the message that says what to install.
 */
import { EmulatorStartError, startEmulator, type EmulatorHandle } from '../../local/emulator';

/** Where global-teardown finds the handle (globalSetup and globalTeardown share one process). */
export const EMULATOR_HANDLE_KEY = '__marketDataLocalAws__';

export default async function globalSetup(): Promise<void> {
  let handle: EmulatorHandle;
  try {
    handle = await startEmulator({ log: (message) => process.stderr.write(`[integration] ${message}\n`) });
  } catch (error) {
    const detail = error instanceof EmulatorStartError ? error.message : String(error);
    throw new Error(
      `The integration suite needs the local AWS emulator (moto server), which could not be started:\n${detail}`,
      { cause: error },
    );
  }
  (globalThis as Record<string, unknown>)[EMULATOR_HANDLE_KEY] = handle;
  // Test workers are forked after this and inherit these: every SDK client in the suite
  // (the handlers' included) talks to the emulator with dummy credentials.
  process.env.AWS_ENDPOINT_URL = handle.endpoint;
  if (handle.origin !== 'external') {
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
  }
  process.env.AWS_REGION ??= 'us-east-1';
  // Handler modules a test file imports directly create their logger at load, before the harness
  // sets the level: quiet them from the start, as testPipeline does.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
}
