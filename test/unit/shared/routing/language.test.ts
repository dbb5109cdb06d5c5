import { expect, test } from 'vitest';
import { detectLanguage } from '#shared/routing/language.ts';

test.each([
  { text: 'What is the capital of France?', language: 'en' },
  { text: '¿Cuál es la capital de Francia? Necesito saberlo.', language: 'latin' },
  { text: 'Wie spät ist es in Berlin? Bitte antworte kurz.', language: 'latin' },
  { text: '请把这段话翻译成英文', language: 'cjk' },
  { text: '東京の天気はどうですか', language: 'cjk' },
  { text: '안녕하세요, 날씨 어때요?', language: 'cjk' },
  { text: 'Как дела? Напиши короткое письмо.', language: 'cyrillic' },
  { text: 'ما هي عاصمة فرنسا؟', language: 'arabic' },
  { text: 'भारत की राजधानी क्या है?', language: 'devanagari' },
  { text: '12345 !!! ???', language: 'other' },
  { text: 'Translate to English: 请把这段话翻译成英文，谢谢', language: 'cjk' },
])('$text -> $language', ({ text, language }) => {
  expect(detectLanguage(text)).toBe(language);
});
