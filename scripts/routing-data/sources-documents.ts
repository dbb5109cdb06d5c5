import type { Source } from './source.ts';

// Cheap-label sources for looking a fact up in a long business document: a contract (CUAD) or an
// annual-report table with its notes (TAT-QA). Annotated answers only decide which questions are
// asked; they never reach a prompt. Extractors: extract-documents.ts.

export const documentSources: readonly Source[] = [
  {
    id: 'cuad',
    label: 'cheap',
    repo: 'maastrichtlawtech/law3027-advanced-legal-analytics',
    commit: '77c8f5a3cc2e6e5e3793b43f84a3bc097a414f9e',
    paths: ['data/CUAD_v1/master_clauses.csv', 'data/CUAD_v1/full_contract_txt/'],
    licence: 'CC-BY-4.0',
    licenceFile:
      'data/CUAD_v1/CUAD_v1_README.txt ("CUAD is licensed under the Creative Commons Attribution 4.0 (CC BY 4.0) license and free to the public for commercial and non-commercial use."); the repository\'s own LICENSE (GPL-3.0) covers its course code',
    selection:
      'CUAD v1 (510 EDGAR commercial contracts, a copy in a course repository): each master_clauses.csv row whose Filename with .pdf -> .txt names a full_contract_txt file exactly (498; 12 mangled names skipped), one candidate per field among Governing Law, Agreement Date, Effective Date, Expiration Date, Parties, Document Name, Renewal Term and Notice Period To Terminate Renewal with a non-empty answer: the contract text (over 28,000 characters: its first seeded 6,000-28,000 characters, cut back to a paragraph break, and kept only when an annotated clause for the field lies inside that prefix) with a seeded lookup question for the field (four or five phrasings each), before or after the text in six seeded framings. Answers and clause annotations are never shown. Group = contract',
    cap: 500,
    groupCap: 2,
  },
  {
    id: 'tatqa',
    label: 'cheap',
    repo: 'NExTplusplus/TAT-QA',
    commit: '870accc41953dcde885aabeb963d94aabdc0fbc3',
    paths: ['dataset_raw/tatqa_dataset_dev.json', 'dataset_raw/tatqa_dataset_test_gold.json'],
    licence: 'CC-BY-4.0',
    licenceFile:
      'README.md ("The TAT-QA dataset is under the license of Creative Commons (CC BY) Attribution 4.0 International"); LICENSE (MIT) covers the code',
    selection:
      'TAT-QA dev and gold test (555 table-plus-paragraphs excerpts of annual reports): questions with answer_type "span" only (1,415; arithmetic, count and multi-span left out), each as the table (seeded markdown or tab-separated, empty rows dropped), then the paragraphs in order, then the question, in six seeded framings; answers, derivations and scales are never shown. Group = table uid',
    cap: 400,
    groupCap: 2,
  },
];
