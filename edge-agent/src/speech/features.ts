import { englishTokens, stripPunctuation } from './text.ts';

/** How text becomes hashed features; stored in each model file so training and inference agree. */
export type FeatureKind = 'zh-char-1-3' | 'en-word-1-2-char-3' | 'en-question-2';

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
  const tokens = englishTokens(text);
  const words = ['^', ...tokens, '$'];
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
  if (kind === 'en-question-2') out.push(...questionShapeFeatures(tokens));
  return out;
}

// Discourse markers a teacher puts before the question proper ("okay so um what is ..."): the
// question's shape is read after them.
const MARKERS = new Set(
  'okay ok so and but now well alright um uh yeah yes no oh right then or because like hmm mm'.split(' '),
);
const AUX = new Set(
  "do does did is are was were can could will would should shall have has had may might must am isn't aren't wasn't weren't don't doesn't didn't can't won't wouldn't couldn't shouldn't haven't hasn't".split(
    ' ',
  ),
);
const WH = new Set("what why how where when who which whose what's how's where's who's".split(' '));
const SUBJECT = new Set(
  'you we they he she it i there that this these those everyone everybody anyone anybody somebody someone the a an your my his her our their all any'.split(
    ' ',
  ),
);

/**
 * Position and shape features: the first word and bigram after leading discourse markers, the
 * last word and bigram, exact short lengths, and whether an auxiliary-subject inversion or a
 * wh-word opens the clause proper. Word n-grams alone see these only through rare exact matches.
 */
function questionShapeFeatures(tokens: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length - 1 && MARKERS.has(tokens[i]!)) i++;
  const core = tokens.slice(i);
  const a = core[0] ?? '';
  const b = core[1] ?? '';
  out.push(`lead:${Math.min(i, 3)}`, `s1:${a}`, `s2:${a} ${b}`);
  if (AUX.has(a) && SUBJECT.has(b)) out.push('shape:aux-subject', `shape:aux-subject:${a}`);
  else if (AUX.has(a)) out.push('shape:aux-first');
  if (WH.has(a)) out.push('shape:wh-first', `shape:wh:${AUX.has(b) ? 'aux' : 'other'}`);
  if (core.slice(0, 4).some((w) => WH.has(w))) out.push('shape:wh-early');
  const n = tokens.length;
  out.push(`e1:${tokens[n - 1] ?? ''}`, `e2:${tokens[n - 2] ?? ''} ${tokens[n - 1] ?? ''}`);
  const tail2 = tokens.slice(-2);
  if (tail2.length === 2 && AUX.has(tail2[0]!) && tail2[0]!.endsWith("n't")) out.push('shape:neg-tag');
  if (tokens.slice(-4).includes('or')) out.push('shape:or-tail');
  out.push(`n:${Math.min(n, 6)}`);
  if (n <= 2) out.push(`short:${tokens.join(' ')}`);
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
