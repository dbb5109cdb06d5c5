import { basename } from 'node:path';
import { type Extractor, isObject, json, jsonEntries, list, objects, str, text, user } from './extract-kit.ts';
import { detokenise, parseCsvRecords, pick, shuffled } from './text.ts';

// Cheap-label prompts that classify, tag or extract from a short text (added in v5): the routine
// work behind most API traffic. Before v5 the corpus had one source per such task, so a model
// evaluated without that source had never seen the task at all.

const humanize = (label: string): string => label.replace(/_/g, ' ');

const intentTemplates = [
  (message: string) => message,
  (message: string, categories: string[]) =>
    `Classify this customer message into one of these categories: ${categories.join(', ')}.\n\nMessage: ${message}`,
  (message: string) => `A bank customer wrote: "${message}" Which support topic is this? Answer with the topic only.`,
  (message: string) => `${message}\n\n(Route this ticket: which team should handle it?)`,
];

const sentimentTemplates = [
  (sentence: string) => `Is the sentiment of this sentence positive, negative or neutral?\n\n${sentence}`,
  (sentence: string) => `Rate how positive this is from 1 to 5: "${sentence}"`,
  (sentence: string) => `What emotion does the writer express here? One word.\n${sentence}`,
  (sentence: string) => `Sentiment? ${sentence}`,
];

const slotTemplates = [
  (utterance: string) => utterance,
  (utterance: string) => `Extract the slots from this request and return them as JSON: "${utterance}"`,
  (utterance: string) => `What is the user asking for, and with which parameters?\n\n${utterance}`,
];

const entityTemplates = [
  (tweet: string) => `List the people, places, companies and products mentioned in this tweet:\n\n${tweet}`,
  (tweet: string) => `Named entities in: ${tweet}`,
  (tweet: string) =>
    `Tag every named entity in the text below with its type (person, location, organisation, product, creative work).\n\n${tweet}`,
];

const bookingTemplates = [
  (message: string) =>
    `Extract the booking details (date, time, number of people, name) as JSON from this message:\n\n${message}`,
  (message: string) => `Customer message: "${message}"\nWhat date, time and party size did they ask for?`,
  (message: string) => `Pull out the reservation info from: ${message}`,
];

const relationTemplates = [
  (sentence: string, head: string, tail: string) =>
    `In the sentence below, what is the relation between "${head}" and "${tail}"?\n\n${sentence}`,
  (sentence: string, head: string, tail: string) => `${sentence}\n\nHow is ${head} related to ${tail}? Answer in a few words.`,
  (sentence: string, head: string, tail: string) =>
    `Extract a (subject, relation, object) triple about "${head}" and "${tail}" from this text: ${sentence}`,
];

const queryTemplates = [
  (query: string) => query,
  (query: string) => `Fix the grammar of this search query: ${query}`,
  (query: string) => `Rewrite this as a well-formed question: "${query}"`,
  (query: string) => `Is this a grammatical, well-formed question? ${query}`,
];

/** CoNLL-style files: one "token<TAB>tag" per line, a blank line between sentences. */
const conllSentences = (content: string): string[][] =>
  content
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((block) =>
      block
        .split('\n')
        .map((line) => line.split('\t')[0]?.trim() ?? '')
        .filter((token) => token !== ''),
    )
    .filter((tokens) => tokens.length >= 6);

export const classificationExtractors: Record<string, Extractor> = {
  // Banking77 customer-service queries: the message alone, or with a seeded list of 8 of the 77
  // intents (the true one among them, so the question is answerable).
  banking77: (ctx) => {
    const rows = ctx.paths.filter((path) => path.endsWith('.csv')).flatMap((path) => parseCsvRecords(text(ctx, path)));
    const categories = [...new Set(rows.map((row) => row.category ?? ''))].filter(Boolean).sort();
    return rows.flatMap((row) => {
      const message = (row.text ?? '').trim();
      const category = row.category ?? '';
      if (message === '' || category === '') return [];
      const others = shuffled(
        ctx.rng,
        categories.filter((c) => c !== category),
      ).slice(0, 7);
      const choices = shuffled(ctx.rng, [category, ...others]).map(humanize);
      return [{ group: category, messages: user(pick(ctx.rng, intentTemplates)(message, choices)) }];
    });
  },

  // EmoBank sentences (news, letters, fiction, blogs, headlines) in sentiment/emotion requests.
  emobank: (ctx) =>
    ctx.paths.flatMap((path) =>
      parseCsvRecords(text(ctx, path)).flatMap((row) => {
        const sentence = (row.text ?? '').trim();
        if (sentence.length < 20) return [];
        return [{ group: (row.id ?? '').split('_')[0] ?? '', messages: user(pick(ctx.rng, sentimentTemplates)(sentence)) }];
      }),
    ),

  // Snips voice-assistant requests (7 intents), as typed or with a slot-extraction request.
  snips: (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonEntries(ctx, path).flatMap(([intent, utterances]) =>
        objects(utterances).flatMap((utterance) => {
          const said = objects(utterance.data)
            .map((part) => str(part, 'text'))
            .join('')
            .trim();
          return said === '' ? [] : [{ group: intent, messages: user(pick(ctx.rng, slotTemplates)(said)) }];
        }),
      ),
    ),

  // WNUT-17 tweets and forum posts in named-entity requests.
  wnut17: (ctx) =>
    ctx.paths.flatMap((path) =>
      conllSentences(text(ctx, path)).map((tokens) => ({
        group: basename(path),
        messages: user(pick(ctx.rng, entityTemplates)(detokenise(tokens.join(' ')))),
      })),
    ),

  // Restaurant-8k booking messages (longer than a bare slot value) in extraction requests.
  restaurant8k: (ctx) =>
    ctx.paths.flatMap((path) =>
      objects(json(ctx, path)).flatMap((row) => {
        const input = isObject(row.userInput) ? str(row.userInput, 'text').trim() : '';
        if (input.length < 25) return [];
        const slots = objects(row.labels).map((label) => str(label, 'slot'));
        return [{ group: slots.sort().join('+') || 'none', messages: user(pick(ctx.rng, bookingTemplates)(input)) }];
      }),
    ),

  // FewRel (Wikipedia validation relations): a sentence and its two marked entities.
  fewrel: (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonEntries(ctx, path).flatMap(([relation, items]) =>
        objects(items).flatMap((item) => {
          const tokens = list(item.tokens).filter((token): token is string => typeof token === 'string');
          const head = list(item.h)[0];
          const tail = list(item.t)[0];
          if (tokens.length === 0 || typeof head !== 'string' || typeof tail !== 'string') return [];
          return [
            { group: relation, messages: user(pick(ctx.rng, relationTemplates)(detokenise(tokens.join(' ')), head, tail)) },
          ];
        }),
      ),
    ),

  // Paralex questions (from WikiAnswers) rated for well-formedness: as typed, or a request to fix one.
  'query-wellformedness': (ctx) =>
    ctx.paths.flatMap((path) =>
      text(ctx, path)
        .split('\n')
        .flatMap((line) => {
          const query = line.split('\t')[0]?.replace(/ \?$/, '?').trim() ?? '';
          return query === '' ? [] : [{ group: basename(path), messages: user(pick(ctx.rng, queryTemplates)(query)) }];
        }),
    ),
};
