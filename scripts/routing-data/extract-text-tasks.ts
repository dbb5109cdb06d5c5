import { basename } from 'node:path';
import { type Candidate, type Extractor, isObject, json, jsonEntries, list, objects, str, text, user } from './extract-kit.ts';
import { decodeMixed, detokenise, pick, type Rng, randomInt } from './text.ts';

// Cheap-label prompts for everyday text chores (added in v5): summarising a stretch of a meeting or
// a game transcript, simplifying a text for learners, splitting a sentence, cleaning up a spoken
// question, translating a few news sentences. Only the input side is read: the datasets' reference
// summaries, simplifications, splits, fluent questions and translations of the same lines never
// reach a prompt.

const between = (rng: Rng, low: number, high: number): number => low + randomInt(rng, high - low + 1);

// ---- QMSum: query-based meeting summarisation ----

interface Turn {
  speaker: string;
  content: string;
}

// AMI/ICSI/parliament transcripts carry annotation markers ({disfmarker}, {vocalsound}, {gap}...)
// and AMI's spelled-out acronyms (T_V_) that no pasted transcript has; a marker removed at the start
// of a turn can leave it opening on a comma.
const meetingTurn = (record: Record<string, unknown>): Turn => ({
  speaker: str(record, 'speaker').trim(),
  content: detokenise(str(record, 'content').replace(/\{[a-z]+\}/g, ' '))
    .replace(/\b((?:[A-Z]_)+)/g, (acronym: string) => acronym.replaceAll('_', ''))
    .replace(/^[,.;:]\s*/, ''),
});

const renderTurns = (turns: readonly Turn[]): string =>
  turns
    .filter((turn) => turn.content !== '')
    .map((turn) => `${turn.speaker}: ${turn.content}`)
    .join('\n');

const meetingTemplates = [
  (t: string, q: string) => `Here is part of a meeting transcript:\n\n${t}\n\n${q}`,
  (t: string, q: string) => `${q}\n\n${t}`,
  (t: string, q: string) => `Below is an excerpt from the transcript of a meeting.\n\n${t}\n\nBased on this excerpt: ${q}`,
  (t: string, q: string) => `Meeting transcript (excerpt):\n"""\n${t}\n"""\n\nQuestion: ${q}`,
  (t: string, q: string) => `I missed this meeting. ${q} This is the part of the transcript I have:\n\n${t}`,
  (t: string, q: string) => `${t}\n\n${q}`,
];

/** Longest span text a specific query may need; past this the row would be a long-document task. */
const MAX_SPAN_CHARS = 16_000;

/** Turn indexes of the cited spans, each widened by `pad` turns, merged into sorted blocks. */
const spanBlocks = (spans: readonly [number, number][], pad: number, count: number): [number, number][] => {
  const blocks: [number, number][] = [];
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    const start = Math.max(0, a - pad);
    const end = Math.min(count - 1, b + pad);
    const last = blocks.at(-1);
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else blocks.push([start, end]);
  }
  return blocks;
};

const renderBlocks = (turns: readonly Turn[], blocks: readonly [number, number][]): string =>
  blocks.map(([a, b]) => renderTurns(turns.slice(a, b + 1))).join('\n\n[...]\n\n');

const qmsum: Extractor = (ctx) =>
  ctx.paths.flatMap((path) => {
    const meeting = json(ctx, path);
    if (!isObject(meeting)) return [];
    const group = basename(path, '.json');
    const turns = objects(meeting.meeting_transcripts).map(meetingTurn);
    const out: Candidate[] = [];
    const add = (transcript: string, query: string) => {
      if (transcript === '' || query === '') return;
      out.push({ group, messages: user(pick(ctx.rng, meetingTemplates)(transcript, query)) });
    };

    // General queries ("Summarize the whole meeting."): a seeded 2-12 KB window of the meeting.
    for (const item of objects(meeting.general_query_list)) {
      const target = between(ctx.rng, 2_000, 12_000);
      let start = randomInt(ctx.rng, Math.max(1, turns.length));
      let end = start;
      let length = 0;
      while (length < target && (end < turns.length || start > 0)) {
        const turn = end < turns.length ? turns[end++] : turns[--start];
        length += (turn?.speaker.length ?? 0) + (turn?.content.length ?? 0) + 3;
      }
      add(renderTurns(turns.slice(start, end)), str(item, 'query').trim());
    }

    // Specific queries: the turns the query cites, widened until a seeded 0.6-2.5 KB minimum (short
    // spans would otherwise be a line or two) plus 0-6 extra turns each side.
    for (const item of objects(meeting.specific_query_list)) {
      const spans = list(item.relevant_text_span).flatMap((span): [number, number][] => {
        const [a, b] = list(span).map(Number);
        return a !== undefined && b !== undefined && Number.isInteger(a) && Number.isInteger(b) && a <= b ? [[a, b]] : [];
      });
      if (spans.length === 0) continue;
      const minimum = between(ctx.rng, 600, 2_500);
      let pad = randomInt(ctx.rng, 7);
      let transcript = renderBlocks(turns, spanBlocks(spans, pad, turns.length));
      while (transcript.length < minimum && pad < 60) {
        pad += 2;
        transcript = renderBlocks(turns, spanBlocks(spans, pad, turns.length));
      }
      if (transcript.length <= MAX_SPAN_CHARS) add(transcript, str(item, 'query').trim());
    }
    return out;
  });

// ---- CRD3: Critical Role (Dungeons & Dragons) transcript chunks ----

const gameTemplates = [
  (t: string) => `Summarize this exchange in one or two sentences:\n\n${t}`,
  (t: string) => `${t}\n\nWhat happens in this part of the session? Answer in a sentence or two.`,
  (t: string) =>
    `This is from a transcript of a Dungeons & Dragons game (Critical Role). Give me a short summary of what happens, two sentences max.\n\n${t}`,
  (t: string) => `Can you sum up this bit of dialogue briefly?\n\n${t}`,
  (t: string) => `Transcript:\n${t}\n\nTL;DR in 1-2 sentences?`,
];

const crd3: Extractor = (ctx) =>
  ctx.paths.flatMap((path) => {
    const group = basename(path, '.json').replace(/_\d+_\d+$/, '');
    const out: Candidate[] = [];
    // Aligned chunks come from a sliding window over the summary, so neighbours share turns; a chunk
    // that overlaps the last one kept is skipped.
    let lastEnd = -1;
    for (const chunk of objects(json(ctx, path))) {
      const turns = objects(chunk.TURNS);
      const numbers = turns.map((turn) => Number(turn.NUMBER));
      const first = Math.min(...numbers);
      if (turns.length < 3 || !(first > lastEnd)) continue;
      const transcript = turns
        .map((turn) => {
          const names = list(turn.NAMES).filter((name): name is string => typeof name === 'string');
          const words = list(turn.UTTERANCES).filter((u): u is string => typeof u === 'string');
          return `${names.join(' and ')}: ${words.join(' ').replace(/\s+/g, ' ').trim()}`;
        })
        .join('\n');
      if (transcript.length < 300 || transcript.length > 12_000) continue;
      lastEnd = Math.max(...numbers);
      out.push({ group, messages: user(pick(ctx.rng, gameTemplates)(transcript)) });
    }
    return out;
  });

// ---- OneStopEnglish: Guardian articles at the advanced level, to be simplified ----

const articleTemplates = [
  (t: string) => `Rewrite this article in simpler English for learners of English (around A2/B1 level):\n\n${t}`,
  (t: string) => `Can you simplify this text so that an elementary-level English student can understand it?\n\n${t}`,
  (t: string) => `${t}\n\nPlease rewrite the text above in plain, simple English. Keep all the main points.`,
  (t: string) =>
    `I teach English to teenagers. Make this easier to read for my pre-intermediate class, with shorter sentences and easier words:\n\n${t}`,
  (t: string) => `Simplify:\n\n${t}`,
];

const sentenceTemplates = [
  (s: string) => `Simplify this sentence: ${s}`,
  (s: string) => `Rewrite this in simpler words:\n${s}`,
  (s: string) => `${s}\n\nHow would you say this more simply?`,
  (s: string) => `Make this sentence easier to understand for an English learner: ${s}`,
  (s: string) => `Paraphrase in plain English: ${s}`,
];

/** Lower-case letters and digits of `s`, with each one's index in `s`. */
const skeleton = (s: string): { chars: string; at: number[] } => {
  let chars = '';
  const at: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = (s[i] ?? '').toLowerCase();
    if (/[a-z0-9]/.test(c)) {
      chars += c;
      at.push(i);
    }
  }
  return { chars, at };
};

/**
 * The aligned-sentence file is ASCII with quotes and apostrophes stripped ("Theres less water"), so
 * the sentence is looked up in its article by letters and digits and taken from there, with the
 * article's own punctuation and closing/opening quotes.
 */
const findSentence = (paragraphs: readonly string[], sentence: string): string | undefined => {
  const key = skeleton(sentence).chars;
  if (key === '') return undefined;
  for (const paragraph of paragraphs) {
    const { chars, at } = skeleton(paragraph);
    const hit = chars.indexOf(key);
    if (hit === -1) continue;
    let start = at[hit] ?? 0;
    let end = (at[hit + key.length - 1] ?? paragraph.length - 1) + 1;
    while (end < paragraph.length && /[^\s\p{L}\p{N}]/u.test(paragraph[end] ?? '')) end++;
    while (start > 0 && /[“"‘(]/.test(paragraph[start - 1] ?? '')) start--;
    return paragraph.slice(start, end).trim();
  }
  return undefined;
};

/** Share of aligned sentences kept, so sentences (2,166 pairs) do not crowd out the 190 articles. */
const SENTENCE_SHARE = 0.2;

const onestopEnglish: Extractor = (ctx) => {
  const out: Candidate[] = [];
  const articles: { name: string; paragraphs: string[] }[] = [];
  for (const path of ctx.paths.filter((p) => p.endsWith('-adv.txt'))) {
    const name = basename(path, '-adv.txt');
    const paragraphs = decodeMixed(ctx.bytes(path))
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
    if (paragraphs.length === 0) continue;
    articles.push({ name, paragraphs });
    // The whole article, and a seeded window of 2-5 paragraphs (a teacher adapting one passage).
    out.push({ group: name, messages: user(pick(ctx.rng, articleTemplates)(paragraphs.join('\n\n'))) });
    if (paragraphs.length > 5) {
      const size = between(ctx.rng, 2, 5);
      const start = randomInt(ctx.rng, paragraphs.length - size + 1);
      const window = paragraphs.slice(start, start + size).join('\n\n');
      out.push({ group: name, messages: user(pick(ctx.rng, articleTemplates)(window)) });
    }
  }
  for (const path of ctx.paths.filter((p) => p.endsWith('ADV-ELE.txt'))) {
    // Blocks of "advanced line, elementary line, *******"; only the advanced line is read.
    for (const block of text(ctx, path).split(/^\*+\s*$/m)) {
      const [advanced, elementary] = block
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '');
      if (!advanced || advanced.length < 80 || advanced === elementary) continue;
      if (ctx.rng() >= SENTENCE_SHARE) continue;
      for (const article of articles) {
        const sentence = findSentence(article.paragraphs, advanced);
        if (sentence === undefined) continue;
        out.push({ group: article.name, messages: user(pick(ctx.rng, sentenceTemplates)(sentence)) });
        break;
      }
    }
  }
  return out;
};

// ---- WikiSplit: one long Wikipedia sentence to split ----

const splitTemplates = [
  (s: string) => `Split this into two shorter sentences: ${s}`,
  (s: string) => `Can you break this sentence into two?\n\n${s}`,
  (s: string) => `${s}\n\nRewrite this as two separate sentences.`,
  (s: string) => `Rewrite the following as two sentences without changing the meaning:\n${s}`,
  (s: string) => `This sentence is too long:\n${s}\nSplit it into two.`,
];

const balanced = (s: string): boolean =>
  (s.match(/"/g)?.length ?? 0) % 2 === 0 && (s.match(/\(/g)?.length ?? 0) === (s.match(/\)/g)?.length ?? 0);

const wikisplit: Extractor = (ctx) =>
  ctx.paths.flatMap((path) =>
    text(ctx, path)
      .split('\n')
      .flatMap((line) => {
        const complex = detokenise(line.split('\t')[0] ?? '');
        // The file is sorted, and its head is sentence fragments (`' ( 1990 ) was ...`): keep only
        // rows that read as a whole sentence.
        if (!/^[A-Z0-9"“]/.test(complex) || !/[.!?]"?$/.test(complex) || !balanced(complex)) return [];
        if (complex.length < 80 || complex.length > 600) return [];
        return [{ group: basename(path, '.tsv'), messages: user(pick(ctx.rng, splitTemplates)(complex)) }];
      }),
  );

// ---- Disfl-QA: spoken-style SQuAD questions with false starts and self-corrections ----

const disfluentTemplates = [
  (q: string) => q,
  (q: string) => q,
  (q: string) => `Clean up this question so it reads fluently: ${q}`,
  (q: string) => `Someone asked me this out loud and I wrote it down: "${q}" What are they actually asking?`,
  (q: string) => `Rewrite this spoken question without the false starts and corrections:\n${q}`,
  (q: string) => `${q}\n\nWhat is the intended question here?`,
];

const disflQa: Extractor = (ctx) =>
  ctx.paths.flatMap((path) =>
    jsonEntries(ctx, path)
      .map(([, item]) => item)
      .filter(isObject)
      .flatMap((item) => {
        const disfluent = str(item, 'disfluent').trim();
        // A few entries are placeholders (`\"\"`) rather than questions.
        if (disfluent.split(/\s+/).length < 3 || disfluent === str(item, 'original').trim()) return [];
        return [{ group: basename(path, '.json'), messages: user(pick(ctx.rng, disfluentTemplates)(disfluent)) }];
      }),
  );

// ---- NTREX-128: WMT19 news sentences, English source and human references ----

/** Reference file code -> English name, and a native "translate this into English" request. */
export const ntrexLanguages: Record<string, { name: string; native: string }> = {
  arb: { name: 'Arabic', native: 'ترجم هذا النص إلى اللغة الإنجليزية:' },
  deu: { name: 'German', native: 'Kannst du das bitte ins Englische übersetzen?' },
  fra: { name: 'French', native: 'Peux-tu traduire ce texte en anglais ?' },
  hin: { name: 'Hindi', native: 'कृपया इसका अंग्रेज़ी में अनुवाद करें:' },
  ita: { name: 'Italian', native: 'Traduci questo testo in inglese:' },
  jpn: { name: 'Japanese', native: '次の文章を英語に翻訳してください。' },
  kor: { name: 'Korean', native: '다음 글을 영어로 번역해 주세요.' },
  nld: { name: 'Dutch', native: 'Kun je dit naar het Engels vertalen?' },
  pol: { name: 'Polish', native: 'Przetłumacz to na angielski:' },
  por: { name: 'Portuguese', native: 'Traduza este texto para o inglês:' },
  rus: { name: 'Russian', native: 'Переведи, пожалуйста, на английский:' },
  spa: { name: 'Spanish', native: '¿Puedes traducir esto al inglés?' },
  tur: { name: 'Turkish', native: 'Bunu İngilizceye çevirir misin?' },
  vie: { name: 'Vietnamese', native: 'Dịch đoạn văn sau sang tiếng Anh:' },
  'zho-CN': { name: 'Chinese', native: '请把下面这段话翻译成英文：' },
};

const toTemplates = [
  (t: string, language: string) => `Translate into ${language}:\n\n${t}`,
  (t: string, language: string) => `How would you say this in ${language}?\n\n${t}`,
  (t: string, language: string) => `Can you translate this to ${language} for me?\n\n${t}`,
  (t: string, language: string) => `${t}\n\n${language} translation, please.`,
  (t: string, language: string) => `Translate the following news text from English to ${language}:\n${t}`,
];

const fromTemplates = [
  (t: string, _language: string, native: string) => `${native}\n\n${t}`,
  (t: string, _language: string, native: string) => `${t}\n\n${native}`,
  (t: string, language: string) => `Translate this ${language} text into English:\n\n${t}`,
  (t: string) => `What does this say in English?\n\n${t}`,
  (t: string) => `Translate to English: ${t}`,
];

const lines = (s: string): string[] => s.replace(/^\uFEFF/, '').split(/\r?\n/);

const ntrex: Extractor = (ctx) => {
  const docIds = lines(text(ctx, 'DOCUMENT_IDS.tsv'));
  const source = lines(text(ctx, 'NTREX-128/newstest2019-src.eng.txt'));
  const references = ctx.paths.flatMap((path) => {
    const code = /newstest2019-ref\.(.+)\.txt$/.exec(path)?.[1];
    const language = code === undefined ? undefined : ntrexLanguages[code];
    return language ? [{ ...language, lines: lines(text(ctx, path)) }] : [];
  });
  const out: Candidate[] = [];
  // Windows of 1-4 consecutive lines that never cross a document boundary; each window becomes one
  // row, English -> a seeded language or that language's reference -> English, so the same
  // sentence is not asked twice in parallel.
  let i = 0;
  while (i < source.length && (source[i] ?? '').trim() !== '') {
    let end = i + between(ctx.rng, 1, 4);
    for (let j = i + 1; j < end; j++) {
      if (j >= source.length || docIds[j] !== docIds[i]) {
        end = j;
        break;
      }
    }
    const language = pick(ctx.rng, references);
    if (ctx.rng() < 0.5) {
      const passage = source.slice(i, end).join('\n').trim();
      out.push({ group: language.name, messages: user(pick(ctx.rng, toTemplates)(passage, language.name)) });
    } else {
      const passage = language.lines.slice(i, end).join('\n').trim();
      if (passage !== '') {
        out.push({
          group: language.name,
          messages: user(pick(ctx.rng, fromTemplates)(passage, language.name, language.native)),
        });
      }
    }
    i = end;
  }
  return out;
};

export const textTaskExtractors: Record<string, Extractor> = {
  qmsum,
  crd3,
  'onestop-english': onestopEnglish,
  wikisplit,
  'disfl-qa': disflQa,
  ntrex,
};
