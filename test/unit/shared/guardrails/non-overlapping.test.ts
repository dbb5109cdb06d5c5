import { describe, expect, test } from 'vitest';
import { longerFirst, selectNonOverlapping } from '#shared/guardrails/non-overlapping.ts';

describe('selectNonOverlapping', () => {
  test.each([
    { name: 'nothing', spans: [], expected: [] },
    {
      name: 'disjoint spans, unsorted',
      spans: [
        { start: 10, end: 12 },
        { start: 0, end: 5 },
      ],
      expected: [
        { start: 0, end: 5 },
        { start: 10, end: 12 },
      ],
    },
    {
      name: 'touching spans both stay',
      spans: [
        { start: 0, end: 5 },
        { start: 5, end: 9 },
      ],
      expected: [
        { start: 0, end: 5 },
        { start: 5, end: 9 },
      ],
    },
    {
      name: 'the longest of a chain wins and drops its neighbours',
      spans: [
        { start: 0, end: 10 },
        { start: 5, end: 20 },
        { start: 15, end: 25 },
      ],
      expected: [{ start: 5, end: 20 }],
    },
    {
      name: 'a dropped middle span lets both ends stay',
      spans: [
        { start: 0, end: 10 },
        { start: 8, end: 12 },
        { start: 11, end: 30 },
      ],
      expected: [
        { start: 0, end: 10 },
        { start: 11, end: 30 },
      ],
    },
    {
      name: 'equal lengths: the earlier wins',
      spans: [
        { start: 3, end: 8 },
        { start: 0, end: 5 },
      ],
      expected: [{ start: 0, end: 5 }],
    },
    {
      name: 'a span inside a longer one',
      spans: [
        { start: 2, end: 4 },
        { start: 0, end: 10 },
      ],
      expected: [{ start: 0, end: 10 }],
    },
    {
      name: 'empty spans are dropped',
      spans: [
        { start: 4, end: 4 },
        { start: 0, end: 2 },
      ],
      expected: [{ start: 0, end: 2 }],
    },
  ])('$name', ({ spans, expected }) => {
    // Act
    const kept = selectNonOverlapping(spans, longerFirst);

    // Assess
    expect(kept).toEqual(expected);
  });

  test('uses the comparison it is given', () => {
    // Prepare
    const spans = [
      { start: 0, end: 10, rank: 2 },
      { start: 5, end: 7, rank: 1 },
    ];

    // Act
    const kept = selectNonOverlapping(spans, (a, b) => a.rank - b.rank);

    // Assess
    expect(kept).toEqual([{ start: 5, end: 7, rank: 1 }]);
  });

  test('returns a new array for already clean input', () => {
    // Prepare
    const spans = [{ start: 0, end: 1 }];

    // Act
    const kept = selectNonOverlapping(spans, longerFirst);

    // Assess
    expect(kept).toEqual(spans);
    expect(kept).not.toBe(spans);
  });
});
