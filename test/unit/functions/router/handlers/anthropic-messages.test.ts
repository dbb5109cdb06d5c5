import { describe, expect, test } from 'vitest';
import { resolveAnthropicModel } from '#functions/router/handlers/anthropic-messages.ts';
import type { RouterRuntime } from '#functions/router/runtime.ts';
import { configSchema } from '#shared/config/schema.ts';
import { createModelRouter } from '#shared/routing/model-router.ts';

const runtimeWith = (anthropicModels: Record<string, string>): Pick<RouterRuntime, 'models' | 'config'> => {
  const config = configSchema.parse({
    models: [
      { id: 'small', provider: 'mock' },
      { id: 'claude-opus-4-5', provider: 'mock' },
    ],
    anthropicModels,
  });
  return { config, models: createModelRouter(config) };
};

describe('resolveAnthropicModel', () => {
  const runtime = runtimeWith({
    'claude-sonnet-4-5': 'small',
    'claude-*': 'auto',
    'claude-haiku-*': 'small',
    'claude-opus-*': 'small',
  });

  test.each([
    { name: 'auto', expected: 'auto', why: 'an alias is served as asked' },
    { name: 'claude-opus-4-5', expected: 'claude-opus-4-5', why: 'a configured model is never remapped' },
    { name: 'claude-sonnet-4-5', expected: 'small', why: 'an exact entry' },
    { name: 'claude-haiku-4-5-20251001', expected: 'small', why: 'the longest matching prefix' },
    { name: 'claude-sonnet-4-5-20250929', expected: 'auto', why: 'exact entries do not match longer names' },
    { name: 'gpt-4o', expected: 'gpt-4o', why: 'an unmapped name stays, for the router 404' },
  ])('$name -> $expected ($why)', ({ name, expected }) => {
    expect(resolveAnthropicModel(name, runtime)).toBe(expected);
  });

  test('a lone * maps every unknown name', () => {
    expect(resolveAnthropicModel('anything', runtimeWith({ '*': 'small' }))).toBe('small');
  });
});
