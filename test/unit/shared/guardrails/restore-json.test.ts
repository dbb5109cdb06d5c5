import { expect, test } from 'vitest';
import { createStreamRestorer, jsonEscape, PlaceholderState, restore } from '#shared/guardrails/redaction.ts';

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIE"quoted"\\line\n-----END PRIVATE KEY-----';

test('a value with quotes, backslashes and newlines restored inside JSON keeps it valid', () => {
  // Prepare
  const state = new PlaceholderState();
  const placeholder = state.placeholderFor('secret', PEM);

  // Act
  const json = restore(`{"key":"${placeholder}"}`, state, jsonEscape);

  // Assess
  expect(JSON.parse(json)).toEqual({ key: PEM });
});

test('the stream restorer escapes the same way, whatever the split', () => {
  const state = new PlaceholderState();
  const placeholder = state.placeholderFor('secret', PEM);
  const text = `{"key":"${placeholder}"}`;
  for (let split = 0; split <= text.length; split++) {
    const restorer = createStreamRestorer(state, jsonEscape);
    const out = restorer.push(text.slice(0, split)) + restorer.push(text.slice(split)) + restorer.flush();
    expect(JSON.parse(out)).toEqual({ key: PEM });
  }
});
