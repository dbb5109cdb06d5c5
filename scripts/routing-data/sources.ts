// The sources of the routing corpus: which public dataset, at which commit, under which licence,
// and how rows are chosen. A row's label is its source's label, never a judgement about the row.
// Every licence below was read from the named file at the pinned commit.

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

const bbhTasks = [
  'causal_judgement',
  'disambiguation_qa',
  'dyck_languages',
  'formal_fallacies',
  'geometric_shapes',
  'logical_deduction_five_objects',
  'logical_deduction_seven_objects',
  'movie_recommendation',
  'multistep_arithmetic_two',
  'ruin_names',
  'salient_translation_error_detection',
  'tracking_shuffled_objects_five_objects',
  'tracking_shuffled_objects_seven_objects',
  'word_sorting',
];

const xquadLanguages = ['ar', 'de', 'el', 'en', 'es', 'hi', 'ro', 'ru', 'th', 'tr', 'vi', 'zh'];

const polymathLanguages = [
  'ar',
  'bn',
  'de',
  'en',
  'es',
  'fr',
  'id',
  'it',
  'ja',
  'ko',
  'ms',
  'pt',
  'ru',
  'sw',
  'te',
  'th',
  'vi',
  'zh',
];

/** JMMLU subjects at college, professional or formal level (the high-school and general ones left out). */
const jmmluSubjects = [
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

const sgdTrainFiles = Array.from({ length: 30 }, (_, i) => `train/dialogues_${String(i + 1).padStart(3, '0')}.json`);

export const sources: readonly Source[] = [
  // ---- strong ----
  {
    id: 'math-l45',
    label: 'strong',
    repo: 'aiwaves-cn/agents',
    commit: 'e8c4e3c2d19739d3dff59e577d1c97090cc15f59',
    paths: ['src/agents/datasets/data/math/train/'],
    pathPattern: '\\.json$',
    licence: 'MIT',
    licenceFile:
      'hendrycks/math:LICENSE (MIT, the MATH dataset); carried unmodified in aiwaves-cn/agents (Apache-2.0, LICENSE), see its data/math/README.txt',
    selection:
      'MATH (Hendrycks et al.) TRAIN split only, problems with level "Level 4" or "Level 5", all 7 subjects; problem text only',
    cap: 2000,
  },
  {
    id: 'bbh-hard',
    label: 'strong',
    repo: 'suzgunmirac/BIG-Bench-Hard',
    commit: '9ee07bd481feebf959a6b59d61ea57bdcf30964d',
    paths: bbhTasks.map((task) => `bbh/${task}.json`),
    licence: 'MIT',
    licenceFile: 'LICENSE',
    selection:
      'BIG-Bench Hard, the 14 tasks where CoT models scored lowest (easy ones like sports/navigate/web_of_lies left out); task input only, no exemplars',
    cap: 2000,
    groupCap: 150,
  },
  {
    id: 'bbeh',
    label: 'strong',
    repo: 'google-deepmind/bbeh',
    commit: '80d12ca916b7158f22293fcf3144f4d3d854d4be',
    paths: ['bbeh/benchmark_tasks/'],
    pathPattern: '/task\\.json$',
    licence: 'CC-BY-4.0',
    licenceFile: 'README.md ("All other materials are licensed under ... CC-BY"; code Apache-2.0, LICENSE)',
    selection: 'BIG-Bench Extra Hard, all 23 tasks; task input only',
    cap: 1800,
    groupCap: 90,
  },
  {
    id: 'theoremqa',
    label: 'strong',
    repo: 'wenhuchen/TheoremQA',
    commit: '585c960f647b3cae8b37ff71fd9dac45ce4b4e91',
    paths: ['theoremqa_test.json'],
    licence: 'MIT',
    licenceFile: 'LICENSE',
    selection: 'TheoremQA, every question without a picture; question text only',
    cap: 2000,
  },
  {
    id: 'agieval-lsat',
    label: 'strong',
    repo: 'ruixiangcui/AGIEval',
    commit: '5c77d073fda993f1652eaae3cf5d04cc5fd21d40',
    paths: ['data/v1/lsat-ar.jsonl', 'data/v1/lsat-lr.jsonl', 'data/v1/lsat-rc.jsonl'],
    licence: 'MIT',
    licenceFile: 'data/v1/LICENSE (LSAT section: MIT, from zhongwanjun/AR-LSAT)',
    selection: 'AGIEval LSAT analytical reasoning, logical reasoning and reading comprehension; passage + question + options',
    cap: 2000,
  },
  {
    id: 'agieval-math',
    label: 'strong',
    repo: 'ruixiangcui/AGIEval',
    commit: '5c77d073fda993f1652eaae3cf5d04cc5fd21d40',
    paths: ['data/v1/aqua-rat.jsonl', 'data/v1/gaokao-mathqa.jsonl', 'data/v1/gaokao-mathcloze.jsonl'],
    licence: 'MIT AND Apache-2.0',
    licenceFile: 'data/v1/LICENSE (Gaokao: MIT; AQuA-RAT: Apache-2.0)',
    selection: 'AGIEval AQuA-RAT (GMAT/GRE algebra) and Gaokao maths (Chinese, MCQ and cloze); question + options',
    cap: 2000,
  },
  {
    id: 'scibench',
    label: 'strong',
    repo: 'mandyyyyii/scibench',
    commit: 'e14e0ca3d3db0f02928a18d435b9c3d15656a7c5',
    paths: ['dataset/original/'],
    pathPattern: '^dataset/original/[a-z]+\\.json$',
    licence: 'MIT',
    licenceFile: 'LICENSE',
    selection:
      'SciBench college textbook problems (physics, chemistry, maths), all 10 text-only sets; problem + unit of the answer',
    cap: 2000,
  },
  {
    id: 'codejam',
    label: 'strong',
    repo: 'google/coding-competitions-archive',
    commit: '87385db7dbd81b281225412b8ad496334536d016',
    paths: ['codejam/'],
    pathPattern: '^codejam/\\d{4}/(?!qualification_round/)[^/]+/[^/]+/problem_statement/problem\\.html$',
    licence: 'Apache-2.0',
    licenceFile: 'LICENSE',
    selection:
      'Google Code Jam statements from Round 1A/1B/1C, 2, 3, semifinals and finals (qualification rounds left out); HTML to plain text',
    cap: 2000,
  },
  {
    id: 'leetcode-hard',
    label: 'strong',
    repo: 'doocs/leetcode',
    commit: 'b6ee4f59f28bcf325b7ec535d0a0e12b409e70f4',
    paths: ['solution/', 'lcci/'],
    pathPattern: '/README_EN\\.md$',
    licence: 'CC-BY-SA-4.0',
    licenceFile: 'LICENSE and README_EN.md (License section)',
    selection:
      'LeetCode problems whose front matter says "difficulty: Hard" (algorithms, database, concurrency...; lcci included); English statement HTML to plain text, no solutions',
    cap: 2000,
  },
  // ---- strong, added for register coverage (short expert questions, proofs, system design, Chinese science) ----
  {
    id: 'expertqa',
    label: 'strong',
    repo: 'chaitanyamalaviya/ExpertQA',
    commit: '1aa7ba81bd4c083c12ef1aa2fee338f6cb60fa87',
    paths: ['data/r1_data_anon.jsonl'],
    licence: 'MIT',
    licenceFile: 'LICENSE',
    selection:
      'ExpertQA stage-1 questions (2,507) written by practising experts (34 field labels) about their own work; question only, no answers',
    cap: 800,
    groupCap: 40,
  },
  {
    id: 'proofnet',
    label: 'strong',
    repo: 'zhangir-azerbayev/ProofNet',
    commit: '509ad79710ed4f46ff5c282ed5640c1aa9ac3f30',
    paths: ['benchmark/valid.jsonl', 'benchmark/test.jsonl'],
    licence: 'MIT',
    licenceFile: 'LICENSE',
    selection:
      'ProofNet (371 undergraduate pure-maths theorems from Rudin, Munkres, Artin, Putnam...): the natural-language statement only, no proof or Lean code',
    cap: 800,
  },
  {
    id: 'system-design',
    label: 'strong',
    repo: 'donnemartin/system-design-primer',
    commit: 'ae9bbd7b02d90b9866215de185217d33f39ab733',
    paths: ['README.md', 'README-ja.md', 'README-zh-Hans.md', 'README-zh-TW.md'],
    licence: 'CC-BY-4.0',
    licenceFile: 'README.md (License section: "Creative Commons Attribution 4.0 International License (CC BY 4.0)")',
    selection:
      'System Design Primer interview questions (system design, object-oriented design, additional questions tables) in English, Japanese and Chinese; the question cell only',
    cap: 800,
  },
  {
    id: 'agieval-gaokao-sci',
    label: 'strong',
    repo: 'ruixiangcui/AGIEval',
    commit: '5c77d073fda993f1652eaae3cf5d04cc5fd21d40',
    paths: ['data/v1/gaokao-physics.jsonl', 'data/v1/gaokao-chemistry.jsonl'],
    licence: 'MIT',
    licenceFile: 'data/v1/LICENSE (Gaokao: MIT)',
    selection:
      'AGIEval Gaokao physics and chemistry (Chinese college entrance exam MCQs, quantitative, multi-step); question + options',
    cap: 800,
  },
  // ---- cheap ----
  {
    id: 'xquad',
    label: 'cheap',
    repo: 'google-deepmind/xquad',
    commit: '7d30520c717524000f0d9d2f9c10a069acd9d285',
    paths: xquadLanguages.map((lang) => `xquad.${lang}.json`),
    licence: 'CC-BY-SA-4.0',
    licenceFile: 'README.md (License section) and CC-BY-SA4.0.txt',
    selection:
      'XQuAD extractive QA, 12 languages: the question with its Wikipedia paragraph, half the time widened to a seeded 1.5-8 KB stretch of the article',
    cap: 1500,
    groupCap: 167,
  },
  {
    id: 'sgd-dialogues',
    label: 'cheap',
    repo: 'google-research-datasets/dstc8-schema-guided-dialogue',
    commit: 'e852981ae34990f4358979625854259302feaa78',
    paths: sgdTrainFiles,
    licence: 'CC-BY-SA-4.0',
    licenceFile: 'README.md (License section) and LICENSE.txt',
    selection:
      'Schema-Guided Dialogue train dialogues 001-030 (task-oriented booking/search chats); multi-turn, cut after a seeded user turn',
    cap: 1200,
    groupCap: 150,
  },
  {
    id: 'nq-open',
    label: 'cheap',
    repo: 'google-research-datasets/natural-questions',
    commit: 'fb26a3073b1fe636c97302890a27b491d6530130',
    paths: ['nq_open/NQ-open.dev.jsonl'],
    licence: 'CC-BY-SA-3.0',
    licenceFile: 'nq_open/README.md ("All of the Natural Questions data is released under the CC BY-SA 3.0 license")',
    selection: 'NQ-open dev questions (real Google search queries with short factual answers); question only',
    cap: 450,
  },
  {
    id: 'opentriviaqa',
    label: 'cheap',
    repo: 'uberspot/OpenTriviaQA',
    commit: 'dd31530bfbb19f9505b160b89c9df4b1127e3c70',
    paths: ['categories/'],
    pathPattern: '^categories/(?!(?:brain-teasers|newest|rated)$)[a-z-]+$',
    licence: 'CC-BY-SA-4.0',
    licenceFile: 'README.md (License section) and LICENSE',
    selection:
      'OpenTriviaQA multiple-choice trivia, topical categories (brain-teasers and the newest/rated mixes left out); question + seeded option layout',
    cap: 450,
    groupCap: 100,
  },
  {
    id: 'scitldr',
    label: 'cheap',
    repo: 'allenai/scitldr',
    commit: '5ccad9c00a60ad75c9e04abf7f27d0f53f983b20',
    paths: ['SciTLDR-Data/SciTLDR-A/train.jsonl', 'SciTLDR-Data/SciTLDR-A/dev.jsonl'],
    licence: 'Apache-2.0',
    licenceFile: 'LICENSE',
    selection: 'SciTLDR-A train+dev abstracts with a seeded one-sentence-summary request (summarisation of a provided text)',
    cap: 1200,
  },
  {
    id: 'fairytaleqa',
    label: 'cheap',
    repo: 'uci-soe/FairytaleQAData',
    commit: 'a24ddc17364666b7c13a425b9970c87368b03417',
    paths: ['data-by-train-split/questions/train/', 'data-by-train-split/section-stories/train/'],
    pathPattern: '\\.csv$',
    licence: 'Apache-2.0',
    licenceFile: 'LICENSE',
    selection:
      'FairytaleQA train split (K-8 narrative comprehension): the cited story sections widened to a seeded 0.8-9 KB window, + question',
    cap: 1500,
    groupCap: 10,
  },
  {
    id: 'gsm8k-train',
    label: 'cheap',
    repo: 'openai/grade-school-math',
    commit: '3101c7d5072418e28b9008a6636bde82a006892c',
    paths: ['grade_school_math/data/train.jsonl'],
    licence: 'MIT',
    licenceFile: 'LICENSE',
    selection: 'GSM8K TRAIN split only (the test split is never read); grade-school word problem text only',
    cap: 700,
  },
  {
    id: 'leetcode-easy',
    label: 'cheap',
    repo: 'doocs/leetcode',
    commit: 'b6ee4f59f28bcf325b7ec535d0a0e12b409e70f4',
    paths: ['solution/', 'lcci/'],
    pathPattern: '/README_EN\\.md$',
    licence: 'CC-BY-SA-4.0',
    licenceFile: 'LICENSE and README_EN.md (License section)',
    selection:
      'LeetCode problems whose front matter says "difficulty: Easy" (same repo, rendering and phrasings as leetcode-hard; Medium left out); statement only',
    cap: 1000,
  },
  {
    id: 'mbpp',
    label: 'cheap',
    repo: 'deepseek-ai/DeepSeek-Coder',
    commit: '2f9fd85927c669dae3c0fbb2d607274023af243e',
    paths: ['Evaluation/MBPP/data/mbpp.jsonl'],
    licence: 'CC-BY-4.0',
    licenceFile:
      'google-research-datasets/mbpp dataset card (CC-BY-4.0, MBPP by Austin et al.); the unmodified 974-task mbpp.jsonl is carried in deepseek-ai/DeepSeek-Coder (MIT, LICENSE-CODE)',
    selection:
      'MBPP (Mostly Basic Python Problems, "solvable by entry level programmers"), all 974 tasks: the task sentence, sometimes with its assert tests; no code',
    cap: 650,
  },
  {
    id: 'exercism-easy',
    label: 'cheap',
    repo: 'exercism/python',
    commit: '9eb657d4507d91efef99f484e7f2a1f4074911b5',
    paths: ['config.json', 'exercises/practice/'],
    pathPattern:
      '^(config\\.json|exercises/practice/[^/]+/(\\.docs/(introduction|instructions)\\.md|\\.meta/config\\.json|[a-z0-9_]+(?<!_test)\\.py))$',
    licence: 'MIT',
    licenceFile: 'LICENSE',
    selection:
      'Exercism Python practice exercises with "difficulty" <= 3 in the track config.json (deprecated ones left out): introduction + instructions, sometimes the stub file',
    cap: 2000,
  },
  {
    id: 'e2e-nlg',
    label: 'cheap',
    repo: 'tuetschek/e2e-dataset',
    commit: 'ab0d967dd5729ce455ef14ba9ffafc456a335264',
    paths: ['devset.csv', 'testset_w_refs.csv'],
    licence: 'CC-BY-SA-4.0',
    licenceFile: 'README.md (License section)',
    selection:
      'E2E NLG restaurant meaning representations (dev + test; trainset.csv is >= 4 MiB), each distinct MR once, with a seeded "write a description" request; no references',
    cap: 400,
  },
  {
    id: 'clinc150',
    label: 'cheap',
    repo: 'clinc/oos-eval',
    commit: '828f8093932c8fe6ca7936c3d2e52903b1c523de',
    paths: ['data/data_full.json'],
    licence: 'CC-BY-3.0',
    licenceFile: 'LICENSE',
    selection:
      'CLINC150 crowd-written requests to a virtual assistant (150 everyday intents + out-of-scope queries, all splits); the query alone',
    cap: 450,
    groupCap: 3,
  },
  {
    id: 'commongen',
    label: 'cheap',
    repo: 'INK-USC/CommonGen',
    commit: 'f8172da93e20a7fcbb71a7cdca2b81fa2e385a73',
    paths: ['dataset/final_data/commongen/commongen.train.src_alpha.txt'],
    licence: 'MIT',
    licenceFile: 'LICENSE (the dataset folder was deleted from the repo in 2021; read at the last commit that has it)',
    selection: 'CommonGen train concept sets (3-5 words), each once, with a seeded "write a sentence using these words" request',
    cap: 350,
  },
  {
    id: 'snli-nli',
    label: 'cheap',
    repo: 'OanaMariaCamburu/e-SNLI',
    commit: '7b585a3f077fdea899780eb0473940522ae44a2e',
    paths: ['dataset/eSNLI/'],
    pathPattern: '^dataset/eSNLI/(s1|s2|labels)\\.(dev|test)$',
    licence: 'MIT AND CC-BY-SA-4.0',
    licenceFile: 'LICENSE (e-SNLI, MIT); the sentence pairs are SNLI dev/test (CC BY-SA 4.0, Bowman et al.)',
    selection:
      'SNLI dev + test premise/hypothesis pairs (detokenised) in a seeded entailment question; no labels or explanations in the prompt',
    cap: 400,
    groupCap: 150,
  },
  // ---- cheap, added for register coverage (bare arithmetic, assistant commands, chit-chat, other languages) ----
  {
    id: 'simple-arithmetic',
    label: 'cheap',
    repo: 'mosaicml/llm-foundry',
    commit: '8c8dd48f72168c5d51e2f7b151595892a8fba43d',
    paths: ['scripts/eval/local_data/symbolic_problem_solving/simple_arithmetic_withspaces.jsonl'],
    licence: 'Apache-2.0',
    licenceFile: 'LICENSE (the set was "developed by MosaicML", scripts/eval/local_data/EVAL_GAUNTLET.md)',
    selection:
      'MosaicML simple arithmetic (1,000 expressions, up to 3 operations on numbers up to 3 digits): the expression in seeded bare/"What is"/"Calculate" phrasings; no answers',
    cap: 300,
  },
  {
    id: 'hwu64',
    label: 'cheap',
    repo: 'xliuhw/NLU-Evaluation-Data',
    commit: 'f6071b496b17d71e6eb43f543af0707f4ff30557',
    paths: ['CrossValidation/autoGeneFromRealAnno/autoGene_2018_03_22-13_01_25_169/CrossValidation/'],
    pathPattern: '/KFold_\\d+/testset/csv/[a-z_]+\\.csv$',
    licence: 'CC-BY-4.0',
    licenceFile: 'README.md (License section) and LICENSE',
    selection:
      'HWU64 home-assistant requests (64 intents incl. qa_maths, qa_factoid, general chit-chat), the 10 disjoint cross-validation test folds = every annotated utterance; as typed by the user',
    cap: 300,
    groupCap: 5,
  },
  {
    id: 'topical-chat',
    label: 'cheap',
    repo: 'alexa/Topical-Chat',
    commit: '7c939229cbcf6f55f6977b341a5a2f2fe982d53f',
    paths: [
      'conversations/valid_freq.json',
      'conversations/valid_rare.json',
      'conversations/test_freq.json',
      'conversations/test_rare.json',
    ],
    licence: 'CDLA-Sharing-1.0',
    licenceFile: 'DATALICENSE (README License section)',
    selection:
      'Topical-Chat open-domain chit-chat between two crowd workers (valid + test; train.json is >= 4 MiB); multi-turn, cut after a seeded agent_1 turn, biased to the opening greetings',
    cap: 300,
  },
  {
    id: 'svamp',
    label: 'cheap',
    repo: 'arkilpatel/SVAMP',
    commit: '689d7ccac74b9983a2ac7cc3b264f441b99e7c53',
    paths: ['SVAMP.json'],
    licence: 'MIT',
    licenceFile: 'LICENSE (README licence badge)',
    selection: 'SVAMP one- and two-step elementary arithmetic word problems (1,000); body + question, no equation or answer',
    cap: 120,
  },
  {
    id: 'cmath',
    label: 'cheap',
    repo: 'XiaoMi/cmath',
    commit: '9fa13ef0b2d03f5a18c1ace7001248d3981d65ea',
    paths: ['datasets/cmath_dev.jsonl'],
    licence: 'MIT',
    licenceFile: 'README_EN.md (License: MIT) and MIT-LICENSE',
    selection:
      "CMATH Chinese elementary-school word problems, the dataset's own grade field 1-4 (grades 5-6 left out); problem text only",
    cap: 120,
    groupCap: 30,
  },
  {
    id: 'xor-tydi',
    label: 'cheap',
    repo: 'mia-workshop/MIA-Shared-Task-2022',
    commit: 'ea2491a3e3a588e270b2dd30ce7e044584c3eeb5',
    paths: ['data/eval/mia_2022_dev_xorqa.jsonl'],
    licence: 'MIT',
    licenceFile: 'LICENSE (covers data/eval/); questions from XOR-TyDi QA, AkariAsai/XORQA:LICENSE (MIT)',
    selection:
      'XOR-TyDi QA dev questions written by native speakers (ar, bn, fi, ja, ko, ru, te): short information-seeking factual questions, question only',
    cap: 140,
    groupCap: 20,
  },
  {
    id: 'mkqa',
    label: 'cheap',
    repo: 'mia-workshop/MIA-Shared-Task-2022',
    commit: 'ea2491a3e3a588e270b2dd30ce7e044584c3eeb5',
    paths: ['data/eval/mkqa_dev.zip'],
    licence: 'CC-BY-SA-3.0',
    licenceFile:
      'apple/ml-mkqa:README.md (License: MKQA is CC BY-SA 3.0); carried in mia-workshop/MIA-Shared-Task-2022 (MIT, LICENSE)',
    selection:
      'MKQA dev (1,758 Natural Questions queries human-translated, parallel across languages): each query once, in one seeded language of ar, es, fi, ja, km, ko, ms, ru, sv, tr, zh_cn (English left out)',
    cap: 143,
    groupCap: 13,
  },
  {
    id: 'commonsense-qa',
    label: 'cheap',
    repo: 'mosaicml/llm-foundry',
    commit: '8c8dd48f72168c5d51e2f7b151595892a8fba43d',
    paths: ['scripts/eval/local_data/commonsense_reasoning/commonsense_qa.jsonl'],
    licence: 'MIT',
    licenceFile:
      'tau/commonsense_qa dataset card (license: mit, CommonsenseQA by Talmor et al.); the 1,221 validation questions are carried in mosaicml/llm-foundry (Apache-2.0, LICENSE)',
    selection:
      'CommonsenseQA validation questions (llm-foundry keeps 4 of the 5 options); question + options in seeded layouts, no answer',
    cap: 120,
  },
  {
    id: 'piqa',
    label: 'cheap',
    repo: 'mosaicml/llm-foundry',
    commit: '8c8dd48f72168c5d51e2f7b151595892a8fba43d',
    paths: ['scripts/eval/local_data/commonsense_reasoning/piqa.jsonl'],
    licence: 'AFL-3.0',
    licenceFile:
      'ybisk/piqa dataset card ("PIQA is licensed under the Academic Free License (AFL), version 3.0"); the 1,838 validation items are carried in mosaicml/llm-foundry (Apache-2.0, LICENSE)',
    selection: 'PIQA validation goals with their two candidate solutions in seeded "which is better" phrasings, no answer',
    cap: 100,
  },
  // ---- v5: strong rows in engineering registers and in languages other than English ----
  {
    id: 'spider2-lite',
    label: 'strong',
    repo: 'xlang-ai/Spider2',
    commit: 'e12c5f1e6550a5df88995520c3bf00bbe7bad2d2',
    paths: ['spider2-lite/spider2-lite.jsonl'],
    licence: 'MIT',
    licenceFile: 'LICENSE',
    selection:
      'Spider 2.0-lite, all 547 enterprise text-to-SQL tasks (BigQuery, Snowflake, SQLite warehouses; the benchmark as a whole is the label); the question in seeded phrasings naming the dialect and database, no schema',
    cap: 547,
  },
  {
    id: 'swebench-lite',
    label: 'strong',
    repo: 'OpenAutoCoder/Agentless',
    commit: '5ce5888b9f149beaace393957a55ea8ee46c9f71',
    paths: ['classification/swebench_lite_classifications.csv'],
    licence: 'MIT',
    licenceFile: 'LICENSE; SWE-bench/SWE-bench:LICENSE (MIT, the dataset)',
    selection:
      'SWE-bench Lite, all 300 problem statements (GitHub issues of 12 Python projects that need a patch), raw or in seeded "fix this" phrasings; no patches',
    cap: 300,
    groupCap: 80,
  },
  {
    id: 'bigcodebench',
    label: 'strong',
    repo: 'bigcode-project/bigcodebench-annotation',
    commit: 'a3b89850db670d7302571142b881e4f85eef18e3',
    paths: ['hf_data/BigCodeBench.jsonl.gz'],
    licence: 'Apache-2.0',
    licenceFile: 'LICENSE',
    selection:
      'BigCodeBench instruct prompts using more than 2 libraries with a reference solution over 426 characters (the two offline criteria of BigCodeBench-Hard); the prompt only',
    cap: 400,
  },
  {
    id: 'dacode',
    label: 'strong',
    repo: 'yiyihum/da-code',
    commit: 'b211daf51fdc9b52d5087c9df28ac50191bcabed',
    paths: ['da_code/configs/task/all.jsonl'],
    licence: 'MIT',
    licenceFile: 'LICENSE',
    selection:
      'DA-Code agentic data-science tasks (wrangling, statistics, ML, visualisation) whose hardness field is Medium or Hard (Easy left out); the instruction in seeded phrasings',
    cap: 400,
  },
  {
    id: 'polymath',
    label: 'strong',
    repo: 'XZhang00/M-Thinker',
    commit: '01f9bebb84585af684ee60c7394de1171eda3134',
    paths: polymathLanguages.flatMap((language) =>
      ['top', 'high', 'medium'].map((level) => `eval_tools/PolyMath/data-polymath/${language}/${level}.parquet`),
    ),
    licence: 'Apache-2.0',
    licenceFile:
      'QwenLM/PolyMath@fbf4e41cae78:README.md (Apache-2.0 badge; the dataset card); carried in XZhang00/M-Thinker (Apache-2.0, LICENSE)',
    selection:
      'PolyMath levels top (IMO, Putnam, USAMO...), high (AIME, CNMO...) and medium (last Gaokao question, KaoYan, AMC), 18 languages, parallel; the question only. The low level (sampled from MGSM, i.e. GSM8K test) is never read',
    cap: 1500,
    groupCap: 90,
  },
  {
    id: 'jmmlu',
    label: 'strong',
    repo: 'nlp-waseda/JMMLU',
    commit: '762cbf192c9e4588b574d718f95afd64c96fcbf4',
    paths: jmmluSubjects.map((subject) => `JMMLU/${subject}.csv`),
    licence: 'CC-BY-SA-4.0',
    licenceFile: 'JMMLU/LICENSE (the JMMLU folder; JMMLU_NC_ND is never read)',
    selection:
      'JMMLU (Japanese MMLU, human-checked translation), the college, professional, abstract algebra and formal logic subjects; question + four options in seeded Japanese layouts, no answer',
    cap: 900,
    groupCap: 100,
  },
];
