/**
 * `npm run eval -- questions-zh <dialogid-style.csv> [labels.csv] [types.csv]`: Chinese question
 * detection and question types on unpunctuated ASR text, printed as JSON.
 *
 * Every sentence of the CSV's `text` column (split as the agent splits ASR text) is given to the
 * detector with its punctuation removed, and scored two ways:
 * - `asrMark`: against the ASR's own question mark (a sentence ending in ？ or ?). Every sentence
 *   is scored, but the mark is a weak label: ASR leaves many questions without one.
 * - `labelled`: against human labels (CSV columns `set,row,sentence,question`: the 0-based data
 *   row, the 0-based sentence within it, 1 or 0), per `set` and in all. Without a labels file the
 *   shipped one for DialogID dev is used when the CSV is that file's namesake (`dev.csv`).
 * - `types`: open vs closed and higher-order vs recall of labelled questions (CSV columns
 *   `set,row,sentence,open,higherOrder`, 1 or 0), each scored as a detection of the first kind.
 *   The shipped file is used for `dev.csv` as above.
 * The label conventions and how the shipped labels were made are in docs/accuracy.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyseQuestions, classifyQuestion } from '../../edge-agent/src/speech/question.ts';
import { splitSentences, stripPunctuation, terminator } from '../../edge-agent/src/speech/text.ts';
import { parseCsv } from '../train/linear.ts';

const SHIPPED_LABELS = path.join(import.meta.dirname, 'labels', 'dialogid-dev-zh-questions.csv');
const SHIPPED_TYPES = path.join(import.meta.dirname, 'labels', 'dialogid-dev-zh-question-types.csv');

export interface Sentence {
  row: number;
  sentence: number;
  asrQuestion: boolean;
  predicted: boolean;
  /** The detector's question type for the sentence, as if it were a question. */
  open: boolean;
  higherOrder: boolean;
}

/** The sentences of a DialogID-style CSV with the detector's verdict on each, punctuation removed. */
export function detectSentences(csvText: string): Sentence[] {
  const [header, ...rows] = parseCsv(csvText);
  const ti = header?.indexOf('text') ?? -1;
  if (ti < 0) throw new Error('expected a text column');
  const out: Sentence[] = [];
  rows.forEach((r, row) => {
    let sentence = 0;
    for (const s of splitSentences(r[ti] ?? '')) {
      const bare = stripPunctuation(s);
      if (!bare) continue;
      out.push({
        row,
        sentence: sentence++,
        asrQuestion: terminator(s) === 'question',
        predicted: analyseQuestions(bare, 'zh').questions > 0,
        ...classifyQuestion(bare, 'zh'),
      });
    }
  });
  return out;
}

interface Scores {
  sentences: number;
  questions: number;
  precision: number;
  recall: number;
  f1: number;
}

function score(pairs: { gold: boolean; predicted: boolean }[]): Scores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const { gold, predicted } of pairs) {
    if (gold && predicted) tp++;
    else if (predicted) fp++;
    else if (gold) fn++;
  }
  const p = tp + fp ? tp / (tp + fp) : 0;
  const r = tp + fn ? tp / (tp + fn) : 0;
  const round = (v: number) => Number(v.toFixed(3));
  return {
    sentences: pairs.length,
    questions: tp + fn,
    precision: round(p),
    recall: round(r),
    f1: round(p + r ? (2 * p * r) / (p + r) : 0),
  };
}

interface Label {
  set: string;
  row: number;
  sentence: number;
  question: boolean;
}

/** Rows of a labels CSV: `set,row,sentence` and the named 0/1 columns. */
function readFlags<K extends string>(
  text: string,
  flags: readonly K[],
): ({ set: string; row: number; sentence: number } & Record<K, boolean>)[] {
  const [header, ...rows] = parseCsv(text);
  const names = ['set', 'row', 'sentence', ...flags];
  const idx = names.map((name) => {
    const i = header?.indexOf(name) ?? -1;
    if (i < 0) throw new Error(`labels: expected columns ${names.join(',')} (no ${name})`);
    return i;
  });
  return rows
    .filter((r) => r.length > 1)
    .map((r, k) => {
      const out: Record<string, unknown> = {
        set: r[idx[0]!] ?? '',
        row: Number(r[idx[1]!]),
        sentence: Number(r[idx[2]!]),
      };
      flags.forEach((f, j) => {
        const v = r[idx[j + 3]!];
        if (v !== '0' && v !== '1') throw new Error(`labels line ${k + 2}: ${f} must be 0 or 1`);
        out[f] = v === '1';
      });
      return out as { set: string; row: number; sentence: number } & Record<K, boolean>;
    });
}

export function readLabels(text: string): Label[] {
  return readFlags(text, ['question'] as const);
}

/** Pairs of (label, detector) per set and in all; a label naming no sentence is an error. */
function bySet<L extends { set: string; row: number; sentence: number }>(
  sentences: Sentence[],
  labels: L[],
  pair: (label: L, s: Sentence) => { gold: boolean; predicted: boolean },
): Map<string, { gold: boolean; predicted: boolean }[]> {
  const byKey = new Map(sentences.map((s) => [`${s.row}:${s.sentence}`, s]));
  const sets = new Map<string, { gold: boolean; predicted: boolean }[]>();
  for (const l of labels) {
    const s = byKey.get(`${l.row}:${l.sentence}`);
    if (!s) throw new Error(`labels: row ${l.row} has no sentence ${l.sentence} (is it the same CSV?)`);
    for (const name of [l.set, 'all']) {
      const list = sets.get(name) ?? [];
      list.push(pair(l, s));
      sets.set(name, list);
    }
  }
  return sets;
}

/** Scores the detector against labels, per set and in all. */
export function scoreLabelled(sentences: Sentence[], labels: Label[]): Record<string, Scores> {
  const sets = bySet(sentences, labels, (l, s) => ({ gold: l.question, predicted: s.predicted }));
  return Object.fromEntries([...sets].map(([name, pairs]) => [name, score(pairs)]));
}

/** Scores the question types of labelled questions, per set and in all. */
export function scoreTypes(
  sentences: Sentence[],
  text: string,
): Record<string, { open: Scores; higherOrder: Scores }> {
  const labels = readFlags(text, ['open', 'higherOrder'] as const);
  const open = bySet(sentences, labels, (l, s) => ({ gold: l.open, predicted: s.open }));
  const higher = bySet(sentences, labels, (l, s) => ({ gold: l.higherOrder, predicted: s.higherOrder }));
  return Object.fromEntries(
    [...open].map(([name, pairs]) => [
      name,
      { open: score(pairs), higherOrder: score(higher.get(name) ?? []) },
    ]),
  );
}

export async function run(csv: string, labelsFile?: string, typesFile?: string): Promise<object> {
  if (!csv)
    throw new Error('usage: npm run eval -- questions-zh <dialogid-style.csv> [labels.csv] [types.csv]');
  const started = Date.now();
  const sentences = detectSentences(readFileSync(csv, 'utf8'));
  const shipped = (file: string) => (path.basename(csv) === 'dev.csv' && existsSync(file) ? file : null);
  const labels = labelsFile ?? shipped(SHIPPED_LABELS);
  const types = typesFile ?? shipped(SHIPPED_TYPES);
  return {
    task: 'Chinese question detection, punctuation removed',
    file: path.basename(csv),
    asrMark: score(sentences.map((s) => ({ gold: s.asrQuestion, predicted: s.predicted }))),
    ...(labels
      ? {
          labels: path.relative(process.cwd(), labels),
          labelled: scoreLabelled(sentences, readLabels(readFileSync(labels, 'utf8'))),
        }
      : {}),
    ...(types
      ? {
          typeLabels: path.relative(process.cwd(), types),
          types: scoreTypes(sentences, readFileSync(types, 'utf8')),
        }
      : {}),
    seconds: (Date.now() - started) / 1000,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run(process.argv[2] ?? '', process.argv[3], process.argv[4]).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
