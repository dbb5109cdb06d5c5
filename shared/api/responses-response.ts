import type { ToolCall } from './chat-request.ts';
import type { ChatCompletion, FinishReason, Usage } from './chat-response.ts';
import type { ResponsesRequest } from './responses-request.ts';

// The Responses API's response object, built from what the chat core returned. These are outputs
// we build, not inputs we validate, so they are plain types. Field order and presence follow
// OpenAI's, since the SDKs validate what they receive (the AI SDK with zod schemas).

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface OutputTextPart {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}
export interface RefusalPart {
  type: 'refusal';
  refusal: string;
}
export type OutputContentPart = OutputTextPart | RefusalPart;

export interface OutputMessage {
  id: string;
  type: 'message';
  status: ItemStatus;
  role: 'assistant';
  content: OutputContentPart[];
}
export interface FunctionCallItem {
  id: string;
  type: 'function_call';
  status: ItemStatus;
  arguments: string;
  call_id: string;
  name: string;
}
export type OutputItem = OutputMessage | FunctionCallItem;

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: null;
  reasoning: NonNullable<ResponsesRequest['reasoning']> | null;
  store: false;
  temperature: number | null;
  text: { format: NonNullable<NonNullable<ResponsesRequest['text']>['format']> | { type: 'text' } };
  tool_choice: NonNullable<ResponsesRequest['tool_choice']>;
  tools: NonNullable<ResponsesRequest['tools']>;
  top_p: number | null;
  truncation: 'disabled';
  usage: ResponsesUsage | null;
  user: string | null;
  metadata: Record<string, string>;
}

/**
 * Ids for a response and its output items, from the request id: a response a client holds leads
 * straight to the router's log line and usage event (`x-request-id`).
 */
export const responseIds = (requestId: string) => {
  const base = requestId.replace(/[^A-Za-z0-9]/g, '');
  return {
    response: `resp_${base}`,
    message: (outputIndex: number) => `msg_${base}_${outputIndex}`,
    functionCall: (outputIndex: number) => `fc_${base}_${outputIndex}`,
  };
};
export type ResponseIds = ReturnType<typeof responseIds>;

export const toResponsesUsage = (usage: Usage): ResponsesUsage => ({
  input_tokens: usage.promptTokens,
  input_tokens_details: { cached_tokens: usage.cachedTokens },
  output_tokens: usage.completionTokens,
  // Not reported by every provider, and not kept by the router: its billing has no such line.
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: usage.promptTokens + usage.completionTokens,
});

/** How a chat finish reads in the Responses API: a cut answer is `incomplete`, with the reason. */
export const finishState = (
  finishReason: FinishReason | null | undefined,
): Pick<ResponseObject, 'status' | 'incomplete_details'> => {
  if (finishReason === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
};

/** The response before any output: what `response.created` shows, and what the others build on. */
export const responseShell = (
  request: ResponsesRequest,
  meta: { id: string; createdAt: number; model: string },
): ResponseObject => ({
  id: meta.id,
  object: 'response',
  created_at: meta.createdAt,
  status: 'in_progress',
  error: null,
  incomplete_details: null,
  instructions: request.instructions ?? null,
  max_output_tokens: request.max_output_tokens ?? null,
  model: meta.model,
  output: [],
  parallel_tool_calls: request.parallel_tool_calls ?? true,
  previous_response_id: null,
  reasoning: request.reasoning ?? null,
  // Nothing is kept: the honest answer to a client that asked for `store: true` (OpenAI's default).
  store: false,
  temperature: request.temperature ?? null,
  text: { format: request.text?.format ?? { type: 'text' } },
  tool_choice: request.tool_choice ?? 'auto',
  tools: request.tools ?? [],
  top_p: request.top_p ?? null,
  truncation: 'disabled',
  usage: null,
  user: request.user ?? null,
  metadata: request.metadata ?? {},
});

export const outputText = (text: string): OutputTextPart => ({ type: 'output_text', text, annotations: [], logprobs: [] });

export const functionCallItem = (id: string, call: ToolCall, status: ItemStatus): FunctionCallItem => ({
  id,
  type: 'function_call',
  status,
  arguments: call.function.arguments,
  call_id: call.id,
  name: call.function.name,
});

/**
 * A chat answer as output items: the message (text, then any refusal) and one function_call item
 * per tool call. A message is left out only when the answer is tool calls and nothing else.
 */
export const outputItems = (
  message: ChatCompletion['choices'][number]['message'] | undefined,
  ids: ResponseIds,
  status: ItemStatus,
): OutputItem[] => {
  const items: OutputItem[] = [];
  const calls = message?.tool_calls ?? [];
  if (message?.content || message?.refusal || calls.length === 0) {
    const content: OutputContentPart[] = [];
    if (message?.content || !message?.refusal) content.push(outputText(message?.content ?? ''));
    if (message?.refusal) content.push({ type: 'refusal', refusal: message.refusal });
    items.push({ id: ids.message(0), type: 'message', status, role: 'assistant', content });
  }
  for (const call of calls) items.push(functionCallItem(ids.functionCall(items.length), call, status));
  return items;
};

/** A complete chat answer as a Responses response object, with the usage the request is billed for. */
export const completionToResponse = (
  completion: ChatCompletion,
  usage: Usage,
  request: ResponsesRequest,
  ids: ResponseIds,
): ResponseObject => {
  const choice = completion.choices[0];
  const finish = finishState(choice?.finish_reason);
  return {
    ...responseShell(request, { id: ids.response, createdAt: completion.created, model: completion.model }),
    ...finish,
    output: outputItems(choice?.message, ids, finish.status === 'completed' ? 'completed' : 'incomplete'),
    usage: toResponsesUsage(usage),
  };
};
