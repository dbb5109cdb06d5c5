import { describe, expect, test } from 'vitest';
import { PlaceholderState, redact, restore } from '#shared/guardrails/redaction.ts';
import { type Detection, detect, detectorKinds } from '#shared/guardrails/sensitive-data.ts';

const redactAll = (text: string, state: PlaceholderState) => redact(text, detect(text, detectorKinds), state);

describe('redact', () => {
  test('numbers placeholders per kind, in order of appearance', () => {
    // Prepare
    const text = 'a@example.com, +44 20 7946 0958, b@example.com, 10.0.0.1, (555) 123-4567';

    // Act
    const result = redactAll(text, new PlaceholderState());

    // Assess
    expect(result.text).toBe('[EMAIL_1], [PHONE_1], [EMAIL_2], [IP_1], [PHONE_2]');
    expect(result.counts).toEqual({ email: 2, phone: 2, ip_address: 1 });
    expect([...result.placeholders]).toEqual([
      ['[EMAIL_1]', 'a@example.com'],
      ['[PHONE_1]', '+44 20 7946 0958'],
      ['[EMAIL_2]', 'b@example.com'],
      ['[IP_1]', '10.0.0.1'],
      ['[PHONE_2]', '(555) 123-4567'],
    ]);
  });

  test.each([
    { kind: 'email', text: 'bob@example.com', placeholder: '[EMAIL_1]' },
    { kind: 'phone', text: '+14155552671', placeholder: '[PHONE_1]' },
    { kind: 'payment_card', text: '4111111111111111', placeholder: '[CARD_1]' },
    { kind: 'iban', text: 'DE89370400440532013000', placeholder: '[IBAN_1]' },
    { kind: 'national_id', text: '123-45-6789', placeholder: '[NATIONAL_ID_1]' },
    { kind: 'ip_address', text: '192.168.1.10', placeholder: '[IP_1]' },
    { kind: 'secret', text: 'password=hunter2hunter', placeholder: 'password=[SECRET_1]' },
  ])('labels $kind as $placeholder', ({ text, placeholder }) => {
    // Act
    const result = redactAll(text, new PlaceholderState());

    // Assess
    expect(result.text).toBe(placeholder);
  });

  test('gives a repeated value the same placeholder and counts every occurrence', () => {
    // Prepare
    const text = 'bob@example.com wrote to alice@example.com, then bob@example.com again';

    // Act
    const result = redactAll(text, new PlaceholderState());

    // Assess
    expect(result.text).toBe('[EMAIL_1] wrote to [EMAIL_2], then [EMAIL_1] again');
    expect(result.counts).toEqual({ email: 3 });
    expect(result.placeholders.size).toBe(2);
  });

  test('keeps numbering and placeholders stable across the messages of a request', () => {
    // Prepare
    const state = new PlaceholderState();
    const messages = [
      'I am bob@example.com, card 4111 1111 1111 1111',
      'My colleague is alice@example.com',
      'Email bob@example.com and alice@example.com; the card is 4111 1111 1111 1111, the other 5555555555554444',
    ];

    // Act
    const redacted = messages.map((message) => redactAll(message, state));

    // Assess
    expect(redacted.map((result) => result.text)).toEqual([
      'I am [EMAIL_1], card [CARD_1]',
      'My colleague is [EMAIL_2]',
      'Email [EMAIL_1] and [EMAIL_2]; the card is [CARD_1], the other [CARD_2]',
    ]);
    expect([...(redacted[2]?.placeholders.keys() ?? [])]).toEqual(['[EMAIL_1]', '[EMAIL_2]', '[CARD_1]', '[CARD_2]']);
    expect(state.size).toBe(4);
  });

  test('a new state starts numbering again', () => {
    // Prepare
    const text = 'alice@example.com';
    redactAll('bob@example.com', new PlaceholderState());

    // Act
    const result = redactAll(text, new PlaceholderState());

    // Assess
    expect(result.text).toBe('[EMAIL_1]');
  });

  test('skips placeholder text the user typed, so restoring cannot turn it into a value', () => {
    // Prepare
    const state = new PlaceholderState();
    const text = 'Template: Dear [EMAIL_1], ... Real: bob@example.com';

    // Act
    const result = redactAll(text, state);

    // Assess
    expect(result.text).toBe('Template: Dear [EMAIL_1], ... Real: [EMAIL_2]');
    expect(restore('[EMAIL_1] / [EMAIL_2]', state)).toBe('[EMAIL_1] / bob@example.com');
  });

  test('ignores detections that overlap an earlier one or fall outside the text', () => {
    // Prepare
    const text = 'abcdefghij';
    const detections: Detection[] = [
      { kind: 'secret', start: 6, end: 20 },
      { kind: 'email', start: 0, end: 4 },
      { kind: 'phone', start: 2, end: 6 },
      { kind: 'ip_address', start: 5, end: 5 },
    ];

    // Act
    const result = redact(text, detections, new PlaceholderState());

    // Assess
    expect(result.text).toBe('[EMAIL_1]efghij');
    expect(result.counts).toEqual({ email: 1 });
  });

  test('without detections returns the text unchanged', () => {
    // Act
    const result = redact('nothing here', []);

    // Assess
    expect(result).toEqual({ text: 'nothing here', placeholders: new Map(), counts: {} });
  });
});

describe('restore', () => {
  test.each([
    { name: 'every kind', text: 'bob@example.com +44 20 7946 0958 4111 1111 1111 1111 DE89 3704 0044 0532 0130 00' },
    { name: 'ids, addresses and a secret', text: 'SSN 123-45-6789 from 2001:db8::1 and 10.0.0.1 with api_key=a1b2c3d4e5f6g7h8' },
    { name: 'repeated values', text: 'bob@example.com, bob@example.com, 10.0.0.1; 10.0.0.1' },
    { name: 'values next to brackets', text: '[bob@example.com][+14155552671] [x] [EMAIL_' },
    { name: 'no personal data', text: 'just [text] with brackets' },
  ])('round-trips $name', ({ text }) => {
    // Prepare
    const state = new PlaceholderState();
    const redacted = redactAll(text, state);

    // Act
    const restored = restore(redacted.text, state);

    // Assess
    expect(restored).toBe(text);
  });

  test('round-trips several messages sharing a state', () => {
    // Prepare
    const state = new PlaceholderState();
    const messages = ['bob@example.com 4111111111111111', 'alice@example.com and bob@example.com', '123-45-6789'];
    const redacted = messages.map((message) => redactAll(message, state).text);

    // Act
    const restored = redacted.map((message) => restore(message, state));

    // Assess
    expect(restored).toEqual(messages);
  });

  test('leaves placeholders the request did not create as they are', () => {
    // Prepare
    const state = new PlaceholderState();
    redactAll('bob@example.com', state);

    // Act
    const restored = restore('[EMAIL_1] [EMAIL_9] [PHONE_1] [EMAIL_01] [email_1] [EMAIL_1', state);

    // Assess
    expect(restored).toBe('bob@example.com [EMAIL_9] [PHONE_1] [EMAIL_01] [email_1] [EMAIL_1');
  });

  test('accepts the placeholders map of a redaction', () => {
    // Prepare
    const { text, placeholders } = redact('call +14155552671', detect('call +14155552671', ['phone']));

    // Act
    const restored = restore(`Calling ${text.slice(5)} now`, placeholders);

    // Assess
    expect(text).toBe('call [PHONE_1]');
    expect(restored).toBe('Calling +14155552671 now');
  });
});
