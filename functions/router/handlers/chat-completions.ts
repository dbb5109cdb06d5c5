import { SSE_HEADERS, sseStream } from '../http/sse-stream.ts';
import { type HttpResponse, jsonResponse } from '../http/types.ts';
import type { HandlerContext } from '../route-spec.ts';
import { dryRun } from './dry-run.ts';
import { completeChat, openChatStream, prepare } from './run-inference.ts';

/** `POST /v1/chat/completions`, JSON or SSE. */
export const chatCompletions = async (context: HandlerContext): Promise<HttpResponse> => {
  if (context.state.dryRun) return dryRun(context);
  const { chat } = prepare(context);
  if (!chat.stream) {
    const { completion } = await completeChat(context);
    return jsonResponse(200, completion);
  }
  const { first, rest, hooks } = await openChatStream(context, chat);
  const body = sseStream(first, rest, { includeUsage: chat.stream_options?.include_usage === true, ...hooks });
  return { statusCode: 200, headers: { ...SSE_HEADERS }, body };
};
