/** Stops the emulator if global-setup started it; a reused or external one keeps running. */
import type { EmulatorHandle } from '../../local/emulator';
import { EMULATOR_HANDLE_KEY } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const handle = (globalThis as Record<string, unknown>)[EMULATOR_HANDLE_KEY] as EmulatorHandle | undefined;
  await handle?.stop();
}
