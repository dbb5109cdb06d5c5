import type { Source } from './source.ts';

// Multiple-choice exam questions in English. Strong: college and professional level (law, medicine,
// accounting, psychology, sciences), the English originals of the items JMMLU translates, plus
// professional law; without them the only English professional questions were ExpertQA's, and a
// long legal or clinical vignette read like the cheap reading-comprehension rows. MMLU and JMMLU
// are one family in every held-out evaluation. Cheap: grade-school science (ARC-Easy),
// so that "a question with four options" is not itself a sign of the strong tier. All use the same
// layouts. Extractor: extract-exams.ts.

/** JMMLU subjects at college, professional or formal level (the high-school and general ones left out). */
export const jmmluSubjects = [
  'abstract_algebra',
  'college_biology',
  'college_chemistry',
  'college_computer_science',
  'college_mathematics',
  'college_medicine',
  'college_physics',
  'formal_logic',
  'professional_accounting',
  'professional_medicine',
  'professional_psychology',
];

/** Every MMLU subject named college_* or professional_*: JMMLU's, plus professional law (JMMLU has none). */
const mmluSubjects = [...jmmluSubjects, 'professional_law'].sort();

export const examSources: readonly Source[] = [
  {
    id: 'mmlu-en',
    label: 'strong',
    repo: 'Matt-Harvill/assignment5-alignment',
    commit: 'adf5dfef09e0d573e4ee9c6a66b19f8669826a8e',
    paths: mmluSubjects.map((subject) => `data/mmlu/test/${subject}_test.csv`),
    licence: 'MIT',
    licenceFile:
      "hendrycks/test@4450500f923c:LICENSE (MIT, the MMLU authors); the files are a copy of MMLU's test CSVs in a course repository (its data/gsm8k is never read)",
    selection:
      'MMLU (English) test questions of every subject named college_* or professional_* (law, medicine, accounting, psychology, the sciences) plus abstract algebra and formal logic; question + four options in the seeded layouts CommonsenseQA uses, no answer. Group = subject. JMMLU translates the same items (all subjects but professional law), so the two are one family when held out',
    cap: 900,
    groupCap: 90,
  },
  {
    id: 'arc-easy',
    label: 'cheap',
    repo: 'mosaicml/llm-foundry',
    commit: '8c8dd48f72168c5d51e2f7b151595892a8fba43d',
    paths: ['scripts/eval/local_data/world_knowledge/arc_easy.jsonl'],
    licence: 'CC-BY-SA-4.0',
    licenceFile:
      'allenai/ai2_arc dataset card (license: cc-by-sa-4.0, ARC by Clark et al.); the 2,376 ARC-Easy test questions are carried in mosaicml/llm-foundry (Apache-2.0, LICENSE)',
    selection:
      'ARC-Easy test questions (grade 3-9 science exams, the Easy set only: ARC-Challenge is never read); question + options in the seeded layouts CommonsenseQA uses, no answer',
    cap: 300,
  },
];
