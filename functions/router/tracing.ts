import type { MiddlewareObj } from '@middy/core';

// X-Ray tracing of the router and its upstream calls (Powertools Tracer traces `fetch`), compiled
// in only when the stack enables it: the CDK bundling defines ROUTER_TRACING, so with tracing off
// esbuild drops this branch and the Tracer (about 125 KB) never reaches the bundle. Locally (no
// define) it is off.
declare const ROUTER_TRACING: boolean | undefined;

const enabled = typeof ROUTER_TRACING !== 'undefined' && ROUTER_TRACING;

export const tracingMiddleware = async (): Promise<MiddlewareObj | undefined> => {
  if (enabled) {
    const [{ Tracer }, { captureLambdaHandler }] = await Promise.all([
      import('@aws-lambda-powertools/tracer'),
      import('@aws-lambda-powertools/tracer/middleware'),
    ]);
    return captureLambdaHandler(new Tracer({ serviceName: 'inference-router' }), { captureResponse: false }) as MiddlewareObj;
  }
  return undefined;
};
