import { PLACEHOLDER, placeholderLabels } from './placeholders.ts';
import type { DetectorKind } from './sensitive-data.ts';

/**
 * The placeholders of one request. Shared by every message of the request so that the same
 * value gets the same placeholder everywhere and numbering continues across messages; then used
 * to restore the values in the response. Holds the original values: keep it in memory for the
 * request only, never log or persist it.
 */
export class PlaceholderState {
  /** `kind \0 value` -> placeholder. */
  readonly #placeholderByValue = new Map<string, string>();
  readonly #valueByPlaceholder = new Map<string, string>();
  readonly #lastNumber = new Map<DetectorKind, number>();
  /** Placeholder-shaped text already in the input, which numbering must not reuse. */
  readonly #reserved = new Set<string>();
  /** Every proper prefix of every placeholder, for the stream restorer's hold-back decision. */
  readonly #prefixes = new Set<string>();
  #longest = 0;

  /** The placeholder for this value, created on first sight. */
  placeholderFor(kind: DetectorKind, value: string): string {
    const key = `${kind}\u0000${value}`;
    const existing = this.#placeholderByValue.get(key);
    if (existing !== undefined) return existing;
    let number = this.#lastNumber.get(kind) ?? 0;
    let placeholder: string;
    do {
      number += 1;
      placeholder = `[${placeholderLabels[kind]}_${number}]`;
    } while (this.#reserved.has(placeholder));
    this.#lastNumber.set(kind, number);
    this.#placeholderByValue.set(key, placeholder);
    this.#valueByPlaceholder.set(placeholder, value);
    for (let length = 1; length < placeholder.length; length += 1) this.#prefixes.add(placeholder.slice(0, length));
    this.#longest = Math.max(this.#longest, placeholder.length);
    return placeholder;
  }

  /**
   * Marks placeholder-shaped text present in the input (a user who typed `[EMAIL_1]`) so no
   * value gets that placeholder: restoring it would otherwise turn the user's text into a value.
   */
  reserveLiterals(text: string): void {
    if (!text.includes('[')) return;
    for (const match of text.matchAll(PLACEHOLDER)) {
      if (!this.#valueByPlaceholder.has(match[0])) this.#reserved.add(match[0]);
    }
  }

  /** The original value of a placeholder this state created; undefined for any other text. */
  valueOf(placeholder: string): string | undefined {
    return this.#valueByPlaceholder.get(placeholder);
  }

  /** True when `text` is the beginning, but not the whole, of a placeholder this state created. */
  isPlaceholderPrefix(text: string): boolean {
    return this.#prefixes.has(text);
  }

  /** The length of the longest placeholder created so far (0 when none). */
  get longestPlaceholder(): number {
    return this.#longest;
  }

  /** Placeholder -> original value, in creation order. */
  entries(): IterableIterator<[string, string]> {
    return this.#valueByPlaceholder.entries();
  }

  get size(): number {
    return this.#valueByPlaceholder.size;
  }
}
