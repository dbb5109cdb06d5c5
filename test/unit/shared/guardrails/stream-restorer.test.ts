import { describe, expect, test } from 'vitest';
import { createStreamRestorer, PlaceholderState, restore } from '#shared/guardrails/redaction.ts';

const stateWith = (): PlaceholderState => {
  const state = new PlaceholderState();
  state.placeholderFor('email', 'bob@example.com');
  state.placeholderFor('phone', '+44 20 7946 0958');
  state.placeholderFor('national_id', '123-45-6789');
  return state;
};

const placeholders = ['[EMAIL_1]', '[PHONE_1]', '[NATIONAL_ID_1]'];
const streamed = 'Hi [EMAIL_1], array[0] is [x]; call [PHONE_1] (id [NATIONAL_ID_1]) or [EMAIL_9]. [EMAIL_1]';

/** What a restorer may hold back at the end of `text`: from the last '[' if it can still become a placeholder. */
const expectedHoldFrom = (text: string): number => {
  const open = text.lastIndexOf('[');
  if (open === -1) return text.length;
  const tail = text.slice(open);
  return placeholders.some((placeholder) => placeholder.length > tail.length && placeholder.startsWith(tail))
    ? open
    : text.length;
};

describe('createStreamRestorer', () => {
  test.each(Array.from({ length: streamed.length + 1 }, (_, split) => ({ split })))(
    'restores the stream split at $split and emits everything before a possible placeholder at once',
    ({ split }) => {
      // Prepare
      const state = stateWith();
      const restorer = createStreamRestorer(state);
      const first = streamed.slice(0, split);
      const second = streamed.slice(split);

      // Act
      const firstOut = restorer.push(first);
      const secondOut = restorer.push(second);
      const rest = restorer.flush();

      // Assess
      expect(firstOut).toBe(restore(first.slice(0, expectedHoldFrom(first)), state));
      expect(firstOut + secondOut + rest).toBe(restore(streamed, state));
    },
  );

  test('restores the stream split at every pair of points', () => {
    // Prepare
    const state = stateWith();
    const expected = restore(streamed, state);
    const outputs: string[] = [];

    // Act
    for (let first = 0; first <= streamed.length; first += 1) {
      for (let second = first; second <= streamed.length; second += 1) {
        const restorer = createStreamRestorer(state);
        outputs.push(
          restorer.push(streamed.slice(0, first)) +
            restorer.push(streamed.slice(first, second)) +
            restorer.push(streamed.slice(second)) +
            restorer.flush(),
        );
      }
    }

    // Assess
    expect(new Set(outputs)).toEqual(new Set([expected]));
  });

  test('restores a stream of single characters', () => {
    // Prepare
    const state = stateWith();
    const restorer = createStreamRestorer(state);

    // Act
    const output = [...streamed].map((character) => restorer.push(character)).join('') + restorer.flush();

    // Assess
    expect(output).toBe(
      'Hi bob@example.com, array[0] is [x]; call +44 20 7946 0958 (id 123-45-6789) or [EMAIL_9]. bob@example.com',
    );
  });

  test.each([
    { name: 'a placeholder split in two', chunks: ['[EMA', 'IL_1] ok'], outputs: ['', 'bob@example.com ok'] },
    {
      name: 'text before the bracket goes out at once',
      chunks: ['Hello [', 'PHONE_1]'],
      outputs: ['Hello ', '+44 20 7946 0958'],
    },
    { name: 'a bracket that cannot start a placeholder', chunks: ['a[0', '] b'], outputs: ['a[0', '] b'] },
    { name: 'an unknown number is let go', chunks: ['[EMAIL_2', '] x'], outputs: ['[EMAIL_2', '] x'] },
    { name: 'a longer number is let go', chunks: ['[EMAIL_1', '0] x'], outputs: ['', '[EMAIL_10] x'] },
    { name: 'a tail kept to the end is flushed as is', chunks: ['bye [EMAIL_'], outputs: ['bye '] },
  ])('$name', ({ chunks, outputs }) => {
    // Prepare
    const restorer = createStreamRestorer(stateWith());

    // Act
    const emitted = chunks.map((chunk) => restorer.push(chunk));

    // Assess
    expect(emitted).toEqual(outputs);
  });

  test('flush returns what was held back and then nothing', () => {
    // Prepare
    const restorer = createStreamRestorer(stateWith());
    restorer.push('bye [EMAIL_');

    // Act
    const flushed = [restorer.flush(), restorer.flush()];

    // Assess
    expect(flushed).toEqual(['[EMAIL_', '']);
  });

  test('holds nothing back when the request created no placeholder', () => {
    // Prepare
    const restorer = createStreamRestorer(new PlaceholderState());

    // Act
    const emitted = ['[EMA', 'IL_1]'].map((chunk) => restorer.push(chunk));

    // Assess
    expect(emitted).toEqual(['[EMA', 'IL_1]']);
  });
});
