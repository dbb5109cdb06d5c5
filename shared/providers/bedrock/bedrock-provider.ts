import { createRequire } from 'node:module';
import type { BedrockRuntimeClient, BedrockRuntimeClientConfig, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { ModelConfig } from '../../config/schema.ts';
import type { CompletionResult, ModelTarget, Provider, ProviderCallOptions, StreamEvent } from '../types.ts';
import { startUpstreamDeadline, type UpstreamDeadline } from '../upstream-deadline.ts';
import { upstreamProtocolError } from '../upstream-errors.ts';
import { createBedrockEmbed, type InvokeJson } from './bedrock-embeddings.ts';
import { fromBedrockError, PROVIDER } from './bedrock-errors.ts';
import { toConverseInput } from './converse-request.ts';
import { fromConverseOutput } from './converse-response.ts';
import { translateConverseStream } from './converse-stream.ts';

// Amazon Bedrock through the Converse API, which gives every Bedrock model family (Claude, Llama,
// Nova, Mistral...) one request and one stream shape. Requests are SigV4-signed by the AWS SDK,
// which is imported lazily: most deployments never call Bedrock, and loading the SDK costs cold
// start time.

const DEFAULT_REGION = 'us-east-1';

type SdkModule = typeof import('@aws-sdk/client-bedrock-runtime');
type HttpHandlerModule = typeof import('@smithy/node-http-handler');

export interface BedrockProviderOptions {
  /** Static credentials or a provider; the SDK's default chain (env, profile, IAM role) when absent. */
  readonly credentials?: BedrockRuntimeClientConfig['credentials'];
}

interface Sdk {
  readonly runtime: SdkModule;
  readonly NodeHttpHandler: HttpHandlerModule['NodeHttpHandler'];
}

let sdkPromise: Promise<Sdk> | undefined;

/**
 * The Bedrock SDK, imported on first use. The Lambda Node.js runtime resolves `@aws-sdk/*` from a
 * handler, but not `@smithy/*`, which sits under `@aws-sdk/node_modules`: the HTTP handler is
 * required from the client's own location, where the SDK finds it too. A failed load is not kept,
 * so a later request tries again.
 */
export const loadBedrockSdk = (): Promise<Sdk> => {
  sdkPromise ??= (async () => {
    const runtime = await import('@aws-sdk/client-bedrock-runtime');
    const requireFromClient = createRequire(import.meta.resolve('@aws-sdk/client-bedrock-runtime'));
    const http = requireFromClient('@smithy/node-http-handler') as HttpHandlerModule;
    return { runtime, NodeHttpHandler: http.NodeHttpHandler };
  })().catch((error: unknown) => {
    sdkPromise = undefined;
    throw error;
  });
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
    const { runtime: sdk, NodeHttpHandler } = await loadBedrockSdk();
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

  /** InvokeModel with a JSON body (embeddings), with the model's timeouts and the request's signal. */
  const invokeJson: InvokeJson = async (target, callOptions, body) => {
    const { sdk, client } = await clientFor(target.config);
    const call = startCall(target, callOptions, secrets, false);
    let text: string;
    try {
      const output = await client.send(
        new sdk.InvokeModelCommand({
          modelId: target.config.upstreamModel ?? target.config.id,
          contentType: 'application/json',
          accept: 'application/json',
          body: new TextEncoder().encode(JSON.stringify(body)),
        }),
        { abortSignal: call.signal },
      );
      text = new TextDecoder().decode(output.body);
    } catch (error) {
      throw call.failure(error, false);
    } finally {
      call.close();
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw upstreamProtocolError(PROVIDER, target.config.id, 'the body is not JSON');
    }
  };

  return {
    name: 'bedrock',
    embed: createBedrockEmbed(invokeJson),

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
