import type { ConfigInput } from './schema.ts';

/** Served when no config file exists: two deterministic mock models, so `npm start` works with no provider keys. */
export const defaultConfig: ConfigInput = {
  models: [
    {
      id: 'mock-small',
      provider: 'mock',
      pricing: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
      contextWindow: 128_000,
      capabilities: ['tools', 'vision', 'json'],
      tier: 'simple',
    },
    {
      id: 'mock-large',
      provider: 'mock',
      pricing: { inputPerMTok: 3, outputPerMTok: 15 },
      contextWindow: 200_000,
      capabilities: ['tools', 'vision', 'json'],
      tier: 'complex',
    },
  ],
  aliases: { auto: { strategy: 'complexity' }, cheapest: { strategy: 'cheapest' } },
};
