import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import { cachingParser, type ExpressionParser } from './expression-cache.ts';
import { installWriteBehind, type LevelPrototype, type WriteBehind } from './write-behind.ts';

// The embedded DynamoDB's thread (started by embedded-dynamodb.ts): dynalite on its own event loop,
// so that its work runs on another core than the router's, and so that an item lock it holds across
// its LevelDB reads and writes is released as soon as they finish. In the router's busy event loop
// each of those steps waited for a whole turn of the loop while every request of a key queued on the
// same item lock: that, more than CPU, held `npm start` to about 100 requests per second.
//
// Two ways in, one store: dynalite's own HTTP server on loopback, for the AWS SDK (tests, tools),
// and messages from the router's thread (batches of `[id, operation, JSON body]`, answered in
// batches of `[id, status, JSON body]`) run by dynalite's validations and actions directly, without
// a socket, an HTTP parser or a SigV4 signature on either side.
//
// Three changes of cost, none of result: a cache in front of dynalite's expression parsers
// (expression-cache.ts), LevelDB reads in place and writes in batches (write-behind.ts), and the
// messages' direct path. Every answer, by message or HTTP, waits until the writes made before it are
// in LevelDB, as dynalite's own answers did.

export interface DynamoWorkerData {
  /** LevelDB directory; in memory when absent. */
  path?: string;
}

export type DynamoRequestMessage = [id: number, operation: string, body: string];
export type DynamoReplyMessage = [id: number, status: number, body: string];
export type DynamoControlMessage = { type: 'ready'; port: number } | { type: 'closed' };

const port = parentPort;
if (!port) throw new Error('local/dynamo-worker.ts runs as a worker thread (see startDynamoWorker)');
const { path } = workerData as DynamoWorkerData;

const require = createRequire(import.meta.url);
const dynaliteDir = dirname(require.resolve('dynalite/package.json'));
const requireFromDynalite = createRequire(join(dynaliteDir, 'index.js'));

// dynalite's validations call `parser.parse` on these modules' exports at each request: the cache
// goes in front of each, for the HTTP requests as for the messages.
for (const name of ['conditionParser', 'updateParser', 'projectionParser']) {
  const parser = require(join(dynaliteDir, 'db', `${name}.js`)) as ExpressionParser;
  parser.parse = cachingParser(parser).parse;
}

/** Without a path dynalite keeps its data in memory (memory-level): no LevelDB, nothing to wait for. */
const NO_WRITES: WriteBehind = {
  afterWrites: (then) => then(undefined),
  drained: async () => undefined,
  stats: () => ({ writes: 0, batches: 0 }),
};
const writes = path
  ? installWriteBehind(
      (
        requireFromDynalite(dirname(requireFromDynalite.resolve('classic-level/package.json'))) as {
          ClassicLevel: { prototype: LevelPrototype };
        }
      ).ClassicLevel.prototype,
    )
  : NO_WRITES;

// The store dynalite creates for its server, kept for the messages: its `db.create` is wrapped for
// the one call dynalite() makes.
const db = require(join(dynaliteDir, 'db', 'index.js')) as { create(options: object): unknown };
const createStore = db.create;
let store: unknown;
db.create = (options) => {
  store = createStore(options);
  return store;
};
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path ? { path } : {}) });
db.create = createStore;
if (!store) throw new Error("dynalite did not create its store through db.create: this version's layout is not supported");

/**
 * Operations that read through LevelDB's iterators, which do not see writes still on their way:
 * they start once the writes made before them are in LevelDB.
 */
const ITERATING = new Set(['Query', 'Scan', 'ListTables', 'ListTagsOfResource', 'CreateTable', 'DeleteTable', 'UpdateTable']);

// The HTTP server: dynalite's own handler, started after the writes for iterating operations and
// answering after the writes made before its answer.
const [httpHandler] = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
if (!httpHandler) throw new Error('dynalite created its server without a request handler');
server.removeAllListeners('request');
server.on('request', (request: IncomingMessage, response: ServerResponse) => {
  const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
  response.end = ((...args: unknown[]) => {
    writes.afterWrites((failed) => {
      if (!failed) end(...args);
      else if (response.headersSent) response.destroy(failed);
      else {
        // dynalite's answer cannot stand: its writes did not reach the disk.
        response.removeHeader('content-length');
        response.removeHeader('x-amz-crc32');
        response.statusCode = 500;
        end(failure(failed));
      }
    });
    return response;
  }) as ServerResponse['end'];
  const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
  if (ITERATING.has(operation)) writes.afterWrites(() => httpHandler(request, response));
  else httpHandler(request, response);
});
// SDK clients keep their connections between calls (a test's client, a tool).
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1');
await once(server, 'listening');

// Messages skip dynalite's HTTP handler and run what it runs for a request, on the same store:
// the operation's type checks and validations, then its action, answering with the same statuses
// and error bodies. What the handler does besides (signature headers, a request id, a checksum of
// the answer, URL parsing) has no use here and cost a third of the thread's time per call.
interface DynaliteError {
  statusCode?: number;
  body?: unknown;
}
interface Operation {
  action(store: unknown, data: unknown, callback: (error: DynaliteError | null, result?: unknown) => void): void;
  validation: { types: unknown; custom?: unknown };
}
const validations = require(join(dynaliteDir, 'validations', 'index.js')) as {
  checkTypes(data: unknown, types: unknown): unknown;
  checkValidations(data: unknown, types: unknown, custom: unknown, store: unknown): void;
};
/** The operations dynalite serves (its `validOperations`); any other is unknown to it, as over HTTP. */
const OPERATIONS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
];
const operations = new Map<string, Operation>(
  OPERATIONS.map((name) => {
    const file = `${name[0]?.toLowerCase()}${name.slice(1)}.js`;
    return [
      name,
      {
        action: require(join(dynaliteDir, 'actions', file)) as Operation['action'],
        validation: require(join(dynaliteDir, 'validations', file)) as Operation['validation'],
      },
    ];
  }),
);
const UNKNOWN_OPERATION = JSON.stringify({ __type: 'com.amazon.coral.service#UnknownOperationException' });
function failure(error: unknown): string {
  return JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalFailure', message: String(error) });
}

// Replies go back together: each message wakes the router's thread, and under load the answers of
// many requests are released by the same LevelDB batch.
let replies: DynamoReplyMessage[] = [];
const flush = (): void => {
  const batch = replies;
  replies = [];
  port.postMessage(batch);
};
const reply = (message: DynamoReplyMessage): void => {
  writes.afterWrites((failed) => {
    if (replies.length === 0) queueMicrotask(flush);
    replies.push(failed ? [message[0], 500, failure(failed)] : message);
  });
};

const run = (id: number, known: Operation, body: string): void => {
  let data: unknown;
  try {
    data = validations.checkTypes(JSON.parse(body), known.validation.types);
    validations.checkValidations(data, known.validation.types, known.validation.custom, store);
  } catch (error) {
    const refused = error as DynaliteError;
    reply(refused.statusCode ? [id, refused.statusCode, JSON.stringify(refused.body)] : [id, 500, failure(error)]);
    return;
  }
  try {
    known.action(store, data, (error, result) => {
      if (error?.statusCode) reply([id, error.statusCode, JSON.stringify(error.body)]);
      // Over HTTP, dynalite throws these out of its handler (and the process ends): a 500 here.
      else if (error) reply([id, 500, failure(error)]);
      else reply([id, 200, JSON.stringify(result)]);
    });
  } catch (error) {
    reply([id, 500, failure(error)]);
  }
};

const handle = ([id, operation, body]: DynamoRequestMessage): void => {
  const known = operations.get(operation);
  if (!known) reply([id, 400, UNKNOWN_OPERATION]);
  else if (ITERATING.has(operation)) writes.afterWrites(() => run(id, known, body));
  else run(id, known, body);
};

port.on('message', (message: DynamoRequestMessage[] | { type: 'close' }) => {
  if (Array.isArray(message)) {
    for (const request of message) handle(request);
    return;
  }
  server.closeAllConnections();
  // The writes still on their way first; then dynalite's close waits for its own pending
  // operations and closes the database.
  void writes.drained().then(() =>
    server.close(() => {
      port.postMessage({ type: 'closed' } satisfies DynamoControlMessage);
      port.close();
    }),
  );
});

port.postMessage({ type: 'ready', port: (server.address() as AddressInfo).port } satisfies DynamoControlMessage);
