import { basename } from 'node:path';
import { choiceTemplates } from './choice-layouts.ts';
import { type Extractor, fourOptionQuestions, isObject, jsonLines, list, str, user } from './extract-kit.ts';
import { pick } from './text.ts';

// Multiple-choice exam questions (sources-exams.ts), all in the layouts CommonsenseQA uses, so that
// a layout says nothing about the label. Answer columns and gold indices are never read.

/** llm-foundry's multiple-choice rows: a query (sometimes "Question: ..."), its choices, a gold index. */
const foundryChoices =
  (id: string): Extractor =>
  (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonLines(ctx, path)
        .filter(isObject)
        .flatMap((row) => {
          const question = str(row, 'query')
            .replace(/^Question:\s*/, '')
            .trim();
          const options = list(row.choices).filter((c): c is string => typeof c === 'string' && c.trim() !== '');
          if (question === '' || options.length < 2) return [];
          return [
            {
              group: id,
              messages: user(
                pick(ctx.rng, choiceTemplates)(
                  question,
                  options.map((o) => o.trim()),
                ),
              ),
            },
          ];
        }),
    );

export const examExtractors: Record<string, Extractor> = {
  // MMLU's CSVs: question, four options, answer, no header.
  'mmlu-en': (ctx) =>
    ctx.paths.flatMap((path) =>
      fourOptionQuestions(ctx, path).map(({ question, options }) => ({
        group: basename(path, '_test.csv'),
        messages: user(pick(ctx.rng, choiceTemplates)(question, options)),
      })),
    ),
  'arc-easy': foundryChoices('arc-easy'),
};
