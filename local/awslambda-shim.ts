import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';

// The two pieces of the Lambda Node.js runtime that a response-streaming handler uses, so the
// real router handler runs unchanged on a local HTTP server.

export interface ResponsePrelude {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

/** Lambda's response stream, writing straight to a Node HTTP response (chunks are flushed as written). */
export class LocalResponseStream extends Writable {
  readonly #response: ServerResponse;
  /** The headers the handler sent (`writeHead` does not keep them where `getHeader` could read them). */
  headers: Readonly<Record<string, string | string[]>> = {};

  constructor(response: ServerResponse) {
    super();
    this.#response = response;
    // A client that hangs up must stop the handler's pipeline (and so the upstream call).
    response.once('close', () => {
      if (!response.writableFinished) this.destroy(new Error('client closed the connection'));
    });
    // A hang-up during a non-streamed answer has no pipeline listening for the error: without a
    // listener it would crash the server. Pipelines still see the error through their own listener.
    this.on('error', () => undefined);
  }

  setPrelude(prelude: ResponsePrelude): void {
    if (this.#response.headersSent) return;
    const headers: Record<string, string | string[]> = { ...(prelude.headers ?? {}) };
    if (prelude.cookies && prelude.cookies.length > 0) headers['set-cookie'] = prelude.cookies;
    this.headers = headers;
    this.#response.writeHead(prelude.statusCode ?? 200, headers);
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.#response.headersSent)
      this.setPrelude({ statusCode: 200, headers: { 'content-type': 'application/octet-stream' } });
    if (chunk.length === 0) {
      callback();
      return;
    }
    this.#response.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.#response.headersSent) this.setPrelude({ statusCode: 200 });
    this.#response.end(() => callback());
  }
}

export type StreamingHandler = (event: unknown, responseStream: LocalResponseStream, context: unknown) => Promise<unknown>;

interface AwsLambdaGlobal {
  streamifyResponse: (handler: StreamingHandler) => StreamingHandler;
  HttpResponseStream: { from: (stream: LocalResponseStream, prelude: ResponsePrelude) => LocalResponseStream };
}

/**
 * Installs the shim on `globalThis.awslambda` (idempotent); must run before a streaming handler is
 * created. The object may already exist: the AWS SDK's invoke store creates it for its own use.
 */
export const installAwsLambdaShim = (): void => {
  // @types/aws-lambda declares the real global's types; the shim implements only what we use.
  const target = globalThis as unknown as { awslambda?: Partial<AwsLambdaGlobal> };
  target.awslambda ??= {};
  const awslambda = target.awslambda;
  if (awslambda.streamifyResponse) return;
  awslambda.streamifyResponse = (handler) => handler;
  awslambda.HttpResponseStream = {
    from: (stream, prelude) => {
      stream.setPrelude(prelude);
      return stream;
    },
  };
};
