import { PlaceholderState } from './placeholder-state.ts';
import type { Detection, DetectorKind } from './sensitive-data.ts';

// The whole redaction API from one module: redact on the way in, restore on the way out.
export { PlaceholderState } from './placeholder-state.ts';
export { jsonEscape, restore } from './restore.ts';
export { createStreamRestorer, type StreamRestorer } from './stream-restorer.ts';

export interface Redaction {
  text: string;
  /** Placeholder -> original value, for the placeholders used in this text. Sensitive: never log it. */
  placeholders: Map<string, string>;
  /** Detections replaced in this text, per kind (occurrences, not distinct values). */
  counts: Partial<Record<DetectorKind, number>>;
}

/**
 * Replaces each detection with a stable placeholder (`[EMAIL_1]`, `[CARD_2]`). Pass one state for
 * all the messages of a request so a value repeated across messages keeps its placeholder.
 * Detections that overlap an earlier one or fall outside the text are skipped.
 */
export const redact = (text: string, detections: readonly Detection[], state = new PlaceholderState()): Redaction => {
  state.reserveLiterals(text);
  const placeholders = new Map<string, string>();
  const counts: Partial<Record<DetectorKind, number>> = {};
  const parts: string[] = [];
  let cursor = 0;
  for (const { kind, start, end } of [...detections].sort((a, b) => a.start - b.start)) {
    if (start < cursor || end <= start || end > text.length) continue;
    const value = text.slice(start, end);
    const placeholder = state.placeholderFor(kind, value);
    placeholders.set(placeholder, value);
    counts[kind] = (counts[kind] ?? 0) + 1;
    parts.push(text.slice(cursor, start), placeholder);
    cursor = end;
  }
  if (parts.length === 0) return { text, placeholders, counts };
  parts.push(text.slice(cursor));
  return { text: parts.join(''), placeholders, counts };
};
