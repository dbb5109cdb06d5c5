import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventBridgeEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { matchesPattern } from '#local/event-pattern.ts';
import { AwsServiceError } from '#shared/aws/aws-json-client.ts';
import { usageRules } from '#shared/events/event-rules.ts';
import type { EventsApi } from '#shared/events/eventbridge-client.ts';

// A local stand-in for EventBridge and SQS, speaking their wire protocols (AWS JSON) so the real
// SDK clients talk to it. PutEvents is matched against the same rule definitions the CDK stack
// deploys (shared/events/event-rules.ts) and delivered to the local Lambda handlers: metering directly
// (with EventBridge-style retries), Lago-sync through a queue with batching, partial batch
// failures, a max receive count and a dead-letter queue, as the stack wires them in AWS.

export interface QueuedMessage {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
  receiveCount: number;
  sentAt: number;
}

export interface LocalQueue {
  name: string;
  url: string;
  messages: QueuedMessage[];
}

export type EventTarget = (event: EventBridgeEvent<string, unknown>) => Promise<unknown>;
export type QueueConsumer = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface LocalEventBusOptions {
  /** The event source the rules match (the router's EVENT_SOURCE). */
  source: string;
  metering?: EventTarget;
  lagoSync?: QueueConsumer;
  /** SQS event source mapping: batch size, batching window, visibility timeout, max receives before the DLQ. */
  batchSize?: number;
  batchWindowMs?: number;
  visibilityTimeoutMs?: number;
  maxReceiveCount?: number;
  /** EventBridge target retries before the target's dead-letter queue. */
  targetAttempts?: number;
  /** How many of the latest events the archive keeps (10,000 by default). */
  archiveLimit?: number;
  onError?: (message: string, error: unknown) => void;
}

export interface LocalEventBus {
  endpoint: string;
  queues: Map<string, LocalQueue>;
  queueUrl(name: string): string;
  /**
   * PutEvents for a client in this process (the router): the same handling as over HTTP, without
   * the request (its serialization, signature and socket both ways).
   */
  events: EventsApi;
  /**
   * Events received by PutEvents, in order (the archive): the latest `archiveLimit` only. An
   * EventBridge archive keeps events on disk for its retention period; the local one is for
   * replaying and inspecting what just happened, and must not grow with traffic.
   */
  archive: Array<EventBridgeEvent<string, unknown>>;
  /** Delivers an archived or hand-made event again, as an archive replay does. */
  replay(event: EventBridgeEvent<string, unknown>): void;
  /** Failure injection: the next `count` PutEvents entries fail with `errorCode`, as EventBridge entries can. */
  failNextEntries(count: number, errorCode?: string): void;
  /** Resolves when nothing is in flight and no queue holds a deliverable message. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

const readJson = async (request: IncomingMessage): Promise<Record<string, unknown>> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
};

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

export const startLocalEventBus = async (options: LocalEventBusOptions): Promise<LocalEventBus> => {
  const batchSize = options.batchSize ?? 100;
  const batchWindowMs = options.batchWindowMs ?? 1_000;
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 5_000;
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  const targetAttempts = options.targetAttempts ?? 3;
  const archiveLimit = options.archiveLimit ?? 10_000;
  // The rules' patterns, built once for this source (the same definitions the CDK stack deploys).
  const rules = usageRules.map((rule) => ({ id: rule.id, pattern: rule.pattern(options.source) }));
  const report = options.onError ?? (() => undefined);
  const queues = new Map<string, LocalQueue>();
  const archive: Array<EventBridgeEvent<string, unknown>> = [];
  let inFlight = 0;
  let closed = false;
  let entriesToFail = 0;
  let injectedError = 'InternalFailure';
  let endpoint = '';

  const queue = (name: string): LocalQueue => {
    let existing = queues.get(name);
    if (!existing) {
      existing = { name, url: `${endpoint}/${ACCOUNT}/${name}`, messages: [] };
      queues.set(name, existing);
    }
    return existing;
  };
  const track = async (work: () => Promise<void>): Promise<void> => {
    inFlight += 1;
    try {
      await work();
    } finally {
      inFlight -= 1;
    }
  };

  const enqueue = (name: string, body: string, attributes: Record<string, string> = {}): QueuedMessage => {
    const message: QueuedMessage = { messageId: randomUUID(), body, attributes, receiveCount: 0, sentAt: Date.now() };
    queue(name).messages.push(message);
    if (name === 'lago-sync') scheduleConsumer();
    return message;
  };

  // The SQS event source mapping of the Lago-sync queue: batches by size or window, partial failures.
  let consumerTimer: NodeJS.Timeout | undefined;
  const visible = (message: QueuedMessage): boolean => message.sentAt <= Date.now();
  const scheduleConsumer = (): void => {
    if (consumerTimer || closed || !options.lagoSync) return;
    const messages = queue('lago-sync').messages;
    if (messages.length === 0) return;
    const due = Math.min(...messages.map((message) => message.sentAt));
    const wait = messages.filter(visible).length >= batchSize ? 0 : Math.max(batchWindowMs, due - Date.now());
    consumerTimer = setTimeout(() => {
      consumerTimer = undefined;
      void track(consume).then(scheduleConsumer);
    }, wait);
  };
  const consume = async (): Promise<void> => {
    const consumer = options.lagoSync;
    const source = queue('lago-sync');
    if (!consumer) return;
    const batch = source.messages.filter(visible).slice(0, batchSize);
    if (batch.length === 0) return;
    source.messages = source.messages.filter((message) => !batch.includes(message));
    for (const message of batch) message.receiveCount += 1;
    const records: SQSRecord[] = batch.map((message) => ({
      messageId: message.messageId,
      receiptHandle: message.messageId,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: ACCOUNT,
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: md5(message.body),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:lago-sync`,
      awsRegion: REGION,
    }));
    let failed: Set<string>;
    try {
      const response = await consumer({ Records: records });
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      report('lago-sync handler failed; the whole batch returns to the queue', error);
      failed = new Set(batch.map((message) => message.messageId));
    }
    for (const message of batch) {
      if (!failed.has(message.messageId)) continue;
      if (message.receiveCount >= maxReceiveCount) {
        queue('lago-sync-dlq').messages.push({ ...message, attributes: { ...message.attributes, reason: 'max_receive_count' } });
      } else {
        source.messages.push({ ...message, sentAt: Date.now() + visibilityTimeoutMs });
      }
    }
  };

  const deliver = (event: EventBridgeEvent<string, unknown>): void => {
    const matching = rules.filter((rule) => matchesPattern(rule.pattern, event as unknown as Record<string, unknown>));
    for (const rule of matching) {
      if (rule.id === 'lago-sync' && options.lagoSync) enqueue('lago-sync', JSON.stringify(event));
      if (rule.id === 'metering' && options.metering) {
        const target = options.metering;
        void track(async () => {
          // EventBridge retries a failing target with backoff, then sends the event to its DLQ.
          for (let attempt = 1; attempt <= targetAttempts; attempt++) {
            try {
              await target(event);
              return;
            } catch (error) {
              if (attempt === targetAttempts) {
                report('metering target failed; event sent to its dead-letter queue', error);
                queue('metering-dlq').messages.push({
                  messageId: event.id,
                  body: JSON.stringify(event),
                  attributes: { reason: String(error) },
                  receiveCount: attempt,
                  sentAt: Date.now(),
                });
              } else {
                await sleep(50 * 2 ** attempt);
              }
            }
          }
        });
      }
    }
  };

  // EventBridge answers PutEvents first and delivers to the targets after: so does this bus, on the
  // next turn of the event loop (counted as in flight, so `idle()` waits for it).
  const deliverSoon = (event: EventBridgeEvent<string, unknown>): void => {
    inFlight += 1;
    setImmediate(() => {
      inFlight -= 1;
      deliver(event);
    });
  };

  const putEvents = (body: Record<string, unknown>): { status: number; payload: Record<string, unknown> } => {
    const entries = Array.isArray(body.Entries) ? (body.Entries as Array<Record<string, unknown>>) : [];
    if (entries.length === 0 || entries.length > 10)
      return { status: 400, payload: { __type: 'ValidationException', message: 'Entries must hold 1 to 10 items' } };
    const results = entries.map((entry) => {
      if (entriesToFail > 0) {
        entriesToFail -= 1;
        return { ErrorCode: injectedError, ErrorMessage: 'injected failure' };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(String(entry.Detail));
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
      }
      const time =
        entry.Time === undefined ? new Date() : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : String(entry.Time));
      const event: EventBridgeEvent<string, unknown> = {
        version: '0',
        id: randomUUID(),
        'detail-type': String(entry.DetailType),
        source: String(entry.Source),
        account: ACCOUNT,
        time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: REGION,
        resources: [],
        detail,
      };
      archive.push(event);
      // Oldest first out; V8 shifts an array's start in place, so this stays O(1) per event.
      while (archive.length > archiveLimit) archive.shift();
      deliverSoon(event);
      return { EventId: event.id };
    });
    return {
      status: 200,
      payload: { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results },
    };
  };

  const events: EventsApi = {
    putEvents: async (input) => {
      // A closed bus refuses, as its closed port does over HTTP.
      if (closed)
        throw Object.assign(new Error(`connect ECONNREFUSED ${endpoint} (the local event bus is closed)`), {
          code: 'ECONNREFUSED',
        });
      const { status, payload } = putEvents(input as unknown as Record<string, unknown>);
      if (status !== 200) throw new AwsServiceError(String(payload.__type), String(payload.message), status);
      return payload as Awaited<ReturnType<EventsApi['putEvents']>>;
    },
    destroy: () => undefined,
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const body = await readJson(request);
    const reply = (status: number, payload: unknown, contentType: string): void => {
      response.writeHead(status, { 'content-type': contentType });
      response.end(JSON.stringify(payload));
    };
    if (target === 'AWSEvents.PutEvents') {
      const { status, payload } = putEvents(body);
      reply(status, payload, 'application/x-amz-json-1.1');
      return;
    }
    if (target === 'AmazonSQS.SendMessage' || target === 'AmazonSQS.SendMessageBatch') {
      const name =
        String(body.QueueUrl ?? '')
          .split('/')
          .at(-1) ?? '';
      const attributesOf = (raw: unknown): Record<string, string> =>
        Object.fromEntries(
          Object.entries((raw ?? {}) as Record<string, { StringValue?: string }>).map(([key, value]) => [
            key,
            String(value.StringValue ?? ''),
          ]),
        );
      if (target === 'AmazonSQS.SendMessage') {
        const message = enqueue(name, String(body.MessageBody), attributesOf(body.MessageAttributes));
        reply(200, { MessageId: message.messageId, MD5OfMessageBody: md5(message.body) }, 'application/x-amz-json-1.0');
        return;
      }
      const entries = (body.Entries ?? []) as Array<Record<string, unknown>>;
      const successful = entries.map((entry) => {
        const message = enqueue(name, String(entry.MessageBody), attributesOf(entry.MessageAttributes));
        return { Id: entry.Id, MessageId: message.messageId, MD5OfMessageBody: md5(message.body) };
      });
      reply(200, { Successful: successful, Failed: [] }, 'application/x-amz-json-1.0');
      return;
    }
    reply(
      400,
      { __type: 'UnknownOperationException', message: `${target} is not supported by the local event bus` },
      'application/x-amz-json-1.1',
    );
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      report('local event bus request failed', error);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    queues,
    queueUrl: (name) => queue(name).url,
    events,
    archive,
    replay: (event) => deliver(event),
    failNextEntries(count, errorCode = 'InternalFailure') {
      entriesToFail = count;
      injectedError = errorCode;
    },
    async idle() {
      // Poll: deliveries are chained promises and timers; quiet means nothing in flight or due.
      for (;;) {
        const pending = queue('lago-sync').messages.length > 0 && options.lagoSync !== undefined;
        if (inFlight === 0 && !pending && !consumerTimer) return;
        await sleep(10);
      }
    },
    async close() {
      closed = true;
      if (consumerTimer) clearTimeout(consumerTimer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
