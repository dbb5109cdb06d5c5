import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { ChatCompletionChunk, FinishReason, Usage } from '../../api/chat-response.ts';
import { estimateUsage } from '../../tokens/estimate-tokens.ts';
import type { StreamEvent } from '../types.ts';
import { upstreamProtocolError, upstreamStreamCutError } from '../upstream-errors.ts';
import { PROVIDER, streamException } from './bedrock-errors.ts';
import { completionId, fromConverseUsage, toFinishReason, type UsageSource } from './converse-response.ts';

/**
 * ConverseStream events as OpenAI chunks, then exactly one usage event. A stream that ends
 * without both `messageStop` and `metadata` was cut, and throws.
 */
export async function* translateConverseStream(
  events: AsyncIterable<ConverseStreamOutput>,
  modelId: string,
  request?: UsageSource,
): AsyncGenerator<StreamEvent> {
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  const chunk = (
    delta: ChatCompletionChunk['choices'][number]['delta'],
    finishReason: FinishReason | null = null,
  ): StreamEvent => ({
    type: 'chunk',
    chunk: {
      id,
      object: 'chat.completion.chunk',
      created,
      model: modelId,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    },
  });
  // Bedrock numbers all content blocks; OpenAI numbers tool calls alone.
  const toolIndexes = new Map<number, number>();
  let text = '';
  let stopped = false;
  let sawMetadata = false;
  let usage: Usage | undefined;

  for await (const event of events) {
    if (event.messageStart) {
      yield chunk({ role: 'assistant', content: '' });
    } else if (event.contentBlockStart) {
      const toolUse = event.contentBlockStart.start?.toolUse;
      if (!toolUse) continue;
      const index = toolIndexes.size;
      toolIndexes.set(event.contentBlockStart.contentBlockIndex ?? 0, index);
      // Tool calls are output too, when an estimate has to stand in for the reported usage.
      text += toolUse.name ?? '';
      yield chunk({
        tool_calls: [{ index, id: toolUse.toolUseId, type: 'function', function: { name: toolUse.name, arguments: '' } }],
      });
    } else if (event.contentBlockDelta) {
      const { delta, contentBlockIndex = 0 } = event.contentBlockDelta;
      if (delta?.text !== undefined) {
        text += delta.text;
        yield chunk({ content: delta.text });
      } else if (delta?.toolUse) {
        const index = toolIndexes.get(contentBlockIndex);
        if (index === undefined) {
          throw upstreamProtocolError(PROVIDER, modelId, 'tool input arrived before its tool block started');
        }
        text += delta.toolUse.input ?? '';
        yield chunk({ tool_calls: [{ index, function: { arguments: delta.toolUse.input ?? '' } }] });
      }
    } else if (event.messageStop) {
      stopped = true;
      yield chunk({}, toFinishReason(event.messageStop.stopReason));
    } else if (event.metadata) {
      sawMetadata = true;
      usage = fromConverseUsage(event.metadata.usage);
    } else {
      const exception = streamException(event, modelId);
      if (exception) throw exception;
    }
  }
  if (!stopped || !sawMetadata) throw upstreamStreamCutError(PROVIDER, modelId);
  yield { type: 'usage', usage: usage ?? estimateUsage(request ?? { messages: [] }, text) };
}
