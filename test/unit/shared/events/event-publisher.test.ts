import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { type LocalEventBus, startLocalEventBus } from '#local/event-bus.ts';
import { createEventBridgePublisher, type EventPublisher } from '#shared/events/event-publisher.ts';
import { createEventsApi, type EventsApi } from '#shared/events/eventbridge-client.ts';
import { DETAIL_TYPE_COMPLETED, DETAIL_TYPE_FAILED, type UsageEventDetail } from '#shared/events/usage-event.ts';
import { Counters } from '#shared/observability/counters.ts';
import { failedDetail, usageDetail } from './usage-detail.ts';

// The publisher against the local EventBridge (the router's JSON client over HTTP): batching, resending
// only the entries that failed, and never throwing.

const SOURCE = 'inference-router';

let bus: LocalEventBus;
let client: EventsApi;
let logger: Logger;
let counters: Counters;
let publisher: EventPublisher;

beforeEach(async () => {
  bus = await startLocalEventBus({ source: SOURCE });
  client = createEventsApi(bus.endpoint);
  logger = new Logger({ serviceName: 'publisher-test', logLevel: 'SILENT' });
  counters = new Counters();
  publisher = createEventBridgePublisher({
    client,
    busName: 'usage',
    source: SOURCE,
    logger,
    counters,
    retries: 2,
    baseDelayMs: 1,
  });
});
afterEach(async () => {
  client.destroy();
  await bus.close();
});

const details = (count: number): UsageEventDetail[] =>
  Array.from({ length: count }, (_unused, index) => usageDetail({ requestId: `req-${index}` }));

const requestIdsOf = (archive: LocalEventBus['archive']): string[] =>
  archive.map((event) => (event.detail as UsageEventDetail).requestId);

/** Observes (without changing) the PutEvents calls: how many entries each carried. */
const spyOnPutEvents = () => {
  const send = vi.spyOn(client, 'putEvents');
  return (): Array<string[]> =>
    send.mock.calls.map(([input]) => input.Entries.map((entry) => (JSON.parse(entry.Detail) as UsageEventDetail).requestId));
};

describe('createEventBridgePublisher', () => {
  test('an event is archived with its source, detail type, request time and detail', async () => {
    // Prepare
    const completed = usageDetail({ requestId: 'req-ok', timestamp: '2026-03-14T15:09:26.535Z' });
    const failed = failedDetail({ requestId: 'req-refused', timestamp: '2026-03-14T15:10:00.000Z' });

    // Act
    await publisher.publish([completed, failed]);

    // Assess
    expect(bus.archive).toHaveLength(2);
    expect(bus.archive[0]).toMatchObject({
      source: SOURCE,
      'detail-type': DETAIL_TYPE_COMPLETED,
      time: '2026-03-14T15:09:26Z',
      detail: completed,
    });
    expect(bus.archive[1]).toMatchObject({
      source: SOURCE,
      'detail-type': DETAIL_TYPE_FAILED,
      time: '2026-03-14T15:10:00Z',
      detail: failed,
    });
    expect(counters.snapshot()).toEqual({ 'events.published': 2 });
  });

  test('23 events go in 3 PutEvents calls of at most 10 entries, in order', async () => {
    // Prepare
    const calls = spyOnPutEvents();
    const events = details(23);

    // Act
    await publisher.publish(events);

    // Assess
    expect(calls().map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(requestIdsOf(bus.archive)).toEqual(events.map((event) => event.requestId));
    expect(counters.snapshot()).toEqual({ 'events.published': 23 });
  });

  test('no events, no call', async () => {
    // Prepare
    const calls = spyOnPutEvents();

    // Act
    await publisher.publish([]);

    // Assess
    expect(calls()).toEqual([]);
    expect(counters.snapshot()).toEqual({});
  });

  test('entries that fail are resent alone, and every event arrives exactly once', async () => {
    // Prepare
    const calls = spyOnPutEvents();
    const warn = vi.spyOn(logger, 'warn');
    bus.failNextEntries(2, 'ThrottlingException');
    const events = details(5);

    // Act
    await publisher.publish(events);

    // Assess
    expect(calls()).toEqual([
      ['req-0', 'req-1', 'req-2', 'req-3', 'req-4'],
      ['req-0', 'req-1'],
    ]);
    expect(requestIdsOf(bus.archive).sort()).toEqual(['req-0', 'req-1', 'req-2', 'req-3', 'req-4']);
    expect(counters.snapshot()).toEqual({ 'events.published': 5 });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith('some usage events were not accepted; resending', { failed: 2, attempt: 0 });
  });

  test('a failed entry is resent within its own batch, before the next batch goes', async () => {
    // Prepare
    const calls = spyOnPutEvents();
    bus.failNextEntries(1);
    const events = details(13);

    // Act
    await publisher.publish(events);

    // Assess
    expect(calls().map((entries) => entries.length)).toEqual([10, 1, 3]);
    expect(calls()[1]).toEqual(['req-0']);
    expect(requestIdsOf(bus.archive).sort()).toEqual(events.map((event) => event.requestId).sort());
    expect(counters.snapshot()).toEqual({ 'events.published': 13 });
  });

  test('entries that keep failing: publish resolves, each event is counted and logged in full', async () => {
    // Prepare
    const calls = spyOnPutEvents();
    const error = vi.spyOn(logger, 'error');
    bus.failNextEntries(1000);
    const events = details(12);

    // Act
    await expect(publisher.publish(events)).resolves.toBeUndefined();

    // Assess: 1 try + 2 resends per batch.
    expect(calls().map((entries) => entries.length)).toEqual([10, 10, 10, 2, 2, 2]);
    expect(bus.archive).toEqual([]);
    expect(counters.get('events.publish_failed')).toBe(12);
    expect(counters.get('events.published')).toBe(0);
    expect(error.mock.calls).toEqual(events.map((event) => ['usage event not published', { usageEvent: event }]));
  });

  test('some entries lost for good: only those are counted and logged', async () => {
    // Prepare: no resends, so the two failed entries are lost.
    const error = vi.spyOn(logger, 'error');
    const once = createEventBridgePublisher({ client, busName: 'usage', source: SOURCE, logger, counters, retries: 0 });
    bus.failNextEntries(2);
    const events = details(4);

    // Act
    await once.publish(events);

    // Assess
    expect(requestIdsOf(bus.archive)).toEqual(['req-2', 'req-3']);
    expect(counters.snapshot()).toEqual({ 'events.publish_failed': 2, 'events.published': 2 });
    expect(error.mock.calls).toEqual([
      ['usage event not published', { usageEvent: events[0] }],
      ['usage event not published', { usageEvent: events[1] }],
    ]);
  });

  test('the event bus is gone: publish resolves, each event is counted and logged in full', async () => {
    // Prepare
    const error = vi.spyOn(logger, 'error');
    const warn = vi.spyOn(logger, 'warn');
    await bus.close();
    const events = details(3);

    // Act
    await expect(publisher.publish(events)).resolves.toBeUndefined();

    // Assess
    expect(counters.snapshot()).toEqual({ 'events.publish_failed': 3, 'events.published': 0 });
    expect(error.mock.calls).toEqual(events.map((event) => ['usage event not published', { usageEvent: event }]));
    expect(warn.mock.calls.map(([message]) => message)).toEqual([
      'PutEvents failed; resending',
      'PutEvents failed; resending',
      'PutEvents failed; resending',
    ]);
  });
});
