import { createAwsJsonClient } from '../aws/aws-json-client.ts';
import { ConfigError } from './load-config.ts';

/** Fetches a Secrets Manager secret's string; injected so tests and the local runtime need no AWS. */
export type SecretFetcher = (arn: string) => Promise<string>;

/**
 * Reads secrets from AWS Secrets Manager with the light JSON client (no SDK at cold start), in the
 * secret's own region. `endpoint` points it at a stand-in (moto in the tests), which accepts any
 * credentials.
 */
export const createAwsSecretFetcher =
  (options: { endpoint?: string | undefined } = {}): SecretFetcher =>
  async (arn) => {
    const region = arn.split(':')[3] || process.env.AWS_REGION || 'us-east-1';
    const client = createAwsJsonClient({
      service: 'secretsmanager',
      targetPrefix: 'secretsmanager',
      jsonVersion: '1.1',
      region,
      ...(options.endpoint
        ? { endpoint: options.endpoint, credentials: () => ({ accessKeyId: 'local', secretAccessKey: 'local' }) }
        : {}),
    });
    try {
      const result = await client.call<{ SecretString?: string }>('GetSecretValue', { SecretId: arn });
      if (result.SecretString === undefined) throw new Error('the secret has no string value');
      return result.SecretString;
    } finally {
      client.destroy();
    }
  };

/** Secrets Manager in AWS, with the Lambda's own credentials. */
export const awsSecretFetcher: SecretFetcher = createAwsSecretFetcher();

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

/** A reference that could not be resolved, with every place that uses it. */
export interface SecretProblem {
  ref: string;
  labels: string[];
  /** Why, without the value: `environment variable OPENAI_API_KEY is not set`. */
  reason: string;
}

/**
 * Resolves every `env:NAME` / ARN reference at once, each distinct reference once, and returns
 * what resolved and what did not: a caller may serve what it can (a model whose key is missing is
 * unavailable, the others serve). Values are never included in problems.
 */
export const resolveAvailableSecrets = async (
  requests: readonly SecretRequest[],
  env: NodeJS.ProcessEnv,
  fetchSecret: SecretFetcher = awsSecretFetcher,
): Promise<{ values: Map<string, string>; problems: SecretProblem[] }> => {
  const labels = new Map<string, string[]>();
  for (const { label, ref } of requests) labels.set(ref, [...(labels.get(ref) ?? []), label]);
  const values = new Map<string, string>();
  const problems: SecretProblem[] = [];
  await Promise.all(
    [...labels.keys()].map(async (ref) => {
      const fail = (reason: string) => problems.push({ ref, labels: labels.get(ref) ?? [], reason });
      if (ref.startsWith('env:')) {
        const name = ref.slice(4);
        const value = env[name];
        if (value === undefined || value === '') fail(`environment variable ${name} is not set`);
        else values.set(ref, value);
        return;
      }
      try {
        // Wrapped so a fetcher that throws synchronously is reported like one that rejects.
        const value = await Promise.resolve().then(() => fetchSecret(ref));
        if (value === '') fail(`secret ${ref} is empty`);
        else values.set(ref, value);
      } catch (error) {
        fail(`cannot read secret ${ref}: ${(error as Error).message}`);
      }
    }),
  );
  return { values, problems: problems.sort((a, b) => a.ref.localeCompare(b.ref)) };
};

/** A problem as one line: where the reference is used, then why it failed. */
export const describeSecretProblem = (problem: SecretProblem): string => `${problem.labels.join(', ')}: ${problem.reason}`;

/**
 * Resolves every reference and reports every failure together, one line per reference, so an
 * operator fixes the config in one pass.
 */
export const resolveSecrets = async (
  requests: readonly SecretRequest[],
  env: NodeJS.ProcessEnv,
  fetchSecret: SecretFetcher = awsSecretFetcher,
): Promise<Map<string, string>> => {
  const { values, problems } = await resolveAvailableSecrets(requests, env, fetchSecret);
  if (problems.length > 0) throw new ConfigError('secrets', problems.map(describeSecretProblem).sort());
  return values;
};
