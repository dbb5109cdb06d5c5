import type {
  ContentBlock,
  ConverseCommandInput,
  ImageFormat,
  Message,
  SystemContentBlock,
  ToolChoice,
  ToolConfiguration,
  ToolUseBlock,
} from '@aws-sdk/client-bedrock-runtime';
import { type ChatMessage, type ChatRequest, contentText, requestedMaxTokens } from '../../api/chat-request.ts';
import type { ModelConfig } from '../../config/schema.ts';
import { InvalidRequestError } from '../../errors.ts';
import type { ModelTarget } from '../types.ts';

// OpenAI chat requests as Bedrock Converse inputs.

type DocumentType = Exclude<ToolUseBlock['input'], undefined>;

const IMAGE_DATA_URL = /^data:image\/(png|jpe?g|gif|webp);base64,(.+)$/s;

const toImageBlock = (url: string, param: string): ContentBlock => {
  if (/^https?:\/\//i.test(url)) {
    throw new InvalidRequestError(
      'Bedrock needs images inline as data URLs (data:image/png;base64,...); it cannot fetch image URLs.',
      { param },
    );
  }
  const [, subtype = '', data = ''] = IMAGE_DATA_URL.exec(url) ?? [];
  if (data === '') {
    throw new InvalidRequestError('Bedrock accepts png, jpeg, gif and webp images as base64 data URLs.', { param });
  }
  const format = (subtype === 'jpg' ? 'jpeg' : subtype) as ImageFormat;
  return { image: { format, source: { bytes: Uint8Array.from(Buffer.from(data, 'base64')) } } };
};

const userBlocks = (content: string | Extract<ChatMessage, { role: 'user' }>['content'], index: number): ContentBlock[] => {
  if (typeof content === 'string') return [{ text: content }];
  return content.map((part, j): ContentBlock => {
    const param = `messages[${index}].content[${j}]`;
    if (part.type === 'text') return { text: part.text };
    if (part.type === 'image_url') return toImageBlock(part.image_url.url, param);
    throw new InvalidRequestError(`The Bedrock adapter does not support '${part.type}' content parts.`, { param });
  });
};

const toolInput = (args: string, param: string): DocumentType => {
  if (args.trim() === '') return {};
  try {
    return JSON.parse(args) as DocumentType;
  } catch {
    throw new InvalidRequestError('Tool call arguments must be a JSON string.', { param });
  }
};

const assistantBlocks = (message: Extract<ChatMessage, { role: 'assistant' }>, index: number): ContentBlock[] => {
  const blocks: ContentBlock[] = [];
  // Bedrock rejects blank text blocks, which OpenAI clients send next to tool calls.
  const text = contentText(message.content);
  if (text.trim() !== '') blocks.push({ text });
  for (const [k, call] of (message.tool_calls ?? []).entries()) {
    const input = toolInput(call.function.arguments, `messages[${index}].tool_calls[${k}].function.arguments`);
    blocks.push({ toolUse: { toolUseId: call.id, name: call.function.name, input } });
  }
  return blocks;
};

/** Bedrock wants strictly alternating turns, so consecutive same-role messages (tool results included) are merged. */
const pushTurn = (messages: Message[], role: 'user' | 'assistant', content: ContentBlock[]): void => {
  if (content.length === 0) return;
  const last = messages.at(-1);
  if (last?.role === role && last.content) last.content.push(...content);
  else messages.push({ role, content });
};

const jsonInstruction = (request: ChatRequest): string | undefined => {
  const format = request.response_format;
  if (format?.type === 'json_object') return 'Respond only with a valid JSON object, without prose or code fences.';
  if (format?.type === 'json_schema') {
    const schema = format.json_schema.schema ? ` matching this JSON schema: ${JSON.stringify(format.json_schema.schema)}` : '';
    return `Respond only with a valid JSON object${schema}, without prose or code fences.`;
  }
  return undefined;
};

const toToolChoice = (choice: ChatRequest['tool_choice']): ToolChoice | undefined => {
  // Bedrock has no "none": leaving the choice out lets the model decide. Dropping the tools instead
  // would break conversations that already hold toolUse blocks (Bedrock then requires toolConfig).
  if (choice === undefined || choice === 'none') return undefined;
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  return { tool: { name: choice.function.name } };
};

const toToolConfig = (request: ChatRequest): ToolConfiguration | undefined => {
  if (!request.tools || request.tools.length === 0) return undefined;
  return {
    tools: request.tools.map((tool) => ({
      toolSpec: {
        name: tool.function.name,
        description: tool.function.description,
        inputSchema: { json: (tool.function.parameters ?? { type: 'object', properties: {} }) as DocumentType },
      },
    })),
    toolChoice: toToolChoice(request.tool_choice),
  };
};

const toInferenceConfig = (request: ChatRequest, config: ModelConfig): ConverseCommandInput['inferenceConfig'] => {
  const stop = request.stop;
  const inferenceConfig = {
    maxTokens: requestedMaxTokens(request) ?? config.maxOutputTokens,
    // OpenAI's range is 0-2 and Bedrock's models take 0-1: clamping keeps the common values meaning the same.
    temperature: request.temperature == null ? undefined : Math.min(1, Math.max(0, request.temperature)),
    topP: request.top_p ?? undefined,
    stopSequences: stop == null ? undefined : typeof stop === 'string' ? [stop] : stop,
  };
  return Object.values(inferenceConfig).some((value) => value !== undefined) ? inferenceConfig : undefined;
};

/** The OpenAI request as a Converse (or ConverseStream) input. Throws `InvalidRequestError` for what Bedrock cannot take. */
export const toConverseInput = (request: ChatRequest, target: ModelTarget): ConverseCommandInput => {
  if ((request.n ?? 1) > 1) throw new InvalidRequestError('Bedrock returns a single choice; n must be 1.', { param: 'n' });
  const system: SystemContentBlock[] = [];
  const messages: Message[] = [];
  for (const [index, message] of request.messages.entries()) {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push({ text: contentText(message.content) });
        break;
      case 'user':
        pushTurn(messages, 'user', userBlocks(message.content, index));
        break;
      case 'assistant':
        pushTurn(messages, 'assistant', assistantBlocks(message, index));
        break;
      case 'tool':
        pushTurn(messages, 'user', [
          { toolResult: { toolUseId: message.tool_call_id, content: [{ text: contentText(message.content) }] } },
        ]);
        break;
      case 'function':
        throw new InvalidRequestError('Bedrock does not support the deprecated function role; send tool messages.', {
          param: `messages[${index}].role`,
        });
    }
  }
  const instruction = jsonInstruction(request);
  if (instruction !== undefined) system.push({ text: instruction });
  return {
    modelId: target.config.upstreamModel ?? target.config.id,
    messages,
    system: system.length > 0 ? system : undefined,
    inferenceConfig: toInferenceConfig(request, target.config),
    toolConfig: toToolConfig(request),
  };
};
