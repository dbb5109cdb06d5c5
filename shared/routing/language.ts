import type { Language } from '../config/routing-schema.ts';

// A coarse language guess from the writing system (and, for Latin script, English stop words):
// enough for routing rules such as "send CJK prompts to the model that handles them best".

const SCRIPTS: ReadonlyArray<[Language, RegExp]> = [
  ['cjk', /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/g],
  ['cyrillic', /[\u0400-\u04ff]/g],
  ['arabic', /[\u0600-\u06ff]/g],
  ['devanagari', /[\u0900-\u097f]/g],
  ['latin', /[A-Za-z\u00c0-\u024f]/g],
];
const ENGLISH = /\b(the|and|is|are|of|to|that|it|for|with|you|this|what|how|can|please)\b/gi;

export const detectLanguage = (text: string): Language => {
  const sample = text.length > 4000 ? text.slice(0, 4000) : text;
  let best: Language = 'other';
  let bestCount = 0;
  for (const [language, pattern] of SCRIPTS) {
    // CJK characters carry a word each; letters only a fraction of one.
    const count = (sample.match(pattern)?.length ?? 0) * (language === 'cjk' ? 4 : 1);
    if (count > bestCount) {
      best = language;
      bestCount = count;
    }
  }
  if (best !== 'latin') return best;
  const words = sample.match(/\p{L}+/gu)?.length ?? 0;
  const english = sample.match(ENGLISH)?.length ?? 0;
  return words > 0 && english / words >= 0.15 ? 'en' : 'latin';
};
