import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDynamoClient } from '#local/dynamo-client.ts';
import { ensureTables } from '#local/embedded-dynamodb.ts';
import { type AwsJsonClient, createAwsJsonClient } from '#shared/aws/aws-json-client.ts';
import { ConfigError } from '#shared/config/load-config.ts';
import { createAwsSecretFetcher, resolveSecrets, withSecretEnvironment } from '#shared/config/resolve-secrets.ts';
import { hashApiKey } from '#shared/keys/api-key.ts';
import { createKeysStore, type KeysStore } from '#shared/keys/keys-store.ts';
import { createLimitsStore, type LimitsStore } from '#shared/limits/limits-store.ts';
import { minuteWindow } from '#shared/limits/windows.ts';
import { createDynamoApi, type DynamoApi } from '#shared/store/dynamo-api.ts';
import { keysTable, limitsTable, type TableDefinition, tableDefinitions } from '#shared/store/tables.ts';
import { type MotoServer, startMotoServer } from '#test/fixtures/moto-server.ts';

// What the router Lambda reads and writes in AWS, against moto: the keys and limits stores on a DynamoDB
// written by others than dynalite's authors (tables created from the definitions the CDK stack
// deploys), and provider keys resolved from Secrets Manager over the light JSON client it uses at
// cold start.

const tableName = (table: TableDefinition): string => `moto-${table.id}`;

let moto: MotoServer;
let sdk: DynamoDBClient;
let api: DynamoApi;
let limits: LimitsStore;
let keys: KeysStore;
let secretsAdmin: AwsJsonClient;

beforeAll(async () => {
  moto = await startMotoServer();
  sdk = createDynamoClient({ endpoint: moto.endpoint, region: moto.region });
  await ensureTables(sdk, tableDefinitions, tableName);
  api = createDynamoApi({ endpoint: moto.endpoint, region: moto.region });
  limits = createLimitsStore(api, tableName(limitsTable));
  keys = createKeysStore(api, tableName(keysTable));
  secretsAdmin = createAwsJsonClient({
    service: 'secretsmanager',
    targetPrefix: 'secretsmanager',
    jsonVersion: '1.1',
    region: moto.region,
    endpoint: moto.endpoint,
    credentials: () => ({ accessKeyId: 'testing', secretAccessKey: 'testing' }),
  });
});
afterAll(async () => {
  secretsAdmin?.destroy();
  api?.destroy();
  sdk?.destroy();
  await moto?.close();
});

describe('tables from shared/store/tables.ts', () => {
  test.each(tableDefinitions.map((table) => ({ id: table.id, table })))(
    'the $id table has the definition’s keys and indexes',
    async ({ table }) => {
      // Act
      const { Table: described } = await sdk.send(new DescribeTableCommand({ TableName: tableName(table) }));

      // Assess
      expect(described?.KeySchema).toEqual([
        { AttributeName: table.partitionKey.name, KeyType: 'HASH' },
        ...(table.sortKey ? [{ AttributeName: table.sortKey.name, KeyType: 'RANGE' }] : []),
      ]);
      expect((described?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.KeySchema]).sort()).toEqual(
        table.globalIndexes
          .map((index) => [
            index.name,
            [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
              ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' }] : []),
            ],
          ])
          .sort(),
      );
    },
  );

  // dynalite has no UpdateTimeToLive, so the local runtime skips it; the stack enables it in AWS.
  test.each(tableDefinitions.filter((table) => table.ttlAttribute !== undefined).map((table) => ({ id: table.id, table })))(
    'TTL on the $id table’s expiry attribute can be enabled',
    async ({ table }) => {
      // Act
      await sdk.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName(table),
          TimeToLiveSpecification: { Enabled: true, AttributeName: table.ttlAttribute },
        }),
      );
      const { TimeToLiveDescription } = await sdk.send(new DescribeTimeToLiveCommand({ TableName: tableName(table) }));

      // Assess
      expect(TimeToLiveDescription).toMatchObject({ AttributeName: table.ttlAttribute });
      expect(['ENABLED', 'ENABLING']).toContain(TimeToLiveDescription?.TimeToLiveStatus);
    },
  );
});

describe('limits store: conditional ADD', () => {
  const window = minuteWindow(new Date('2026-11-24T22:30:10Z'));
  const one = { requests: 1, tokens: 10, spendMicros: 5 };

  test('50 concurrent admissions at a limit of 20 admit exactly 20 and leave the counters at the limit', async () => {
    // Prepare
    const scope = 'key#concurrent';

    // Act
    const results = await Promise.all(
      Array.from({ length: 50 }, () => limits.admit(scope, window, one, { requests: 20, tokens: 1_000 })),
    );

    // Assess
    expect(results.filter((result) => result.admitted)).toHaveLength(20);
    expect(await limits.read(scope, window)).toEqual({ requests: 20, tokens: 200, spendMicros: 100 });
  });

  test('a refusal changes nothing and reports the counters that refused it', async () => {
    // Prepare
    const scope = 'key#refusal';
    await limits.admit(scope, window, { requests: 1, tokens: 900, spendMicros: 0 }, { tokens: 1_000 });

    // Act
    const refused = await limits.admit(scope, window, { requests: 1, tokens: 101, spendMicros: 0 }, { tokens: 1_000 });
    const fits = await limits.admit(scope, window, { requests: 1, tokens: 100, spendMicros: 0 }, { tokens: 1_000 });

    // Assess
    expect(refused).toEqual({ admitted: false, counters: { requests: 1, tokens: 900, spendMicros: 0 } });
    expect(fits).toEqual({ admitted: true, counters: { requests: 2, tokens: 1_000, spendMicros: 0 } });
  });

  test('the window item carries its expiry, set once, and adjustments add in both directions', async () => {
    // Prepare
    const scope = 'key#adjust';
    await limits.admit(scope, window, { requests: 1, tokens: 500, spendMicros: 50 }, {});

    // Act
    await limits.adjust(scope, window, { requests: 0, tokens: -380, spendMicros: -20 });
    await limits.adjust(scope, window, { requests: 0, tokens: 30, spendMicros: 0 });

    // Assess
    expect(await limits.read(scope, window)).toEqual({ requests: 1, tokens: 150, spendMicros: 30 });
    const item = await api.getItem({ TableName: tableName(limitsTable), Key: { pk: { S: `${scope}#${window.id}` } } });
    expect(item.Item?.expiresAt).toEqual({ N: String(window.expiresAt) });
  });
});

describe('keys store', () => {
  test('a created key is found by the hash of its secret and by its id, listed under its tenant', async () => {
    // Prepare
    const now = new Date('2026-11-24T10:00:00.000Z');

    // Act
    const created = await keys.create({ tenant: 'moto-tenant', name: 'first', limits: { rpm: 60 } }, now);
    const byHash = await keys.findByHash(hashApiKey(created.key));
    const byId = await keys.findById(created.record.id);
    const listed = await keys.list({ tenant: 'moto-tenant', limit: 10 });

    // Assess
    expect(byHash).toEqual(created.record);
    expect(byId).toEqual(created.record);
    expect(listed.keys).toEqual([created.record]);
    expect(await keys.findByHash(hashApiKey(`${created.key}x`))).toBeUndefined();
  });

  test('revoking marks the key revoked and keeps the first revocation time', async () => {
    // Prepare
    const { record } = await keys.create({ tenant: 'moto-revoke', name: 'to revoke' }, new Date('2026-11-24T10:00:00.000Z'));

    // Act
    const revoked = await keys.revoke(record.id, new Date('2026-11-24T11:00:00.000Z'));
    const again = await keys.revoke(record.id, new Date('2026-11-24T12:00:00.000Z'));

    // Assess
    expect(revoked).toMatchObject({ id: record.id, status: 'revoked', revokedAt: '2026-11-24T11:00:00.000Z' });
    expect(again.revokedAt).toBe('2026-11-24T11:00:00.000Z');
    expect(await keys.findById(record.id)).toMatchObject({ status: 'revoked' });
  });

  test('revoking an unknown id is a 404', async () => {
    await expect(keys.revoke('key_does_not_exist')).rejects.toMatchObject({ statusCode: 404, code: 'key_not_found' });
  });
});

const createSecret = async (name: string, value: { SecretString: string } | { SecretBinary: string }): Promise<string> =>
  (await secretsAdmin.call<{ ARN: string }>('CreateSecret', { Name: name, ...value }, { idempotent: false })).ARN;

describe('secrets from Secrets Manager', () => {
  test('an ARN reference resolves to the secret’s string, each distinct ARN fetched once', async () => {
    // Prepare
    const arn = await createSecret('router/openai', { SecretString: 'sk-openai-from-moto' });
    const fetched: string[] = [];
    const fetcher = createAwsSecretFetcher({ endpoint: moto.endpoint });
    const counting = (ref: string) => {
      fetched.push(ref);
      return fetcher(ref);
    };

    // Act
    const resolved = await resolveSecrets(
      [
        { label: 'models[0].apiKey', ref: arn },
        { label: 'models[1].apiKey', ref: arn },
        { label: 'lago.apiKey', ref: 'env:LAGO_KEY' },
      ],
      { LAGO_KEY: 'lago-from-env' },
      counting,
    );

    // Assess
    expect(arn).toMatch(/^arn:aws:secretsmanager:us-east-1:\d{12}:secret:router\/openai-\w{6}$/);
    expect(Object.fromEntries(resolved)).toEqual({ [arn]: 'sk-openai-from-moto', 'env:LAGO_KEY': 'lago-from-env' });
    expect(fetched).toEqual([arn]);
  });

  test('a missing secret and a binary-only secret are reported together, naming where they are used', async () => {
    // Prepare
    const binary = await createSecret('router/binary', { SecretBinary: Buffer.from('not text').toString('base64') });
    const missing = binary.replace('router/binary', 'router/missing');

    // Act
    const failure = await resolveSecrets(
      [
        { label: 'models[0].apiKey', ref: missing },
        { label: 'models[1].apiKey', ref: binary },
      ],
      {},
      createAwsSecretFetcher({ endpoint: moto.endpoint }),
    ).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(ConfigError);
    const message = (failure as ConfigError).message;
    expect(message).toContain(`models[0].apiKey: cannot read secret ${missing}:`);
    expect(message).toContain(`models[1].apiKey: cannot read secret ${binary}: the secret has no string value`);
    expect(message).not.toContain('not text');
  });

  test('a JSON secret of provider keys is added to the environment that env: references read', async () => {
    // Prepare
    const arn = await createSecret('router/provider-keys', {
      SecretString: JSON.stringify({ OPENAI_API_KEY: 'sk-from-json', EMPTY: '', NOT_TEXT: 3 }),
    });

    // Act
    const env = await withSecretEnvironment({ PATH: '/bin' }, arn, createAwsSecretFetcher({ endpoint: moto.endpoint }));

    // Assess
    expect(env).toEqual({ PATH: '/bin', OPENAI_API_KEY: 'sk-from-json' });
  });
});
