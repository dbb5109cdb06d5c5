import { describe, expect, test } from 'vitest';
import { configSchema } from '#shared/config/schema.ts';

describe('anthropicModels in the config', () => {
  test('a target must be a configured model or alias, and a key a model name or prefix*', () => {
    // Act
    const result = configSchema.safeParse({
      models: [{ id: 'small', provider: 'mock' }],
      anthropicModels: { 'claude-*': 'nowhere', 'bad key*x': 'small' },
    });

    // Assess
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual(
      expect.arrayContaining([
        ['anthropicModels.bad key*x', 'a key is a model name, optionally ending in *'],
        ['anthropicModels.claude-*', 'unknown model or alias "nowhere"'],
      ]),
    );
  });
});
