import { ListTablesCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';

type ClientModules = {
  dynamoClient: () => DynamoDBClient;
  s3Client: () => S3Client;
};

/**
 * Runs `use` with fresh copies of the client modules (their cached clients reset) under the
 * given environment, restored afterwards: the SDK reads the environment when a client is made
 * and when a request resolves its endpoint, so both happen inside.
 */
async function withClients<T>(
  env: Record<string, string | undefined>,
  use: (clients: ClientModules) => Promise<T> | T,
): Promise<T> {
  const saved = process.env;
  process.env = { ...saved, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    let clients: ClientModules | undefined;
    jest.isolateModules(() => {
      clients = {
        dynamoClient: jest.requireActual<ClientModules>('../../../../functions/lib/aws/clients/dynamodb').dynamoClient,
        s3Client: jest.requireActual<ClientModules>('../../../../functions/lib/aws/clients/s3').s3Client,
      };
    });
    return await use(clients!);
  } finally {
    process.env = saved;
  }
}

/** The URL a client's next request would go to; the request itself is stopped before sending. */
async function requestUrl(client: DynamoDBClient): Promise<string> {
  const stop = new Error('stopped before sending');
  let url = '';
  client.middlewareStack.add(
    () => (args) => {
      const request = args.request as { protocol: string; hostname: string; port?: number };
      url = `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}`;
      return Promise.reject(stop);
    },
    { step: 'finalizeRequest', name: 'captureUrl', priority: 'low' },
  );
  await expect(client.send(new ListTablesCommand({}))).rejects.toBe(stop);
  return url;
}

const NO_ENDPOINT = {
  AWS_ENDPOINT_URL: undefined,
  AWS_ENDPOINT_URL_S3: undefined,
  AWS_ENDPOINT_URL_DYNAMODB: undefined,
};

describe('SDK clients', () => {
  it('creates each client once per execution environment and reuses it', async () => {
    await withClients(NO_ENDPOINT, ({ dynamoClient, s3Client }) => {
      expect(dynamoClient()).toBe(dynamoClient());
      expect(s3Client()).toBe(s3Client());
    });
  });

  it('uses path-style S3 addressing only when an emulator endpoint is set', async () => {
    const style = (env: Record<string, string | undefined>) =>
      withClients({ ...NO_ENDPOINT, ...env }, ({ s3Client }) => s3Client().config.forcePathStyle);
    expect(await style({})).toBe(false);
    expect(await style({ AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' })).toBe(true);
    expect(await style({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:5000' })).toBe(true);
  });

  it(
    'leaves the endpoint to the SDK: AWS_ENDPOINT_URL redirects ' + 'requests, otherwise the regional endpoint',
    async () => {
      await expect(
        withClients({ ...NO_ENDPOINT, AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' }, ({ dynamoClient }) =>
          requestUrl(dynamoClient()),
        ),
      ).resolves.toBe('http://127.0.0.1:5000');
      await expect(withClients(NO_ENDPOINT, ({ dynamoClient }) => requestUrl(dynamoClient()))).resolves.toBe(
        'https://dynamodb.us-east-1.amazonaws.com',
      );
    },
  );
});
