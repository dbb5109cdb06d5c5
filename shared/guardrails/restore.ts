import { PlaceholderState } from './placeholder-state.ts';
import { PLACEHOLDER } from './placeholders.ts';

/**
 * Puts the original values back for the placeholders this request created (from its state, or
 * the `placeholders` of a `Redaction`). Placeholder-shaped text it did not create stays as is.
 */
export const restore = (
  text: string,
  source: PlaceholderState | ReadonlyMap<string, string>,
  escapeValue?: (value: string) => string,
): string => {
  if (!text.includes('[')) return text;
  const lookup = source instanceof PlaceholderState ? (key: string) => source.valueOf(key) : (key: string) => source.get(key);
  return text.replace(PLACEHOLDER, (placeholder) => {
    const value = lookup(placeholder);
    return value === undefined ? placeholder : escapeValue ? escapeValue(value) : value;
  });
};

/** For values put back inside a JSON string (JSON mode, tool-call arguments): quotes, newlines and all escaped. */
export const jsonEscape = (value: string): string => JSON.stringify(value).slice(1, -1);
