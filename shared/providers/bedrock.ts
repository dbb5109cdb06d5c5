import type {
  BedrockRuntimeClient,
  BedrockRuntimeClientConfig,
  ContentBlock,
  ConverseCommandInput,
  ConverseResponse,
  ConverseStreamOutput,
  ImageFormat,
  Message,
  SystemContentBlock,
  TokenUsage,
  ToolChoice,
  ToolConfiguration,
  ToolUseBlock,
} from '@aws-sdk/client-bedrock-runtime';
import { type ChatMessage, type ChatRequest, contentText, requestedMaxTokens, type ToolCall } from '../api/chat-request.ts';
import type { ChatCompletionChunk, FinishReason, Usage } from '../api/chat-response.ts';
import { toOpenAIUsage } from '../api/chat-response.ts';
import type { ModelConfig } from '../config/schema.ts';
import { InvalidRequestError, RouterError, type UpstreamError } from '../errors.ts';
import { estimateUsage } from '../tokens/estimate-tokens.ts';
import type { CompletionResult, ModelTarget, Provider, ProviderCallOptions, StreamEvent } from './types.ts';
import { startUpstreamDeadline, type UpstreamDeadline } from './upstream-deadline.ts';
import { upstreamConnectionError, upstreamHttpError, upstreamProtocolError, upstreamStreamCutError } from './upstream-errors.ts';

// Amazon Bedrock through the Converse API, which gives every Bedrock model family (Claude, Llama,
// Nova, Mistral...) one request and one stream shape. Requests are SigV4-signed by the AWS SDK,
// which is imported lazily: most deployments never call Bedrock, and loading the SDK costs cold
// start time.

const PROVIDER = 'bedrock';
const DEFAULT_REGION = 'us-east-1';

type DocumentType = Exclude<ToolUseBlock['input'], undefined>;
type SdkModule = typeof import('@aws-sdk/client-bedrock-runtime');
type HttpHandlerModule = typeof import('@smithy/node-http-handler');
type UsageSource = Pick<ChatRequest, 'messages' | 'tools'>;

export interface BedrockProviderOptions {
  /** Static credentials or a provider; the SDK's default chain (env, profile, IAM role) when absent. */
  readonly credentials?: BedrockRuntimeClientConfig['credentials'];
}

// ---------------------------------------------------------------------------------------------
// Request translation

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

// ---------------------------------------------------------------------------------------------
// Response translation

const FINISH_REASONS: Partial<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

export const toFinishReason = (stopReason: string | undefined): FinishReason => FINISH_REASONS[stopReason ?? ''] ?? 'stop';

/**
 * Bedrock counts cache reads and writes apart from `inputTokens` (its `totalTokens` is the sum of
 * all four fields), so the prompt is their sum and the cache hits are a subset of it.
 */
export const fromConverseUsage = (usage: TokenUsage | undefined): Usage | undefined => {
  if (typeof usage?.inputTokens !== 'number') return undefined;
  const cacheRead = usage.cacheReadInputTokens ?? 0;
  return {
    promptTokens: usage.inputTokens + cacheRead + (usage.cacheWriteInputTokens ?? 0),
    completionTokens: usage.outputTokens ?? 0,
    cachedTokens: cacheRead,
    estimated: false,
  };
};

const completionId = (): string => `chatcmpl-${crypto.randomUUID().replaceAll('-', '')}`;

/** A Converse response in OpenAI's shape, `model` set to the router's model id. */
export const fromConverseOutput = (
  output: Pick<ConverseResponse, 'output' | 'stopReason' | 'usage'>,
  modelId: string,
  request?: UsageSource,
): CompletionResult => {
  const content = output.output?.message?.content;
  if (!content) throw upstreamProtocolError(PROVIDER, modelId, 'no message in the Converse output');
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of content) {
    if (block.text !== undefined) text += block.text;
    else if (block.toolUse) {
      const { toolUseId = '', name = '', input } = block.toolUse;
      toolCalls.push({ id: toolUseId, type: 'function', function: { name, arguments: JSON.stringify(input ?? {}) } });
    }
    // Reasoning blocks are the model's scratchpad, not its answer: they are not passed on.
  }
  const usage = fromConverseUsage(output.usage) ?? estimateUsage(request ?? { messages: [] }, text);
  const message = toolCalls.length > 0 ? { content: text || null, tool_calls: toolCalls } : { content: text };
  return {
    completion: {
      id: completionId(),
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: modelId,
      choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: toFinishReason(output.stopReason) }],
      usage: toOpenAIUsage(usage),
    },
    usage,
  };
};

// ---------------------------------------------------------------------------------------------
// Errors

/**
 * The HTTP status each Bedrock exception stands for. Exceptions inside an event stream arrive
 * without one, and for some the name says more than the wire status does.
 */
const EXCEPTION_STATUS: Partial<Record<string, number>> = {
  throttlingException: 429,
  serviceUnavailableException: 503,
  internalServerException: 500,
  validationException: 400,
  // Documented as 424, but Bedrock asks callers to retry it: 502 keeps it retryable.
  modelStreamErrorException: 502,
  modelTimeoutException: 408,
  // A 400 on the wire, but it is the account's quota, not the client's request: another model may serve it.
  serviceQuotaExceededException: 429,
};

interface SdkErrorFields {
  name?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const lowerFirst = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

export interface BedrockErrorContext {
  /** Network failures after the stream began are cuts, not connection errors. */
  readonly midStream?: boolean;
  /** Values scrubbed from upstream messages (static credentials). */
  readonly secrets?: readonly (string | undefined)[];
}

/** Maps anything the SDK throws (service exceptions, stream exceptions, network errors) to an `UpstreamError`. */
export const fromBedrockError = (error: unknown, modelId: string, context: BedrockErrorContext = {}): RouterError => {
  if (error instanceof RouterError) return error;
  const fields: SdkErrorFields = typeof error === 'object' && error !== null ? error : {};
  const name = typeof fields.name === 'string' ? fields.name : '';
  const message = typeof fields.message === 'string' ? fields.message : undefined;
  // No usable credentials in the default chain: the operator's to fix, reported like a bad key.
  if (name === 'CredentialsProviderError') return upstreamHttpError({ provider: PROVIDER, modelId, status: 401 });
  const status = EXCEPTION_STATUS[lowerFirst(name)] ?? fields.$metadata?.httpStatusCode;
  if (fields.$fault !== undefined || (status !== undefined && status >= 400)) {
    const httpStatus = status !== undefined && status >= 400 ? status : 502;
    return upstreamHttpError({ provider: PROVIDER, modelId, status: httpStatus, message, secrets: context.secrets });
  }
  // A response arrived but the SDK could not read it.
  if (status !== undefined) return upstreamProtocolError(PROVIDER, modelId, 'the response could not be parsed');
  return context.midStream ? upstreamStreamCutError(PROVIDER, modelId) : upstreamConnectionError(PROVIDER, modelId, error);
};

/** An exception the stream carried as an event member (the SDK usually throws these instead). */
const streamException = (event: ConverseStreamOutput, modelId: string): UpstreamError | undefined => {
  for (const [member, value] of Object.entries(event)) {
    const status = EXCEPTION_STATUS[member];
    if (status === undefined || typeof value !== 'object' || value === null) continue;
    const message = (value as { message?: unknown }).message;
    return upstreamHttpError({ provider: PROVIDER, modelId, status, message: typeof message === 'string' ? message : undefined });
  }
  return undefined;
};

// ---------------------------------------------------------------------------------------------
// Stream translation

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

// ---------------------------------------------------------------------------------------------
// The provider

interface Sdk {
  readonly runtime: SdkModule;
  readonly NodeHttpHandler: HttpHandlerModule['NodeHttpHandler'];
}

let sdkPromise: Promise<Sdk> | undefined;
const loadSdk = (): Promise<Sdk> => {
  sdkPromise ??= Promise.all([import('@aws-sdk/client-bedrock-runtime'), import('@smithy/node-http-handler')]).then(
    ([runtime, http]) => ({ runtime, NodeHttpHandler: http.NodeHttpHandler }),
  );
  return sdkPromise;
};

interface BedrockCall extends UpstreamDeadline {
  /** The error to throw: the abort reason (timeout or client) when aborted, else the mapped SDK error. */
  failure(error: unknown, midStream: boolean): unknown;
}

const startCall = (
  target: ModelTarget,
  options: ProviderCallOptions,
  secrets: readonly (string | undefined)[],
  stream: boolean,
): BedrockCall => {
  const deadline = startUpstreamDeadline(target, options, stream);
  return {
    ...deadline,
    failure: (error, midStream) =>
      deadline.signal.aborted ? deadline.signal.reason : fromBedrockError(error, target.config.id, { midStream, secrets }),
  };
};

/** Stops at the next event once aborted, even when the SDK already holds buffered events. */
async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  for await (const item of source) {
    signal.throwIfAborted();
    yield item;
  }
}

const staticSecrets = (credentials: BedrockProviderOptions['credentials']): (string | undefined)[] =>
  credentials && typeof credentials === 'object'
    ? [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken]
    : [];

export const createBedrockProvider = (options: BedrockProviderOptions = {}): Provider => {
  const secrets = staticSecrets(options.credentials);
  // One client per region and endpoint: each holds a connection pool and a credential cache.
  const clients = new Map<string, BedrockRuntimeClient>();

  const clientFor = async (config: ModelConfig): Promise<{ sdk: SdkModule; client: BedrockRuntimeClient }> => {
    const { runtime: sdk, NodeHttpHandler } = await loadSdk();
    const region = config.region ?? process.env.AWS_REGION ?? DEFAULT_REGION;
    const key = `${region} ${config.baseUrl ?? ''}`;
    let client = clients.get(key);
    if (!client) {
      client = new sdk.BedrockRuntimeClient({
        region,
        // The router retries and falls back itself; SDK retries would multiply its attempts.
        maxAttempts: 1,
        // The SDK defaults this client to HTTP/2 for bidirectional streams, which Converse does not
        // use; HTTP/1.1 avoids the HTTP/2 hangs reported through proxies (aws-sdk-js-v3#7041).
        requestHandler: new NodeHttpHandler(),
        ...(config.baseUrl === undefined ? {} : { endpoint: config.baseUrl }),
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      });
      clients.set(key, client);
    }
    return { sdk, client };
  };

  return {
    name: 'bedrock',

    async complete(request, target, callOptions): Promise<CompletionResult> {
      const input = toConverseInput(request, target);
      const { sdk, client } = await clientFor(target.config);
      const call = startCall(target, callOptions, secrets, false);
      try {
        const output = await client.send(new sdk.ConverseCommand(input), { abortSignal: call.signal });
        return fromConverseOutput(output, target.config.id, request);
      } catch (error) {
        throw call.failure(error, false);
      } finally {
        call.close();
      }
    },

    async *stream(request, target, callOptions): AsyncGenerator<StreamEvent> {
      const input = toConverseInput(request, target);
      const { sdk, client } = await clientFor(target.config);
      const call = startCall(target, callOptions, secrets, true);
      let finished = false;
      try {
        let events: AsyncIterable<ConverseStreamOutput> | undefined;
        try {
          // The SDK resolves once the first event has arrived, so this is the first-byte wait.
          events = (await client.send(new sdk.ConverseStreamCommand(input), { abortSignal: call.signal })).stream;
        } catch (error) {
          throw call.failure(error, false);
        }
        call.firstByteReceived();
        if (!events) throw upstreamProtocolError(PROVIDER, target.config.id, 'no event stream in the response');
        try {
          yield* translateConverseStream(untilAborted(events, call.signal), target.config.id, request);
          finished = true;
        } catch (error) {
          throw call.failure(error, true);
        }
      } finally {
        if (!finished) call.cancel();
        call.close();
      }
    },
  };
};
