import { type PiiKind, piiKinds } from '../config/guardrails-schema.ts';
import { find as findEmails } from './detectors/email.ts';
import { find as findIbans } from './detectors/iban.ts';
import { find as findIpAddresses } from './detectors/ip-address.ts';
import { find as findNationalIds } from './detectors/national-id.ts';
import { find as findPaymentCards } from './detectors/payment-card.ts';
import { find as findPhones } from './detectors/phone.ts';
import { find as findSecrets } from './detectors/secret.ts';
import type { Span } from './detectors/span.ts';
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

/** Runs the requested detectors; the result is sorted by start and has no overlaps. */
export const detect = (text: string, kinds: readonly DetectorKind[]): Detection[] => {
  let detections: Detection[] = [];
  for (const kind of detectorKinds) {
    if (!kinds.includes(kind)) continue;
    const found = finders[kind](text).map(({ start, end }): Detection => ({ kind, start, end }));
    if (found.length > 0) detections = detections.length === 0 ? found : mergeByStart(detections, found);
  }
  return selectNonOverlapping(detections, preferred);
};

/** Merges two lists sorted by start, linearly, so the result is usually already in order. */
const mergeByStart = (left: readonly Detection[], right: readonly Detection[]): Detection[] => {
  const merged: Detection[] = [];
  let l = 0;
  let r = 0;
  while (l < left.length || r < right.length) {
    const a = left[l];
    const b = right[r];
    if (b === undefined || (a !== undefined && a.start <= b.start)) {
      if (a !== undefined) merged.push(a);
      l += 1;
    } else {
      merged.push(b);
      r += 1;
    }
  }
  return merged;
};
