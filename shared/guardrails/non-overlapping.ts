import type { Span } from './detectors/span.ts';

/**
 * Keeps a non-overlapping subset of spans, sorted by start. One sweep (after sorting by start)
 * splits the spans into clusters of mutually reachable overlaps; inside a cluster the spans are
 * taken best-first by `compare` and kept when they overlap nothing kept already. Clusters hold a
 * handful of spans in practice, so 100k detections in a 1 MB prompt stay O(n log n).
 * Empty spans are dropped.
 */
export const selectNonOverlapping = <T extends Span>(spans: readonly T[], compare: (a: T, b: T) => number): T[] => {
  // Detectors return sorted spans, and usually the merge of them is already clean: one linear
  // check then spares sorting 100k detections.
  if (isSortedAndDisjoint(spans)) return [...spans];
  const sorted = spans.filter((span) => span.end > span.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: T[] = [];
  let cluster: T[] = [];
  let clusterEnd = -1;
  for (const span of sorted) {
    if (span.start >= clusterEnd) {
      settleCluster(cluster, compare, kept);
      cluster = [span];
      clusterEnd = span.end;
    } else {
      cluster.push(span);
      clusterEnd = Math.max(clusterEnd, span.end);
    }
  }
  settleCluster(cluster, compare, kept);
  return kept;
};

const isSortedAndDisjoint = (spans: readonly Span[]): boolean => {
  let previousEnd = 0;
  for (const span of spans) {
    if (span.start < previousEnd || span.end <= span.start) return false;
    previousEnd = span.end;
  }
  return true;
};

const settleCluster = <T extends Span>(cluster: T[], compare: (a: T, b: T) => number, kept: T[]): void => {
  const [only] = cluster;
  if (only === undefined) return;
  if (cluster.length === 1) {
    kept.push(only);
    return;
  }
  // `chosen` stays sorted by start, so one binary search finds the only neighbours that can overlap.
  const chosen: T[] = [];
  for (const candidate of [...cluster].sort(compare)) {
    const index = firstStartingAtOrAfter(chosen, candidate.start);
    const before = chosen[index - 1];
    const after = chosen[index];
    if (before !== undefined && before.end > candidate.start) continue;
    if (after !== undefined && after.start < candidate.end) continue;
    chosen.splice(index, 0, candidate);
  }
  kept.push(...chosen);
};

const firstStartingAtOrAfter = (spans: readonly Span[], start: number): number => {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const span = spans[middle];
    if (span !== undefined && span.start < start) low = middle + 1;
    else high = middle;
  }
  return low;
};

/** The longer span wins; between equals, the earlier one. */
export const longerFirst = (a: Span, b: Span): number => b.end - b.start - (a.end - a.start) || a.start - b.start;
