import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { RouterContext } from './router-context.ts';

/**
 * A middy `requestEnd` plugin hook: runs each request's deferred work (usage events, the access
 * log) after the last byte has gone to the client, so it adds no latency. A failing task is
 * logged and never affects the response, which is already sent.
 */
export const runAfterResponse =
  (logger: Logger) =>
  async (request: { context: Context }): Promise<void> => {
    // middy types plugin hooks with the plain Lambda context; ours carries the state.
    const state = (request.context as Partial<RouterContext> | undefined)?.state;
    if (state === undefined) return;
    // A stream nobody read (the client left before its first byte): closing it bills what the model
    // was sent and stops the upstream, as a hang-up mid-answer does.
    const body = state.responseBody;
    // Without an error: nobody listens to this stream any more, and an 'error' event would be uncaught.
    if (body && !body.destroyed && !body.readableEnded) body.destroy();
    const run = async (task: () => Promise<void> | void): Promise<void> => {
      try {
        await task();
      } catch (error) {
        logger.error('after-response task failed', { requestId: state.requestId, error: error as Error });
      }
    };
    // Independent round trips (PutEvents, reconciliation) overlap: the invocation ends sooner.
    await Promise.all(state.afterResponse.map(run));
    for (const task of state.afterAll) await run(task);
  };
