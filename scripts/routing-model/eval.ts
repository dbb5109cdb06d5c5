import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { type ChatRequest, chatRequestSchema } from '#shared/api/chat-request.ts';
import { loadConfig } from '#shared/config/load-config.ts';
import { costMicros, microsToUsd } from '#shared/pricing/cost.ts';
import { loadComplexityScorer } from '#shared/routing/complexity-scorer.ts';
import { createModelRouter } from '#shared/routing/model-router.ts';
import { auc } from './metrics.ts';

// `npm run eval-router -- FILE.jsonl [--config config/local.json] [--model auto]`: runs an
// operator's labelled prompts through the router's own decision code with their config (and its
// model file), and prints the AUC, where each label was routed, and the cost against sending
// everything to the premium model. No model is called.

const USAGE = 'usage: npm run eval-router -- FILE.jsonl [--config PATH] [--model ALIAS] [--output-tokens N]';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    config: { type: 'string' },
    model: { type: 'string', default: 'auto' },
    'output-tokens': { type: 'string', default: '500' },
  },
});

const STRONG = new Set(['strong', 'complex', 'premium', 'hard', '1']);
const CHEAP = new Set(['cheap', 'simple', 'easy', '0']);

/** One line: `{"messages": [...]}` or `{"text": "..."}`, and a label (cheap/strong, simple/standard/complex, 0/1). */
const lineSchema = z
  .object({
    messages: z.array(z.unknown()).min(1).optional(),
    text: z.string().min(1).optional(),
    label: z.union([z.string(), z.number()]).transform(String),
  })
  .refine((line) => line.messages !== undefined || line.text !== undefined, 'needs "messages" or "text"');

const file = positionals[0];
if (!file) {
  console.error(USAGE);
  process.exit(2);
}
const configPath = args.config ?? process.env.ROUTER_CONFIG ?? 'config/local.json';
const { config, source } = await loadConfig(configPath, {
  explicit: args.config !== undefined || process.env.ROUTER_CONFIG !== undefined,
});
const scorer = await loadComplexityScorer(config.routing.complexity, config.routing.scoring, {
  onWarning: (message) => console.warn(`warning: ${message}`),
});
const router = createModelRouter(config, { scorer });
if (!router.has(args.model)) {
  console.error(`The config (${source}) has no model or alias '${args.model}'. Names: ${router.names.join(', ')}.`);
  process.exit(2);
}
const outputTokens = Number(args['output-tokens']);

interface Row {
  label: string;
  tier: string;
  model: string;
  score: number;
  costMicros: number;
  premiumMicros: number;
}
const rows: Row[] = [];
const problems: string[] = [];
readFileSync(file, 'utf8')
  .split('\n')
  .forEach((text, index) => {
    if (text.trim() === '') return;
    let line: z.infer<typeof lineSchema>;
    let request: ChatRequest;
    try {
      line = lineSchema.parse(JSON.parse(text));
      request = chatRequestSchema.parse({
        model: args.model,
        messages: line.messages ?? [{ role: 'user', content: line.text }],
      });
    } catch (error) {
      problems.push(`line ${index + 1}: ${(error as Error).message.split('\n')[0]}`);
      return;
    }
    const decision = router.decide({ request });
    const usage = {
      promptTokens: decision.features.promptTokens,
      completionTokens: decision.features.requestedOutputTokens ?? outputTokens,
      cachedTokens: 0,
    };
    rows.push({
      label: line.label.toLowerCase(),
      tier: decision.tier,
      model: decision.model.id,
      score: decision.score ?? 0,
      costMicros: costMicros(decision.model.pricing, usage),
      premiumMicros: costMicros(decision.premium.pricing, usage),
    });
  });

console.log(`${rows.length} prompts from ${file}; config ${source}; scorer ${scorer.name}; model '${args.model}'`);
if (problems.length > 0) console.log(`${problems.length} lines skipped:\n  ${problems.slice(0, 10).join('\n  ')}`);

const binary = rows.filter((row) => STRONG.has(row.label) || CHEAP.has(row.label));
const value = auc(
  binary.map((row) => row.score),
  binary.map((row) => (STRONG.has(row.label) ? 1 : 0)),
);
console.log(`\nAUC (strong/complex against cheap/simple labels): ${Number.isNaN(value) ? 'n/a (needs both)' : value.toFixed(3)}`);

const labels = [...new Set(rows.map((row) => row.label))].sort();
const tiers = [...new Set(rows.map((row) => row.tier))];
console.log('\nRouted tier per label (rows: your labels; columns: the tier served):');
console.table(
  Object.fromEntries(
    labels.map((label) => [
      label,
      Object.fromEntries(tiers.map((tier) => [tier, rows.filter((row) => row.label === label && row.tier === tier).length])),
    ]),
  ),
);
const total = rows.reduce((sum, row) => sum + row.costMicros, 0);
const premium = rows.reduce((sum, row) => sum + row.premiumMicros, 0);
console.log(
  `\nEstimated cost at the configured prices (${outputTokens} output tokens where max_tokens is unset): $${microsToUsd(total).toFixed(4)} routed vs $${microsToUsd(premium).toFixed(4)} all on the premium model${premium > 0 ? ` (${((100 * total) / premium).toFixed(1)}%)` : ''}.`,
);
