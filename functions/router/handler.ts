import { createRouterHandler } from './create-handler.ts';
import { loadRuntimeFromEnv } from './runtime-from-env.ts';
import { tracingMiddleware } from './tracing.ts';

// The Lambda entry point. Initialisation (config, secrets, clients) happens here, during the
// init phase, once per instance.
export const handler = createRouterHandler(await loadRuntimeFromEnv(process.env), { tracing: await tracingMiddleware() });
