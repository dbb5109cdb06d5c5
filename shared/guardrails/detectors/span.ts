/** A half-open range `[start, end)` of UTF-16 offsets into the scanned text. */
export interface Span {
  start: number;
  end: number;
}
