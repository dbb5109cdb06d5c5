import { type PiiKind, piiKinds } from '../config/guardrails-schema.ts';
import { find as findEmails } from './detectors/email.ts';
import { find as findIbans } from './detectors/iban.ts';
import { find as findIpAddresses } from './detectors/ip-address.ts';
import { find as findNationalIds } from './detectors/national-id.ts';
import { find as findPaymentCards } from './detectors/payment-card.ts';
import { find as findPhones } from './detectors/phone.ts';
import { find as findSecrets, secretContinuation } from './detectors/secret.ts';
import type { Span } from './detectors/span.ts';
import { foldForMatching, originalSpan } from './fold.ts';
import { selectNonOverlapping } from './non-overlapping.ts';

/** The config's kinds, in priority order: when two detections of equal length overlap, the earlier kind wins. */
export const detectorKinds = piiKinds;

export type DetectorKind = PiiKind;

/** Offsets into the scanned text; the matched text itself is never copied anywhere. */
export interface Detection {
  kind: DetectorKind;
  start: number;
  end: number;
}

const finders: Readonly<Record<DetectorKind, (text: string) => Span[]>> = {
  email: findEmails,
  phone: findPhones,
  payment_card: findPaymentCards,
  iban: findIbans,
  national_id: findNationalIds,
  ip_address: findIpAddresses,
  secret: findSecrets,
};

const kindRank = (kind: DetectorKind): number => detectorKinds.indexOf(kind);

/** The longer detection wins an overlap; between equals, the kind listed first in `detectorKinds`. */
const preferred = (a: Detection, b: Detection): number =>
  b.end - b.start - (a.end - a.start) || kindRank(a.kind) - kindRank(b.kind) || a.start - b.start;

/**
 * Runs the requested detectors on the text and on its folded copy (fold.ts: fullwidth forms,
 * look-alike letters, invisible characters, separators inside numbers), reporting what the copy
 * reveals at its place in the original. The result is sorted by start and has no overlaps.
 */
export const detect = (text: string, kinds: readonly DetectorKind[]): Detection[] => {
  if (kinds.length === 0) return [];
  const detections = detectIn(text, kinds);
  const folded = foldForMatching(text);
  if (folded === undefined) return selectNonOverlapping(detections, preferred);
  const revealed = detectIn(folded.text, kinds).map(
    ({ kind, start, end }): Detection => ({ kind, ...originalSpan(folded, start, end) }),
  );
  return selectNonOverlapping(mergeByStart(detections, revealed), preferred);
};

// Only secrets (PEM blocks, keys and tokens) have no length limit; every other kind is a few
// hundred characters at most, and the token pattern covers them should one ever be cut.
const TOKEN = /[A-Za-z0-9._~+/=-]*/y;

/**
 * How a detection of `kind` whose text starts with `head` can go on past the text seen so far: a
 * sticky pattern matched at the start of what comes next. For streams that cannot wait for the end
 * of a long value (output-guard.ts) and mask it as it arrives.
 */
export const continuationOf = (kind: DetectorKind, head: string): RegExp =>
  kind === 'secret' ? secretContinuation(head) : new RegExp(TOKEN);

const detectIn = (text: string, kinds: readonly DetectorKind[]): Detection[] => {
  let detections: Detection[] = [];
  for (const kind of detectorKinds) {
    if (!kinds.includes(kind)) continue;
    const found = finders[kind](text).map(({ start, end }): Detection => ({ kind, start, end }));
    if (found.length > 0) detections = detections.length === 0 ? found : mergeByStart(detections, found);
  }
  return detections;
};

/**
 * Merges two lists sorted by start, linearly, so the result is usually already in order. A
 * detection found in both the text and its folded copy is kept once.
 */
const mergeByStart = (left: readonly Detection[], right: readonly Detection[]): Detection[] => {
  const merged: Detection[] = [];
  let l = 0;
  let r = 0;
  while (l < left.length || r < right.length) {
    const a = left[l];
    const b = right[r];
    if (a !== undefined && b !== undefined && a.start === b.start && a.end === b.end && a.kind === b.kind) {
      merged.push(a);
      l += 1;
      r += 1;
    } else if (b === undefined || (a !== undefined && a.start <= b.start)) {
      if (a !== undefined) merged.push(a);
      l += 1;
    } else {
      merged.push(b);
      r += 1;
    }
  }
  return merged;
};
