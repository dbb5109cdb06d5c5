// What a corpus source declares: its dataset, the pinned commit, its licence and how rows are chosen.

export type Label = 'strong' | 'cheap';

export interface Source {
  /** Also the output file name: `<out>/<id>.jsonl`. */
  id: string;
  label: Label;
  /** GitHub owner/name. */
  repo: string;
  /** The commit every file is read at (40 hex). */
  commit: string;
  /** Files, or folders ending in '/', read at `commit`. */
  paths: readonly string[];
  /** When set, a listed file is used only if its path matches this regular expression. */
  pathPattern?: string;
  /** SPDX expression of the data's licence. */
  licence: string;
  /** Where, at `commit`, that licence is stated (`other/repo:path` when stated upstream). */
  licenceFile: string;
  /** How rows are selected and labelled. */
  selection: string;
  /** At most this many rows from the source. */
  cap: number;
  /** At most this many rows from one group (task, language, story, category...). */
  groupCap?: number;
}
