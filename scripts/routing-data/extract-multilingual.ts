import { basename, dirname } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { type Extractor, fourOptionQuestions, user } from './extract-kit.ts';
import { pick } from './text.ts';

// Strong-label prompts in languages other than English (added in v5): without them every
// non-English row of the corpus but Chinese maths was cheap, and the model read "Russian" as "easy".

const arrayBuffer = (bytes: Buffer): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

const letters = ['A', 'B', 'C', 'D'];

const jmmluTemplates = [
  (q: string, options: string[]) => `${q}\n${options.map((o, i) => `${letters[i]}. ${o}`).join('\n')}`,
  (q: string, options: string[]) =>
    `次の問題に答えてください。\n\n${q}\n${options.map((o, i) => `(${letters[i]}) ${o}`).join('\n')}`,
  (q: string, options: string[]) => `${q}\n選択肢: ${options.join(' / ')}`,
];

export const multilingualExtractors: Record<string, Extractor> = {
  // PolyMath: the same competition problems in 18 languages; the path names language and level.
  polymath: async (ctx) => {
    const out = [];
    for (const path of ctx.paths) {
      const rows = await parquetReadObjects({ file: arrayBuffer(ctx.bytes(path)), columns: ['question'] });
      const language = basename(dirname(path));
      for (const row of rows) {
        const question = typeof row.question === 'string' ? row.question.trim() : '';
        if (question !== '') out.push({ group: language, messages: user(question) });
      }
    }
    return out;
  },

  // JMMLU (Japanese MMLU, human-checked translation): college, professional and formal subjects.
  jmmlu: (ctx) =>
    ctx.paths.flatMap((path) =>
      fourOptionQuestions(ctx, path).map(({ question, options }) => ({
        group: basename(path, '.csv'),
        messages: user(pick(ctx.rng, jmmluTemplates)(question, options)),
      })),
    ),
};
