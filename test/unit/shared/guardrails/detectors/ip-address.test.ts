import { describe, expect, test } from 'vitest';
import { find } from '#shared/guardrails/detectors/ip-address.ts';
import { isIpv4 } from '#shared/guardrails/detectors/ipv4.ts';
import { isIpv6 } from '#shared/guardrails/detectors/ipv6.ts';

const _matched = (text: string): string[] => find(text).map(({ start, end }) => text.slice(start, end));

describe('isIpv4', () => {
  test.each([
    { value: '0.0.0.0', expected: true },
    { value: '255.255.255.255', expected: true },
    { value: '192.168.1.10', expected: true },
    { value: '256.0.0.1', expected: false },
    { value: '01.2.3.4', expected: false },
    { value: '1.2.3', expected: false },
    { value: '1.2.3.4.5', expected: false },
    { value: '1.2.3.a', expected: false },
  ])('$value -> $expected', ({ value, expected }) => {
    // Assess
    expect(isIpv4(value)).toBe(expected);
  });
});

describe('isIpv6', () => {
  test.each([
    { value: '2001:0db8:85a3:0000:0000:8a2e:0370:7334', expected: true },
    { value: '2001:db8::1', expected: true },
    { value: '2001:db8::', expected: true },
    { value: '::ffff:192.0.2.128', expected: true },
    { value: '64:ff9b::192.0.2.33', expected: true },
    { value: '1:2:3:4:5:6:7:8', expected: true },
    { value: '1:2:3:4:5:6:7', expected: false },
    { value: '1:2:3:4:5:6:7:8:9', expected: false },
    { value: '2001::db8::1', expected: false },
    { value: '2001:db8:::1', expected: false },
    { value: '12345::1', expected: false },
    { value: '::1', expected: false },
    { value: '::', expected: false },
    { value: '1::2', expected: false },
    { value: 'abc::def', expected: false },
    { value: '::ffff:256.0.2.128', expected: false },
  ])('$value -> $expected', ({ value, expected }) => {
    // Assess
    expect(isIpv6(value)).toBe(expected);
  });
});
