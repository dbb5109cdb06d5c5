import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { AwsServiceError, createAwsJsonClient } from '#shared/aws/aws-json-client.ts';

// The light AWS JSON client against a scripted local server: the wire format (target header,
// content type, SigV4 headers), errors by AWS error code, and which failures are retried.

type Reply = { status: number; body: unknown; headers?: Record<string, string> } | 'hang' | 'reset';
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const serve = async (replies: Reply[]) => {
  const seen: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    seen.push({ headers: request.headers, body });
    const reply = replies.shift() ?? { status: 200, body: {} };
    if (reply === 'hang') return;
    if (reply === 'reset') {
      request.socket.destroy();
      return;
    }
    response.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.0', ...reply.headers });
    response.end(JSON.stringify(reply.body));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
};

const client = (
  endpoint: string,
  extra: { timeoutMs?: number; maxAttempts?: number; sleep?: (ms: number) => Promise<unknown> } = {},
) =>
  createAwsJsonClient({
    service: 'dynamodb',
    targetPrefix: 'DynamoDB_20120810',
    jsonVersion: '1.0',
    region: 'eu-west-1',
    endpoint,
    credentials: () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' }),
    ...extra,
  });

describe('createAwsJsonClient', () => {
  test('sends the operation as an AWS JSON call, signed with SigV4, and returns the parsed answer', async () => {
    // Prepare
    const { endpoint, seen } = await serve([{ status: 200, body: { Item: { pk: { S: 'a' } } } }]);
    const api = client(endpoint);

    // Act
    const result = await api.call('GetItem', { TableName: 't', Key: { pk: { S: 'a' } } });
    api.destroy();

    // Assess
    expect(result).toEqual({ Item: { pk: { S: 'a' } } });
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ TableName: 't', Key: { pk: { S: 'a' } } });
    expect(seen[0]?.headers).toMatchObject({
      'x-amz-target': 'DynamoDB_20120810.GetItem',
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-security-token': 'token',
      authorization: expect.stringMatching(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=[a-z;-]+, Signature=[0-9a-f]{64}$/,
      ),
    });
  });

  test('an AWS error becomes an AwsServiceError named by its code, not retried when the request is at fault', async () => {
    const { endpoint, seen } = await serve([
      {
        status: 400,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
          message: 'The conditional request failed',
        },
      },
    ]);
    const api = client(endpoint);
    const error = await api.call('UpdateItem', {}).catch((caught: unknown) => caught);
    api.destroy();
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error).toMatchObject({
      name: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
      statusCode: 400,
    });
    expect(seen).toHaveLength(1);
  });

  test.each([
    { name: 'throttling', reply: { status: 400, body: { __type: 'ThrottlingException', message: 'slow down' } } },
    { name: 'a 500', reply: { status: 500, body: { __type: 'InternalServerError', message: 'oops' } } },
  ])('$name is retried, then the call succeeds', async ({ reply }) => {
    const { endpoint, seen } = await serve([reply, { status: 200, body: { ok: true } }]);
    const api = client(endpoint);
    expect(await api.call('UpdateItem', {})).toEqual({ ok: true });
    api.destroy();
    expect(seen).toHaveLength(2);
  });

  test('after maxAttempts the last failure is thrown', async () => {
    const { endpoint, seen } = await serve([
      { status: 503, body: { __type: 'ServiceUnavailable' } },
      { status: 503, body: { __type: 'ServiceUnavailable' } },
      { status: 503, body: { __type: 'ServiceUnavailable' } },
    ]);
    const api = client(endpoint);
    await expect(api.call('PutItem', {})).rejects.toMatchObject({ name: 'ServiceUnavailable', statusCode: 503 });
    api.destroy();
    expect(seen).toHaveLength(3);
  });

  test('a server that does not answer times out', async () => {
    const { endpoint } = await serve(['hang', 'hang', 'hang']);
    const api = client(endpoint, { timeoutMs: 50 });
    await expect(api.call('GetItem', {})).rejects.toThrow(/timed out after 50 ms/);
    api.destroy();
  });
});

describe('writes whose outcome is unknown', () => {
  test('a non-idempotent call is not resent after a 500 (it may have been applied), but is after throttling', async () => {
    const { endpoint, seen } = await serve([
      { status: 500, body: { __type: 'InternalServerError' } },
      { status: 400, body: { __type: 'ProvisionedThroughputExceededException' } },
      { status: 200, body: {} },
    ]);
    const api = client(endpoint);
    await expect(api.call('UpdateItem', {}, { idempotent: false })).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(seen).toHaveLength(1);
    expect(await api.call('UpdateItem', {}, { idempotent: false })).toEqual({});
    expect(seen).toHaveLength(3);
    api.destroy();
  });

  test('a non-idempotent call that timed out is not resent', async () => {
    const { endpoint, seen } = await serve(['hang', { status: 200, body: {} }]);
    const api = client(endpoint, { timeoutMs: 50 });
    await expect(api.call('UpdateItem', {}, { idempotent: false })).rejects.toThrow(/timed out/);
    api.destroy();
    expect(seen).toHaveLength(1);
  });

  test('a proxy error page (not JSON) keeps its status and is not retried as a 4xx', async () => {
    const { endpoint, seen } = await serve([{ status: 403, body: '<html>denied</html>' }]);
    const api = client(endpoint);
    await expect(api.call('GetItem', {})).rejects.toMatchObject({ name: 'Http403', statusCode: 403 });
    api.destroy();
    expect(seen).toHaveLength(1);
  });
});

describe('retries like the SDK', () => {
  test('throttling waits longer than other failures before the next try', async () => {
    // Prepare
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const throttled = { status: 400, body: { __type: 'ThrottlingException' } };
    const { endpoint } = await serve([throttled, throttled, { status: 200, body: {} }]);
    const api = client(endpoint, { sleep, maxAttempts: 3 });
    const random = Math.random;
    Math.random = () => 0.999;

    // Act
    try {
      await api.call('GetItem', {});
    } finally {
      Math.random = random;
      api.destroy();
    }

    // Assess: full jitter under a 500 ms base for throttling, doubling.
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThan(400);
    expect(waits[1]).toBeGreaterThan(900);
  });

  test('a retry budget stops retries during an outage: a client does not multiply its calls', async () => {
    // Prepare: every call fails; the budget of 500 allows 100 retries at 5 each.
    const failing = Array.from({ length: 400 }, () => ({ status: 500, body: { __type: 'InternalServerError' } }));
    const { endpoint, seen } = await serve(failing);
    const api = client(endpoint, { sleep: async () => undefined, maxAttempts: 3 });

    // Act
    for (let i = 0; i < 100; i++) await api.call('GetItem', {}).catch(() => undefined);
    api.destroy();

    // Assess: 100 calls, at most 100 retries in all (not 200).
    expect(seen.length).toBeLessThanOrEqual(200);
    expect(seen.length).toBeGreaterThanOrEqual(150);
  });

  test('a signature refused for clock skew is re-signed with the service’s time and goes through', async () => {
    // Prepare: the service's clock is an hour ahead.
    const serviceTime = new Date(Date.now() + 3_600_000).toUTCString();
    const { endpoint, seen } = await serve([
      {
        status: 400,
        body: { __type: 'InvalidSignatureException', message: 'Signature expired' },
        headers: { date: serviceTime },
      },
      { status: 200, body: { ok: true }, headers: { date: serviceTime } },
    ]);
    const api = client(endpoint, { sleep: async () => undefined });

    // Act
    const result = await api.call('UpdateItem', {}, { idempotent: false });
    api.destroy();

    // Assess
    expect(result).toEqual({ ok: true });
    const dates = seen.map((request) => String(request.headers['x-amz-date']));
    const skewOf = (amzDate: string) =>
      Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z')) - Date.now();
    expect(skewOf(dates[0] ?? '')).toBeLessThan(60_000);
    expect(skewOf(dates[1] ?? '')).toBeGreaterThan(3_500_000);
  });

  test('a keep-alive socket the service closed is retried on a fresh one for reads', async () => {
    // Prepare: the first call opens a socket; the second reuses it, and the server resets it.
    const { endpoint, seen } = await serve([{ status: 200, body: {} }, 'reset', { status: 200, body: { ok: true } }]);
    const api = client(endpoint, { sleep: async () => undefined });

    // Act
    await api.call('GetItem', {});
    const second = await api.call('GetItem', {});
    api.destroy();

    // Assess
    expect(second).toEqual({ ok: true });
    expect(seen).toHaveLength(3);
  });
});
