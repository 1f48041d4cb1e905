import { englishTokens, stripPunctuation } from './text.ts';

/** How text becomes hashed features; stored in each model file so training and inference agree. */
export type FeatureKind = 'zh-char-1-3' | 'en-word-1-2-char-3';

/** FNV-1a, 32 bit, over UTF-16 code units: fast, deterministic, no dependency. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function grams(chars: readonly string[], n: number, prefix: string, out: string[]): void {
  for (let i = 0; i + n <= chars.length; i++) out.push(prefix + chars.slice(i, i + n).join(''));
}

/** Feature strings (before hashing). Punctuation is removed first: ASR may or may not punctuate. */
export function featureStrings(text: string, kind: FeatureKind): string[] {
  const out: string[] = [];
  if (kind === 'zh-char-1-3') {
    const chars = ['^', ...stripPunctuation(text).replace(/ /g, ''), '$'];
    for (let n = 1; n <= 3; n++) grams(chars, n, `c${n}:`, out);
    out.push(`len:${Math.min(8, Math.round(Math.log2(chars.length)))}`);
    return out;
  }
  const words = ['^', ...englishTokens(text), '$'];
  grams(
    words.map((w) => w + ' '),
    1,
    'w1:',
    out,
  );
  grams(
    words.map((w) => w + ' '),
    2,
    'w2:',
    out,
  );
  grams(
    words.map((w) => w + ' '),
    3,
    'w3:',
    out,
  );
  for (const w of words.slice(1, -1)) grams([...`<${w}>`], 3, 'c3:', out);
  out.push(`len:${Math.min(8, Math.round(Math.log2(words.length)))}`);
  return out;
}

/** Sparse feature vector: hashed indices (may repeat) with one shared L2-normalising value. */
export interface SparseFeatures {
  indices: Uint32Array;
  value: number;
}

export function hashFeatures(text: string, kind: FeatureKind, bits: number): SparseFeatures {
  const strings = featureStrings(text, kind);
  const mask = (1 << bits) - 1;
  const indices = new Uint32Array(strings.length);
  strings.forEach((s, i) => (indices[i] = fnv1a(s) & mask));
  return { indices, value: strings.length > 0 ? 1 / Math.sqrt(strings.length) : 0 };
}
