import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { AwsServiceError, createAwsJsonClient } from '#shared/aws/aws-json-client.ts';

// The light AWS JSON client against a scripted local server: the wire format (target header,
// content type, SigV4 headers), errors by AWS error code, and which failures are retried.

type Reply = { status: number; body: unknown } | 'hang';
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
    response.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.0' });
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

const client = (endpoint: string, extra: { timeoutMs?: number } = {}) =>
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
