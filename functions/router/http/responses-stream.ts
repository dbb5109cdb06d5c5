import type { ChatCompletionChunk, FinishReason, ToolCallDelta, Usage } from '#shared/api/chat-response.ts';
import type { ResponsesRequest } from '#shared/api/responses-request.ts';
import {
  type FunctionCallItem,
  finishState,
  type ItemStatus,
  type OutputContentPart,
  type OutputItem,
  type OutputMessage,
  outputText,
  type ResponseIds,
  responseShell,
  toResponsesUsage,
} from '#shared/api/responses-response.ts';
import { toOpenAIError } from '#shared/errors.ts';
import type { StreamFormat } from './event-stream.ts';

// The Responses API's event stream, from the chat chunks every provider yields. Each output item
// is announced (`response.output_item.added`), filled (text and refusal deltas inside content
// parts, or function-call argument deltas) and closed (`...done`) before the next one opens, as
// OpenAI sends them; `response.completed` (or `response.incomplete`) carries the whole response
// with its usage. Every event has a `sequence_number`, counting from 0.

/** The item being filled: a message and its open content part, or a function call. */
type OpenItem =
  | { kind: 'message'; item: OutputMessage; index: number; part: OutputContentPart | undefined }
  | { kind: 'call'; item: FunctionCallItem; index: number };

export interface ResponsesStreamMeta {
  ids: ResponseIds;
  /** Unix seconds. */
  createdAt: number;
  /** The model that serves the stream (the router's id for it). */
  model: string;
}

/** One Responses stream's encoder; it keeps the output built so far, so make one per response. */
export const responsesStreamFormat = (request: ResponsesRequest, meta: ResponsesStreamMeta): StreamFormat => {
  const shell = responseShell(request, { id: meta.ids.response, createdAt: meta.createdAt, model: meta.model });
  const items: OutputItem[] = [];
  const calls = new Map<number, FunctionCallItem>();
  let open: OpenItem | undefined;
  let sequence = 0;
  let started = false;
  let finishReason: FinishReason | null = null;
  let usage: Usage | undefined;

  // The event name is on its own line too, as OpenAI sends it: the openai SDK raises `event: error` as an exception.
  const event = (type: string, fields: Record<string, unknown>): string =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`;

  const start = (): string[] => {
    if (started) return [];
    started = true;
    return [event('response.created', { response: shell }), event('response.in_progress', { response: shell })];
  };

  const closePart = (): string[] => {
    if (open?.kind !== 'message' || !open.part) return [];
    const { item, index, part } = open;
    const where = { item_id: item.id, output_index: index, content_index: item.content.indexOf(part) };
    open.part = undefined;
    return [
      part.type === 'output_text'
        ? event('response.output_text.done', { ...where, text: part.text, logprobs: [] })
        : event('response.refusal.done', { ...where, refusal: part.refusal }),
      event('response.content_part.done', { ...where, part }),
    ];
  };

  const close = (status: ItemStatus): string[] => {
    if (!open) return [];
    const frames = closePart();
    const { item, index } = open;
    if (item.type === 'function_call')
      frames.push(
        event('response.function_call_arguments.done', {
          item_id: item.id,
          output_index: index,
          name: item.name,
          arguments: item.arguments,
        }),
      );
    item.status = status;
    open = undefined;
    frames.push(event('response.output_item.done', { output_index: index, item }));
    return frames;
  };

  const openMessage = (): string[] => {
    if (open?.kind === 'message') return [];
    const frames = close('completed');
    const index = items.length;
    const item: OutputMessage = {
      id: meta.ids.message(index),
      type: 'message',
      status: 'in_progress',
      role: 'assistant',
      content: [],
    };
    items.push(item);
    open = { kind: 'message', item, index, part: undefined };
    frames.push(event('response.output_item.added', { output_index: index, item }));
    return frames;
  };

  /** The open message's content part of this type, opened (after the other one is closed) when needed. */
  const openPart = (type: OutputContentPart['type']): string[] => {
    const frames = openMessage();
    if (open?.kind !== 'message') return frames;
    if (open.part?.type === type) return frames;
    frames.push(...closePart());
    const part: OutputContentPart = type === 'output_text' ? outputText('') : { type: 'refusal', refusal: '' };
    open.item.content.push(part);
    open.part = part;
    frames.push(
      event('response.content_part.added', {
        item_id: open.item.id,
        output_index: open.index,
        content_index: open.item.content.length - 1,
        part,
      }),
    );
    return frames;
  };

  const textDelta = (delta: string): string[] => {
    const frames = openPart('output_text');
    if (open?.kind !== 'message' || open.part?.type !== 'output_text') return frames;
    open.part.text += delta;
    const where = { item_id: open.item.id, output_index: open.index, content_index: open.item.content.length - 1 };
    return [...frames, event('response.output_text.delta', { ...where, delta, logprobs: [] })];
  };

  const refusalDelta = (delta: string): string[] => {
    const frames = openPart('refusal');
    if (open?.kind !== 'message' || open.part?.type !== 'refusal') return frames;
    open.part.refusal += delta;
    const where = { item_id: open.item.id, output_index: open.index, content_index: open.item.content.length - 1 };
    return [...frames, event('response.refusal.delta', { ...where, delta })];
  };

  const toolCallDelta = (delta: ToolCallDelta): string[] => {
    const frames: string[] = [];
    let item = calls.get(delta.index);
    if (!item) {
      frames.push(...close('completed'));
      const index = items.length;
      item = {
        id: meta.ids.functionCall(index),
        type: 'function_call',
        status: 'in_progress',
        arguments: '',
        // Providers name the call in its first delta; the fallback keeps the item answerable.
        call_id: delta.id ?? `call_${meta.ids.functionCall(index)}`,
        name: delta.function?.name ?? '',
      };
      items.push(item);
      calls.set(delta.index, item);
      open = { kind: 'call', item, index };
      frames.push(event('response.output_item.added', { output_index: index, item }));
    }
    const piece = delta.function?.arguments;
    if (piece) {
      // An upstream that interleaved parallel calls would add to a call already closed: its
      // arguments are still kept whole for response.completed.
      item.arguments += piece;
      frames.push(
        event('response.function_call_arguments.delta', { item_id: item.id, output_index: items.indexOf(item), delta: piece }),
      );
    }
    return frames;
  };

  return {
    chunk: (chunk: ChatCompletionChunk) => {
      const frames = start();
      // The router never asks for more than one choice on this API.
      const choice = chunk.choices.find((candidate) => candidate.index === 0);
      if (!choice) return frames;
      if (choice.delta.content) frames.push(...textDelta(choice.delta.content));
      if (choice.delta.refusal) frames.push(...refusalDelta(choice.delta.refusal));
      for (const call of choice.delta.tool_calls ?? []) frames.push(...toolCallDelta(call));
      if (choice.finish_reason) finishReason = choice.finish_reason;
      return frames;
    },
    usage: (reported) => {
      usage = reported;
      return start();
    },
    end: () => {
      const frames = start();
      // An answer with no text and no calls is still one (empty) message, as OpenAI returns it.
      if (items.length === 0) frames.push(...openPart('output_text'));
      const finish = finishState(finishReason);
      frames.push(...close(finish.status === 'completed' ? 'completed' : 'incomplete'));
      const response = { ...shell, ...finish, output: items, usage: usage ? toResponsesUsage(usage) : null };
      frames.push(event(finish.status === 'completed' ? 'response.completed' : 'response.incomplete', { response }));
      return frames;
    },
    error: (error, requestId) => {
      const frames = start();
      const { message, code, type, param } = toOpenAIError(error, requestId).body.error;
      if (open) open.item.status = 'incomplete';
      // `error` is what the SDKs raise; `response.failed` closes the response for readers of the raw stream.
      frames.push(
        event('error', { code: code ?? type, message, param }),
        event('response.failed', {
          response: { ...shell, status: 'failed', error: { code: code ?? type, message }, output: items, usage: null },
        }),
      );
      return frames;
    },
  };
};
