import { createAwsJsonClient } from '../aws/aws-json-client.ts';
import { ConfigError } from './load-config.ts';

/** Fetches a Secrets Manager secret's string; injected so tests and the local runtime need no AWS. */
export type SecretFetcher = (arn: string) => Promise<string>;

/**
 * Reads secrets from AWS Secrets Manager with the light JSON client (no SDK at cold start), in the
 * secret's own region.
 */
export const awsSecretFetcher: SecretFetcher = async (arn) => {
  const region = arn.split(':')[3] || process.env.AWS_REGION || 'us-east-1';
  const client = createAwsJsonClient({ service: 'secretsmanager', targetPrefix: 'secretsmanager', jsonVersion: '1.1', region });
  try {
    const result = await client.call<{ SecretString?: string }>('GetSecretValue', { SecretId: arn });
    if (result.SecretString === undefined) throw new Error('the secret has no string value');
    return result.SecretString;
  } finally {
    client.destroy();
  }
};

/**
 * In AWS, provider keys live in one Secrets Manager secret holding a JSON object
 * (`{"OPENAI_API_KEY": "..."}`), so the operator sets them after deploy without touching the config:
 * its fields are added to the environment that `env:NAME` references read.
 */
export const withSecretEnvironment = async (
  env: NodeJS.ProcessEnv,
  secretArn: string | undefined,
  fetchSecret: SecretFetcher = awsSecretFetcher,
): Promise<NodeJS.ProcessEnv> => {
  if (!secretArn) return env;
  let values: unknown;
  try {
    values = JSON.parse(await fetchSecret(secretArn));
  } catch (error) {
    throw new ConfigError('secrets', [`${secretArn}: cannot read a JSON object of provider keys: ${(error as Error).message}`]);
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new ConfigError('secrets', [`${secretArn}: must hold a JSON object like {"OPENAI_API_KEY": "..."}`]);
  }
  const extra = Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''),
  );
  return { ...env, ...extra };
};

export interface SecretRequest {
  /** Where the reference appears, for the error message (e.g. `models[0].apiKey`). */
  label: string;
  ref: string;
}

/**
 * Resolves every `env:NAME` / ARN reference at once and reports every failure together, so an
 * operator fixes the config in one pass. Values are never included in messages.
 */
export const resolveSecrets = async (
  requests: readonly SecretRequest[],
  env: NodeJS.ProcessEnv,
  fetchSecret: SecretFetcher = awsSecretFetcher,
): Promise<Map<string, string>> => {
  const resolved = new Map<string, string>();
  const problems: string[] = [];
  const cache = new Map<string, Promise<string>>();
  await Promise.all(
    requests.map(async ({ label, ref }) => {
      if (ref.startsWith('env:')) {
        const name = ref.slice(4);
        const value = env[name];
        if (value === undefined || value === '') problems.push(`${label}: environment variable ${name} is not set`);
        else resolved.set(ref, value);
        return;
      }
      let pending = cache.get(ref);
      if (pending === undefined) {
        // Wrapped so a fetcher that throws synchronously is reported like one that rejects.
        pending = Promise.resolve().then(() => fetchSecret(ref));
        cache.set(ref, pending);
      }
      try {
        const value = await pending;
        if (value === '') problems.push(`${label}: secret ${ref} is empty`);
        else resolved.set(ref, value);
      } catch (error) {
        problems.push(`${label}: cannot read secret ${ref}: ${(error as Error).message}`);
      }
    }),
  );
  if (problems.length > 0) throw new ConfigError('secrets', problems.sort());
  return resolved;
};
