import { describe, expect, test } from 'vitest';
import type { Principal } from '#functions/router/http/request-state.ts';
import { routeModel } from '#functions/router/middlewares/route-model.ts';
import { type ChatRequest, chatRequestSchema } from '#shared/api/chat-request.ts';
import { parseConfig } from '#shared/config/load-config.ts';
import type { KeyRecord } from '#shared/keys/key-record.ts';
import { createModelRouter } from '#shared/routing/model-router.ts';
import { fakeRequest, httpRequest, routerErrorOf, runBefore } from './fake-request.ts';

const config = parseConfig({
  models: [
    { id: 'small', provider: 'mock', tier: 'simple', pricing: { inputPerMTok: 0.1, outputPerMTok: 0.4 } },
    { id: 'large', provider: 'mock', tier: 'complex', pricing: { inputPerMTok: 3, outputPerMTok: 15 } },
  ],
  aliases: { auto: { strategy: 'complexity' } },
});
const router = createModelRouter(config);

const keyPrincipal = (models?: string[]): Principal => {
  const key: KeyRecord = {
    id: 'key_1',
    tenant: 'acme',
    name: 'default',
    status: 'active',
    hint: 'sk-ir-xxxx...xxxx',
    createdAt: '2025-01-01T00:00:00.000Z',
    ...(models ? { models } : {}),
  };
  return { kind: 'key', key };
};

const chat = (model: string): ChatRequest => chatRequestSchema.parse({ model, messages: [{ role: 'user', content: 'hi' }] });

const run = async (request: ChatRequest | undefined, principal: Principal | undefined) => {
  const { request: middyRequest, state } = fakeRequest(httpRequest({ method: 'POST', path: '/v1/chat/completions' }));
  if (request) state.chat = request;
  if (principal) state.principal = principal;
  await runBefore(routeModel(router, config), middyRequest);
  return state;
};

describe('routeModel', () => {
  test('a route without a chat request is left alone', async () => {
    // Act
    const state = await run(undefined, keyPrincipal(['small']));

    // Assess
    expect(state.decision).toBeUndefined();
  });

  test('an allowed model is routed and the decision stored', async () => {
    // Act
    const state = await run(chat('large'), keyPrincipal(['large']));

    // Assess
    expect(state.decision?.requested).toBe('large');
    expect(state.decision?.model.id).toBe('large');
    expect(state.decision?.reason).toBe('requested model');
  });

  test('an allowed alias is routed by its strategy', async () => {
    // Act
    const state = await run(chat('auto'), keyPrincipal(['auto']));

    // Assess
    expect(state.decision?.requested).toBe('auto');
    expect(state.decision?.model.id).toBe('small');
    expect(state.decision?.reason).toMatch(/^alias auto: complexity [\d.]+ -> simple$/);
  });

  test('a key without a model list may use every model', async () => {
    // Act
    const state = await run(chat('large'), keyPrincipal());

    // Assess
    expect(state.decision?.model.id).toBe('large');
  });

  test('the admin principal is not restricted', async () => {
    // Act
    const state = await run(chat('large'), { kind: 'admin' });

    // Assess
    expect(state.decision?.model.id).toBe('large');
  });

  test('a model the key may not use is a 403 model_not_allowed listing the allowed ones', async () => {
    // Act
    const error = await routerErrorOf(() => run(chat('large'), keyPrincipal(['small', 'auto'])));

    // Assess
    expect(error.statusCode).toBe(403);
    expect(error.type).toBe('permission_error');
    expect(error.code).toBe('model_not_allowed');
    expect(error.param).toBe('model');
    expect(error.message).toBe("This API key may not use model 'large'. Allowed: small, auto.");
  });

  test('an unknown model is a 404 before any permission check', async () => {
    // Act
    const error = await routerErrorOf(() => run(chat('gpt-5'), keyPrincipal(['small'])));

    // Assess
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('model_not_found');
    expect(error.message).toBe("The model 'gpt-5' does not exist. Available: small, large, auto.");
  });

  test('a failed permission check stores no decision', async () => {
    // Prepare
    const { request, state } = fakeRequest(httpRequest());
    state.chat = chat('large');
    state.principal = keyPrincipal(['small']);

    // Act
    await routerErrorOf(() => runBefore(routeModel(router, config), request));

    // Assess
    expect(state.decision).toBeUndefined();
  });
});
