import type { Source } from './source.ts';

// Cheap-label sources for everyday text chores (v5): summarise part of a transcript, simplify a text,
// split a sentence, clean up a spoken question, translate a few news sentences. The reference output
// of a prompt never appears in it (NTREX's human translations are used as the text to translate into
// English, never beside their English source). Extractors: extract-text-tasks.ts.

/** NTREX-128 reference files used (15 widely used languages; file code as in the repository). */
const ntrexCodes = ['arb', 'deu', 'fra', 'hin', 'ita', 'jpn', 'kor', 'nld', 'pol', 'por', 'rus', 'spa', 'tur', 'vie', 'zho-CN'];

export const textTaskSources: readonly Source[] = [
  {
    id: 'qmsum',
    label: 'cheap',
    repo: 'Yale-LILY/QMSum',
    commit: '83d7768c1f2b4dfeb091385d3dc7e239b8e5bb7e',
    paths: ['data/ALL/train/', 'data/ALL/val/', 'data/ALL/test/'],
    licence: 'MIT',
    licenceFile: 'LICENSE',
    selection:
      'QMSum (232 AMI, ICSI and Canadian/Welsh parliament meetings), every general and specific query: a specific query with the transcript turns its relevant_text_span cites, widened to a seeded 0.6-2.5 KB minimum plus 0-6 turns each side (spans over 16,000 characters left out); a general query with a seeded 2-12 KB window of the meeting; "speaker: text" lines, annotation markers ({disfmarker}, {vocalsound}...) removed and tokenisation undone, in six seeded phrasings; no reference answers',
    cap: 500,
    groupCap: 3,
  },
  {
    id: 'crd3',
    label: 'cheap',
    repo: 'RevanthRameshkumar/CRD3',
    commit: '7fd4515eea411f0f9c5d0a03a8b6b8b2da464e81',
    paths: ['data/aligned data/c=2/'],
    pathPattern: '_2_0\\.json$',
    licence: 'CC-BY-SA-4.0',
    licenceFile:
      'LICENSE (Attribution-ShareAlike 4.0 International); README.md ("This work is licensed under a Creative Commons Attribution-ShareAlike 4.0 International License")',
    selection:
      'CRD3 (Critical Role D&D transcripts, 140 episodes), aligned chunks of size 2, offset 0 files only: the dialogue turns of each chunk as "NAME: utterance" lines (chunks of 3+ turns, 300-12,000 characters, not overlapping the previous chunk kept), with one of five seeded "summarise in one or two sentences" phrasings; the wiki summary chunk is never used',
    cap: 400,
    groupCap: 3,
  },
  {
    id: 'onestop-english',
    label: 'cheap',
    repo: 'nishkalavallabhi/OneStopEnglishCorpus',
    commit: '37f8db3945cd2f3cc0caafe45674147b224349be',
    paths: ['Texts-SeparatedByReadingLevel/Adv-Txt/', 'Sentence-Aligned/ADV-ELE.txt'],
    pathPattern: '(-adv|ADV-ELE)\\.txt$',
    licence: 'CC-BY-SA-4.0',
    licenceFile:
      'LICENSE.markdown (Attribution-ShareAlike 4.0 International); README.md ("This work is licensed under a Creative Commons Attribution-ShareAlike 4.0 International License")',
    selection:
      'OneStopEnglish advanced-level texts (190 Guardian articles adapted by Macmillan): each whole article and one seeded 2-5 paragraph window, in five seeded "rewrite in simpler English for learners" phrasings; plus a seeded 20 % of the ADV-ELE aligned pairs whose advanced sentence is 80+ characters and differs from the elementary one, the advanced sentence only, in five "simplify this sentence" phrasings. Group = article (sentences matched to their article); the intermediate and elementary versions are never shown',
    cap: 450,
    groupCap: 4,
  },
  {
    id: 'wikisplit',
    label: 'cheap',
    repo: 'google-research-datasets/wiki-split',
    commit: '80f5bddf42d1a68201b7b107ee4b8d86d82e9fde',
    paths: ['tune.tsv', 'validation.tsv', 'test.tsv'],
    licence: 'CC-BY-SA-4.0',
    licenceFile: 'README.md ("The dataset is therefore licensed under CC BY-SA 4.0")',
    selection:
      'WikiSplit tune, validation and test (5,000 each): the complex sentence only (first column; the reference split is never read into a prompt), detokenised, kept when it reads as a whole sentence (capital or digit first, final . ! or ?, balanced quotes and brackets, 80-600 characters), in five seeded "split this into two sentences" phrasings',
    cap: 400,
  },
  {
    id: 'disfl-qa',
    label: 'cheap',
    repo: 'google-research-datasets/Disfl-QA',
    commit: '1f0c16171c77b3d3408be92c485f11b8998a9189',
    paths: ['train.json', 'dev.json', 'test.json'],
    licence: 'CC-BY-4.0',
    licenceFile: 'README.md ("Disfl-QA dataset is licensed under CC BY 4.0")',
    selection:
      'Disfl-QA (SQuAD 2.0 questions rewritten with human-written false starts and self-corrections), all splits: the disfluent question, bare (a third of rows) or in four seeded "clean this up / what is being asked" phrasings; the fluent original is never shown; rows whose disfluent form equals the original left out',
    cap: 400,
  },
  {
    id: 'ntrex',
    label: 'cheap',
    repo: 'MicrosoftTranslator/NTREX',
    commit: '8561f6a622db9edad1217683e5c83daefd8bb2bf',
    paths: [
      'DOCUMENT_IDS.tsv',
      'NTREX-128/newstest2019-src.eng.txt',
      ...ntrexCodes.map((code) => `NTREX-128/newstest2019-ref.${code}.txt`),
    ],
    licence: 'CC-BY-SA-4.0',
    licenceFile:
      'LICENSE.md (Attribution-ShareAlike 4.0 International); README.md ("The NTREX-128 data set is released under the CC BY-SA 4.0 license")',
    selection:
      'NTREX-128 (WMT19 news test, 1,997 English lines, 123 documents): seeded windows of 1-4 consecutive lines inside one document, each window once, either the English source with "translate into <language>" (seeded language of 15) or the same lines of that language\'s human reference with "translate into English" (English or native phrasing); the parallel reference is never shown. Group = language',
    cap: 500,
    groupCap: 40,
  },
];
