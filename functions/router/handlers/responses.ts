import type { ChatRequest } from '#shared/api/chat-request.ts';
import { type ResponsesRequest, responsesToChat } from '#shared/api/responses-request.ts';
import { completionToResponse, responseIds } from '#shared/api/responses-response.ts';
import { eventStream, SSE_HEADERS } from '../http/event-stream.ts';
import { responsesStreamFormat } from '../http/responses-stream.ts';
import { type HttpResponse, jsonResponse } from '../http/types.ts';
import type { HandlerContext } from '../route-spec.ts';
import { dryRun } from './dry-run.ts';
import { completeChat, openChatStream, prepare } from './run-inference.ts';

/** The route's `toChatRequest`: the body has passed responsesRequestSchema. */
export const responsesToChatRequest = (body: unknown): ChatRequest => responsesToChat(body as ResponsesRequest);

/**
 * `POST /v1/responses`, JSON or the Responses event stream, through the same inference core as
 * chat completions: the request was translated to the chat shape before routing, guardrails and
 * limits, and the answer is translated back here.
 */
export const responses = async (context: HandlerContext): Promise<HttpResponse> => {
  if (context.state.dryRun) return dryRun(context);
  const { chat } = prepare(context);
  const request = context.state.body as ResponsesRequest;
  const ids = responseIds(context.state.requestId);
  if (!chat.stream) {
    const { completion, usage } = await completeChat(context);
    return jsonResponse(200, completionToResponse(completion, usage, request, ids));
  }
  const { first, rest, hooks } = await openChatStream(context, chat);
  const format = responsesStreamFormat(request, {
    ids,
    createdAt: Math.floor(Date.now() / 1000),
    model: context.state.outcome?.modelId ?? chat.model,
  });
  return { statusCode: 200, headers: { ...SSE_HEADERS }, body: eventStream(first, rest, format, hooks) };
};
