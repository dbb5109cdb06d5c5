import { describe, expect, test, vi } from 'vitest';
import { ConfigError } from '#shared/config/load-config.ts';
import { resolveSecrets, type SecretFetcher } from '#shared/config/resolve-secrets.ts';

const ARN_A = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:openai-AbCdEf';
const ARN_B = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:anthropic-GhIjKl';

/** A fetcher the test expects never to be called. */
const unusedFetcher = () => vi.fn<SecretFetcher>(async () => 'unused');

const configErrorOf = async (promise: Promise<unknown>): Promise<ConfigError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but the secrets resolved');
};

describe('resolveSecrets', () => {
  test('resolves env: references from the given environment without calling the fetcher', async () => {
    // Prepare
    const fetchSecret = unusedFetcher();

    // Act
    const resolved = await resolveSecrets(
      [
        { label: 'models[0].apiKey', ref: 'env:OPENAI_API_KEY' },
        { label: 'models[1].apiKey', ref: 'env:GROQ_API_KEY' },
      ],
      { OPENAI_API_KEY: 'sk-openai-value', GROQ_API_KEY: 'gsk-groq-value' },
      fetchSecret,
    );

    // Assess
    expect(Object.fromEntries(resolved)).toEqual({
      'env:OPENAI_API_KEY': 'sk-openai-value',
      'env:GROQ_API_KEY': 'gsk-groq-value',
    });
    expect(fetchSecret).not.toHaveBeenCalled();
  });

  test('fetches each distinct ARN once, even when several models reference it', async () => {
    // Prepare
    const fetchSecret = vi.fn<SecretFetcher>(async (arn) => (arn === ARN_A ? 'secret-a' : 'secret-b'));

    // Act
    const resolved = await resolveSecrets(
      [
        { label: 'models[0].apiKey', ref: ARN_A },
        { label: 'models[1].apiKey', ref: ARN_B },
        { label: 'models[2].apiKey', ref: ARN_A },
      ],
      {},
      fetchSecret,
    );

    // Assess
    expect(Object.fromEntries(resolved)).toEqual({ [ARN_A]: 'secret-a', [ARN_B]: 'secret-b' });
    expect(fetchSecret).toHaveBeenCalledTimes(2);
    expect(new Set(fetchSecret.mock.calls.map(([arn]) => arn))).toEqual(new Set([ARN_A, ARN_B]));
  });

  test('no references resolve to an empty map', async () => {
    // Act
    const resolved = await resolveSecrets([], {}, unusedFetcher());

    // Assess
    expect(resolved.size).toBe(0);
  });

  test('reports every failure together in one ConfigError, sorted, with labels', async () => {
    // Prepare
    const fetchSecret = vi.fn<SecretFetcher>(async (arn) => {
      if (arn === ARN_A) throw new Error('AccessDeniedException');
      return 'secret-b';
    });

    // Act
    const error = await configErrorOf(
      resolveSecrets(
        [
          { label: 'models[3].apiKey (anthropic)', ref: ARN_B },
          { label: 'models[2].apiKey (openai)', ref: ARN_A },
          { label: 'models[1].apiKey (groq)', ref: 'env:GROQ_API_KEY' },
          { label: 'models[0].apiKey (together)', ref: 'env:TOGETHER_API_KEY' },
          { label: 'models[4].apiKey (ok)', ref: 'env:PRESENT' },
        ],
        { TOGETHER_API_KEY: '', PRESENT: 'present-value' },
        fetchSecret,
      ),
    );

    // Assess
    expect(error.problems).toEqual([
      'models[0].apiKey (together): environment variable TOGETHER_API_KEY is not set',
      'models[1].apiKey (groq): environment variable GROQ_API_KEY is not set',
      `models[2].apiKey (openai): cannot read secret ${ARN_A}: AccessDeniedException`,
    ]);
    expect(error.message).toMatch(/^Invalid router config \(secrets\):/);
  });

  test('a shared reference that fails is reported once, naming every model that uses it', async () => {
    // Prepare
    const fetchSecret = vi.fn<SecretFetcher>(async () => {
      throw new Error('ResourceNotFoundException');
    });

    // Act
    const error = await configErrorOf(
      resolveSecrets(
        [
          { label: 'models[0].apiKey', ref: ARN_A },
          { label: 'models[1].apiKey', ref: ARN_A },
        ],
        {},
        fetchSecret,
      ),
    );

    // Assess
    expect(fetchSecret).toHaveBeenCalledTimes(1);
    expect(error.problems).toEqual([
      `models[0].apiKey, models[1].apiKey: cannot read secret ${ARN_A}: ResourceNotFoundException`,
    ]);
  });

  test('resolved secret values never appear in the error', async () => {
    // Prepare
    const fetchSecret = vi.fn<SecretFetcher>(async (arn) => {
      if (arn === ARN_B) throw new Error('throttled');
      return 'arn-secret-value-123';
    });

    // Act
    const error = await configErrorOf(
      resolveSecrets(
        [
          { label: 'models[0].apiKey', ref: 'env:SET' },
          { label: 'models[1].apiKey', ref: ARN_A },
          { label: 'models[2].apiKey', ref: ARN_B },
          { label: 'models[3].apiKey', ref: 'env:UNSET' },
        ],
        { SET: 'env-secret-value-456' },
        fetchSecret,
      ),
    );

    // Assess
    expect(error.problems).toHaveLength(2);
    expect(error.message).not.toContain('arn-secret-value-123');
    expect(error.message).not.toContain('env-secret-value-456');
    expect(error.problems.join('\n')).not.toContain('secret-value');
  });

  test('an empty secret, or a fetcher that throws synchronously, is reported like any failure', async () => {
    // Prepare
    const fetcher = vi.fn((arn: string): Promise<string> => {
      if (arn.endsWith('broken')) throw new Error('no network');
      return Promise.resolve('');
    });

    // Act
    const error = await resolveSecrets(
      [
        { label: 'models[0].apiKey', ref: 'arn:aws:secretsmanager:us-east-1:1:secret:empty' },
        { label: 'models[1].apiKey', ref: 'arn:aws:secretsmanager:us-east-1:1:secret:broken' },
      ],
      {},
      fetcher,
    ).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'models[0].apiKey: secret arn:aws:secretsmanager:us-east-1:1:secret:empty is empty',
      'models[1].apiKey: cannot read secret arn:aws:secretsmanager:us-east-1:1:secret:broken: no network',
    ]);
  });
});
