import type { PlaceholderState } from './placeholder-state.ts';
import { restore } from './restore.ts';

export interface StreamRestorer {
  /** Restores what can be restored and returns it; keeps back only a possible placeholder start. */
  push(chunk: string): string;
  /** Returns what was kept back (it cannot hold a whole placeholder) at the end of the stream. */
  flush(): string;
}

/**
 * Restores placeholders in a streamed response whose chunks can split a placeholder anywhere
 * (`"[EMA"` + `"IL_1] ok"`). Only the text from the last `[` is held back, and only while it is
 * still the beginning of a placeholder this request created; everything else goes out at once.
 */
export const createStreamRestorer = (state: PlaceholderState, escapeValue?: (value: string) => string): StreamRestorer => {
  let pending = '';
  return {
    push(chunk) {
      const buffer = pending + chunk;
      const held = heldBackFrom(buffer, state);
      pending = buffer.slice(held);
      return restore(buffer.slice(0, held), state, escapeValue);
    },
    flush() {
      const rest = pending;
      pending = '';
      return rest;
    },
  };
};

const heldBackFrom = (buffer: string, state: PlaceholderState): number => {
  const open = buffer.lastIndexOf('[');
  if (open === -1 || buffer.length - open >= state.longestPlaceholder) return buffer.length;
  return state.isPlaceholderPrefix(buffer.slice(open)) ? open : buffer.length;
};
