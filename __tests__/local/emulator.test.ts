import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_EMULATOR_PORT,
  EmulatorStartError,
  emulatorPort,
  isMotoHealthy,
  startEmulator,
} from '../../local/emulator';

describe('local AWS emulator start-up', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    // Something that answers HTTP but is not moto.
    server = createServer((_req, res) => res.writeHead(404).end('not moto'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('takes the port from LOCAL_AWS_PORT and refuses nonsense', () => {
    expect(emulatorPort({})).toBe(DEFAULT_EMULATOR_PORT);
    expect(emulatorPort({ LOCAL_AWS_PORT: '4700' })).toBe(4700);
    expect(() => emulatorPort({ LOCAL_AWS_PORT: 'abc' })).toThrow(EmulatorStartError);
    expect(() => emulatorPort({ LOCAL_AWS_PORT: '80' })).toThrow(/1024 to 65535/);
  });

  it('uses a user-provided AWS_ENDPOINT_URL and starts nothing', async () => {
    const handle = await startEmulator({ environ: { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}/` } });
    expect(handle).toMatchObject({ endpoint: `http://127.0.0.1:${port}`, origin: 'external' });
    expect(handle.pid).toBeUndefined();
  });

  it('says so when AWS_ENDPOINT_URL does not answer', async () => {
    await expect(startEmulator({ environ: { AWS_ENDPOINT_URL: 'http://127.0.0.1:1' } })).rejects.toThrow(
      /does not answer/,
    );
  });

  it('does not mistake another server on the port for moto', async () => {
    expect(await isMotoHealthy(`http://127.0.0.1:${port}`)).toBe(false);
    await expect(startEmulator({ port, environ: {} })).rejects.toThrow(/in use by something that is not moto server/);
  });
});
