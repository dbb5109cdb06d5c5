import type { ProviderName } from '../config/schema.ts';
import { createAnthropicProvider } from './anthropic.ts';
import { createBedrockProvider } from './bedrock/bedrock-provider.ts';
import { createMockProvider } from './mock.ts';
import { createOpenAIProvider } from './openai.ts';
import type { Provider } from './types.ts';

// The provider registry: explicit imports, one adapter instance per provider for the life of
// the Lambda instance (adapters hold connection pools and SDK clients).

export type ProviderRegistry = Readonly<Record<ProviderName, Provider>>;

export const createProviderRegistry = (overrides: Partial<ProviderRegistry> = {}): ProviderRegistry => ({
  openai: overrides.openai ?? createOpenAIProvider(),
  anthropic: overrides.anthropic ?? createAnthropicProvider(),
  bedrock: overrides.bedrock ?? createBedrockProvider(),
  mock: overrides.mock ?? createMockProvider(),
});
