import { describe, expect, test } from 'vitest';
import { parseConfig } from '#shared/config/load-config.ts';
import { accessLists, keyAllows, mayRequest, servingModels } from '#shared/keys/key-access.ts';

describe('keyAllows', () => {
  test.each([
    { models: undefined, name: 'anything', allowed: true },
    { models: ['a', 'auto'], name: 'auto', allowed: true },
    { models: ['a'], name: 'auto', allowed: false },
    { models: [], name: 'a', allowed: false },
  ])('$models allows $name: $allowed', ({ models, name, allowed }) => {
    // Assess
    expect(keyAllows(models, name)).toBe(allowed);
  });
});

describe('servingModels and mayRequest', () => {
  const config = parseConfig({
    models: [
      { id: 'cheap', provider: 'mock', tier: 'simple' },
      { id: 'premium', provider: 'mock', tier: 'complex' },
      { id: 'other', provider: 'mock', tier: 'complex' },
    ],
    aliases: { auto: { strategy: 'complexity' }, smart: { strategy: 'complexity', models: ['premium', 'other'] } },
    plans: { basic: { models: ['cheap', 'other', 'auto'] } },
    tenants: { acme: { plan: 'basic' }, free: { models: ['auto'] } },
  });

  test.each([
    { name: 'no list anywhere: every model', key: { tenant: 'solo' }, serving: undefined },
    {
      name: 'model ids bind what serves, aliases included',
      key: { tenant: 'solo', models: ['cheap', 'auto'] },
      serving: ['cheap'],
    },
    {
      name: 'only aliases: the models they choose from',
      key: { tenant: 'solo', models: ['smart'] },
      serving: ['premium', 'other'],
    },
    { name: 'an alias over all models: all', key: { tenant: 'free' }, serving: ['cheap', 'premium', 'other'] },
    {
      name: "the key's and its plan's lists must agree",
      key: { tenant: 'acme', models: ['cheap', 'premium', 'auto'] },
      serving: ['cheap'],
    },
  ])('$name', ({ key, serving }) => {
    // Act
    const allowed = servingModels(config, accessLists(config, key));

    // Assess
    expect(allowed === undefined ? undefined : [...allowed]).toEqual(serving);
  });

  test('a name may be asked for only when every list names it', () => {
    // Prepare
    const lists = accessLists(config, { tenant: 'acme', models: ['cheap', 'premium', 'auto'] });

    // Assess
    expect(mayRequest(lists, 'cheap')).toBe(true);
    expect(mayRequest(lists, 'premium')).toBe(false);
    expect(mayRequest([], 'premium')).toBe(true);
  });
});
