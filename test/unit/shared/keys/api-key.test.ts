import { describe, expect, test } from 'vitest';
import { API_KEY_PREFIX, generateApiKey, hashApiKey, newKeyId, readPresentedKey } from '#shared/keys/api-key.ts';

describe('generateApiKey', () => {
  test('a key is sk-ir- and 32 base64url characters, with its sha256 and a hint', () => {
    // Act
    const { key, hash, hint } = generateApiKey();

    // Assess
    expect(API_KEY_PREFIX).toBe('sk-ir-');
    expect(key).toMatch(/^sk-ir-[A-Za-z0-9_-]{32}$/);
    expect(hash).toBe(hashApiKey(key));
    expect(hint).toBe(`${key.slice(0, 10)}...${key.slice(-4)}`);
    expect(hint).toMatch(/^sk-ir-[A-Za-z0-9_-]{4}\.\.\.[A-Za-z0-9_-]{4}$/);
  });

  test('two keys differ', () => {
    // Act
    const keys = new Set(Array.from({ length: 20 }, () => generateApiKey().key));

    // Assess
    expect(keys.size).toBe(20);
  });
});

describe('hashApiKey', () => {
  test.each([
    { key: 'abc', hash: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
    { key: '', hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  ])('hashes $key to its SHA-256 hex', ({ key, hash }) => {
    // Assess
    expect(hashApiKey(key)).toBe(hash);
  });
});

describe('newKeyId', () => {
  test('is key_ and 20 hex characters', () => {
    // Assess
    expect(newKeyId()).toMatch(/^key_[0-9a-f]{20}$/);
  });
});

describe('readPresentedKey', () => {
  test.each([
    { name: 'a Bearer token', headers: { authorization: 'Bearer sk-ir-abc' }, expected: 'sk-ir-abc' },
    { name: 'lowercase bearer', headers: { authorization: 'bearer sk-ir-abc' }, expected: 'sk-ir-abc' },
    { name: 'uppercase BEARER', headers: { authorization: 'BEARER sk-ir-abc' }, expected: 'sk-ir-abc' },
    { name: 'extra spaces', headers: { authorization: '  Bearer   sk-ir-abc  ' }, expected: 'sk-ir-abc' },
    { name: 'an x-api-key', headers: { 'x-api-key': 'sk-ir-abc' }, expected: 'sk-ir-abc' },
    { name: 'an x-api-key with spaces', headers: { 'x-api-key': ' sk-ir-abc ' }, expected: 'sk-ir-abc' },
    {
      name: 'both, the Authorization header wins',
      headers: { authorization: 'Bearer sk-ir-abc', 'x-api-key': 'sk-ir-other' },
      expected: 'sk-ir-abc',
    },
    {
      name: 'an empty Authorization falls back to x-api-key',
      headers: { authorization: ' ', 'x-api-key': 'sk-ir-abc' },
      expected: 'sk-ir-abc',
    },
    { name: 'Basic credentials', headers: { authorization: 'Basic dXNlcjpwYXNz' }, expected: undefined },
    { name: 'a bare token without a scheme', headers: { authorization: 'sk-ir-abc' }, expected: undefined },
    { name: 'Bearer without a token', headers: { authorization: 'Bearer' }, expected: undefined },
    { name: 'a token with a space in it', headers: { authorization: 'Bearer sk-ir abc' }, expected: undefined },
    {
      name: 'a malformed Authorization does not hide an x-api-key',
      headers: { authorization: 'Token sk-ir-xyz', 'x-api-key': 'sk-ir-abc' },
      expected: 'sk-ir-abc',
    },
    { name: 'an empty x-api-key', headers: { 'x-api-key': '' }, expected: undefined },
    { name: 'no headers', headers: {}, expected: undefined },
  ])('$name -> $expected', ({ headers, expected }) => {
    // Assess
    expect(readPresentedKey(headers)).toBe(expected);
  });
});
