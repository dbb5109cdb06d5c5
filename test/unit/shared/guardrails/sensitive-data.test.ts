import { describe, expect, test } from 'vitest';
import { type DetectorKind, detect, detectorKinds } from '#shared/guardrails/sensitive-data.ts';
import { emailPositives } from './samples/email.ts';
import { ibanPositives } from './samples/iban.ts';
import { ipAddressPositives } from './samples/ip-address.ts';
import { nationalIdPositives } from './samples/national-id.ts';
import { ordinaryTexts } from './samples/ordinary-texts.ts';
import { paymentCardPositives } from './samples/payment-card.ts';
import { phonePositives } from './samples/phone.ts';
import type { Positive } from './samples/sample.ts';
import { secretPositives } from './samples/secret.ts';

const positivesByKind: Record<DetectorKind, Positive[]> = {
  email: emailPositives,
  phone: phonePositives,
  payment_card: paymentCardPositives,
  iban: ibanPositives,
  national_id: nationalIdPositives,
  ip_address: ipAddressPositives,
  secret: secretPositives,
};

const everyPositive = detectorKinds.flatMap((kind) => positivesByKind[kind].map((sample) => ({ kind, ...sample })));

describe('detect', () => {
  test.each(everyPositive)('with every detector on, the $kind sample "$name" is only $kind', ({ kind, text, expected }) => {
    // Act
    const detections = detect(text, detectorKinds);

    // Assess
    expect(detections.map((detection) => ({ kind: detection.kind, value: text.slice(detection.start, detection.end) }))).toEqual(
      expected.map((value) => ({ kind, value })),
    );
  });

  test.each(ordinaryTexts)('finds nothing of any kind in $name', ({ text }) => {
    // Act
    const detections = detect(text, detectorKinds);

    // Assess
    expect(detections).toEqual([]);
  });

  test('reports offsets into the text, sorted by start', () => {
    // Prepare
    const text = 'Mail bob@x.com or call +44 20 7946 0958 from 10.0.0.1';

    // Act
    const detections = detect(text, detectorKinds);

    // Assess
    expect(detections).toEqual([
      { kind: 'email', start: 5, end: 14 },
      { kind: 'phone', start: 23, end: 39 },
      { kind: 'ip_address', start: 45, end: 53 },
    ]);
  });

  test.each([
    { kinds: ['email'] as DetectorKind[], expected: [{ kind: 'email', start: 0, end: 9 }] },
    { kinds: ['ip_address'] as DetectorKind[], expected: [{ kind: 'ip_address', start: 10, end: 18 }] },
    {
      kinds: ['ip_address', 'email', 'email'] as DetectorKind[],
      expected: [
        { kind: 'email', start: 0, end: 9 },
        { kind: 'ip_address', start: 10, end: 18 },
      ],
    },
    { kinds: [] as DetectorKind[], expected: [] },
  ])('runs only the requested kinds $kinds', ({ kinds, expected }) => {
    // Act
    const detections = detect('bob@x.com 10.0.0.1', kinds);

    // Assess
    expect(detections).toEqual(expected);
  });

  test.each([
    {
      name: 'the longer wins: a phone number containing an SSN',
      text: 'call +1 123-45-6789',
      expected: [{ kind: 'phone', value: '+1 123-45-6789' }],
    },
    {
      name: 'equal spans: email beats secret (earlier in detectorKinds)',
      text: 'password: "bob@example.com"',
      expected: [{ kind: 'email', value: 'bob@example.com' }],
    },
    {
      name: 'equal spans: payment_card beats secret',
      text: 'api_key=4111111111111111',
      expected: [{ kind: 'payment_card', value: '4111111111111111' }],
    },
    {
      name: 'the longer wins: an IBAN holding a national-format phone number',
      text: 'NL91 ABNA 0417 1643 00',
      expected: [{ kind: 'iban', value: 'NL91 ABNA 0417 1643 00' }],
    },
    {
      name: 'the longer wins: an IPv6 address embedding an IPv4 one',
      text: '::ffff:192.0.2.128',
      expected: [{ kind: 'ip_address', value: '::ffff:192.0.2.128' }],
    },
  ])('resolves overlaps: $name', ({ text, expected }) => {
    // Act
    const detections = detect(text, detectorKinds);

    // Assess
    expect(detections.map((detection) => ({ kind: detection.kind, value: text.slice(detection.start, detection.end) }))).toEqual(
      expected,
    );
  });

  test('finds each kind in one mixed text', () => {
    // Prepare
    const text = [
      'Customer bob@example.com (+1 555 123 4567) paid with 4111 1111 1111 1111,',
      'refund to DE89 3704 0044 0532 0130 00; SSN 123-45-6789; from 203.0.113.7;',
      'password=hunter2hunter',
    ].join('\n');

    // Act
    const detections = detect(text, detectorKinds);

    // Assess
    expect(detections.map((detection) => `${detection.kind}=${text.slice(detection.start, detection.end)}`)).toEqual([
      'email=bob@example.com',
      'phone=+1 555 123 4567',
      'payment_card=4111 1111 1111 1111',
      'iban=DE89 3704 0044 0532 0130 00',
      'national_id=123-45-6789',
      'ip_address=203.0.113.7',
      'secret=hunter2hunter',
    ]);
  });

  test.each([
    { name: 'a fullwidth @', text: 'mail bob\uff20example.com now', kind: 'email', value: 'bob\uff20example.com' },
    { name: 'a zero-width space', text: 'mail bob\u200b@example.com now', kind: 'email', value: 'bob\u200b@example.com' },
    { name: 'spaces around dashes', text: 'SSN 123 - 45 - 6789.', kind: 'national_id', value: '123 - 45 - 6789' },
    { name: 'digits one by one', text: 'SSN 1 2 3 - 4 5 - 6 7 8 9.', kind: 'national_id', value: '1 2 3 - 4 5 - 6 7 8 9' },
    { name: 'en dashes', text: 'call 555\u2013123\u20134567', kind: 'phone', value: '555\u2013123\u20134567' },
    {
      name: 'no-break spaces in a card',
      text: 'card 4111\u00a01111\u00a01111\u00a01111',
      kind: 'payment_card',
      value: '4111\u00a01111\u00a01111\u00a01111',
    },
    { name: 'fullwidth digits', text: 'IP \uff11\uff10.0.0.1', kind: 'ip_address', value: '\uff11\uff10.0.0.1' },
  ])('finds a $kind disguised with $name, at its place in the original text', ({ text, kind, value }) => {
    // Act
    const detections = detect(text, detectorKinds);

    // Assess
    expect(detections.map((detection) => ({ kind: detection.kind, value: text.slice(detection.start, detection.end) }))).toEqual([
      { kind, value },
    ]);
  });

  test.each([
    { name: 'Russian prose', text: 'Маршрутизатор отправляет каждый запрос модели, которая справится с ним дешевле всего.' },
    { name: 'Japanese prose', text: 'ルーターは各リクエストを最も安いモデルに送ります。番号は１２３です。' },
    { name: 'Greek prose', text: 'Ο δρομολογητής στέλνει κάθε αίτημα στο φθηνότερο μοντέλο.' },
    { name: 'a table of single digits', text: 'row 1: 1 2 3\nrow 2: 4 5 6\nscore 7 - 3, set 6 - 4' },
    { name: 'spaced digit groups', text: 'order 123 45 6789 shipped on 2024 05 14' },
  ])('finds nothing in $name, folded or not', ({ text }) => {
    // Act
    const detections = detect(text, detectorKinds);

    // Assess
    expect(detections).toEqual([]);
  });
});
