/** A text and the exact substrings a detector must report, in order. */
export interface Positive {
  name: string;
  text: string;
  expected: string[];
}

/** A text a detector must report nothing in. */
export interface Negative {
  name: string;
  text: string;
}
