import type { Language } from './types.ts';

const HAN = /\p{Script=Han}/gu;
const LATIN_WORD = /[a-z0-9]+(?:'[a-z]+)?/g;

/** NFKC, lower case, curly apostrophes made straight. */
export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019`]/g, "'");
}

/**
 * Text with every punctuation mark and symbol removed (intra-word apostrophes kept: "don't"), so
 * the cues work whether or not ASR punctuates.
 */
export function stripPunctuation(text: string): string {
  return normalise(text)
    .replace(/(?<!\p{L})'|'(?!\p{L})/gu, ' ')
    .replace(/[^\p{L}\p{N}'\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Sentences with their terminator (`?`, `.`, `!`, `。`, `？`, `！`, `…`); the last one may have none. */
export function splitSentences(text: string): string[] {
  const parts = normalise(text).match(/[^.?!。？！…]+[.?!。？！…]*/g) ?? [];
  return parts.map((p) => p.trim()).filter((p) => /[\p{L}\p{N}]/u.test(p));
}

/** 'question' when the sentence ends with a question mark, 'other' with another terminator, null without. */
export function terminator(sentence: string): 'question' | 'other' | null {
  const m = /([.?!。？！…])[\s"'”)）]*$/u.exec(sentence);
  if (!m) return null;
  return m[1] === '?' || m[1] === '？' ? 'question' : 'other';
}

export function hanCount(text: string): number {
  return text.match(HAN)?.length ?? 0;
}

/** Chinese when Han characters outnumber Latin words. */
export function detectLanguage(text: string): Language {
  const han = hanCount(text);
  const latin = normalise(text).match(LATIN_WORD)?.length ?? 0;
  return han > 0 && han >= latin ? 'zh' : 'en';
}

/** Speech-rate unit: English words, or Chinese characters (the usual unit for Mandarin speech rate). */
export function wordCount(text: string): number {
  const n = normalise(text);
  const latin = n.replace(HAN, ' ').match(LATIN_WORD)?.length ?? 0;
  return hanCount(n) + latin;
}

export function englishTokens(text: string): string[] {
  return stripPunctuation(text)
    .split(' ')
    .filter((t) => t.length > 0);
}
