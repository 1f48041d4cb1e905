/**
 * `npm run eval -- questions-zh <dialogid-style.csv> [labels.csv]`: Chinese question detection on
 * unpunctuated ASR text, printed as JSON.
 *
 * Every sentence of the CSV's `text` column (split as the agent splits ASR text) is given to the
 * detector with its punctuation removed, and scored two ways:
 * - `asrMark`: against the ASR's own question mark (a sentence ending in ？ or ?). Every sentence
 *   is scored, but the mark is a weak label: ASR leaves many questions without one.
 * - `labelled`: against human labels (CSV columns `set,row,sentence,question`: the 0-based data
 *   row, the 0-based sentence within it, 1 or 0), per `set` and in all. Without a labels file the
 *   shipped one for DialogID dev is used when the CSV is that file's namesake (`dev.csv`).
 * The label conventions and how the shipped labels were made are in docs/accuracy.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyseQuestions } from '../../edge-agent/src/speech/question.ts';
import { splitSentences, stripPunctuation, terminator } from '../../edge-agent/src/speech/text.ts';
import { parseCsv } from '../train/linear.ts';

const SHIPPED_LABELS = path.join(import.meta.dirname, 'labels', 'dialogid-dev-zh-questions.csv');

export interface Sentence {
  row: number;
  sentence: number;
  asrQuestion: boolean;
  predicted: boolean;
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

export function readLabels(text: string): Label[] {
  const [header, ...rows] = parseCsv(text);
  const col = (name: string) => {
    const i = header?.indexOf(name) ?? -1;
    if (i < 0) throw new Error(`labels: expected columns set,row,sentence,question (no ${name})`);
    return i;
  };
  const [si, ri, ni, qi] = [col('set'), col('row'), col('sentence'), col('question')];
  return rows
    .filter((r) => r.length > 1)
    .map((r, k) => {
      const q = r[qi];
      if (q !== '0' && q !== '1') throw new Error(`labels line ${k + 2}: question must be 0 or 1`);
      return { set: r[si] ?? '', row: Number(r[ri]), sentence: Number(r[ni]), question: q === '1' };
    });
}

/** Scores the detector against labels, per set and in all; a label naming no sentence is an error. */
export function scoreLabelled(sentences: Sentence[], labels: Label[]): Record<string, Scores> {
  const byKey = new Map(sentences.map((s) => [`${s.row}:${s.sentence}`, s]));
  const sets = new Map<string, { gold: boolean; predicted: boolean }[]>();
  for (const l of labels) {
    const s = byKey.get(`${l.row}:${l.sentence}`);
    if (!s) throw new Error(`labels: row ${l.row} has no sentence ${l.sentence} (is it the same CSV?)`);
    for (const name of [l.set, 'all']) {
      const list = sets.get(name) ?? [];
      list.push({ gold: l.question, predicted: s.predicted });
      sets.set(name, list);
    }
  }
  return Object.fromEntries([...sets].map(([name, pairs]) => [name, score(pairs)]));
}

export async function run(csv: string, labelsFile?: string): Promise<object> {
  if (!csv) throw new Error('usage: npm run eval -- questions-zh <dialogid-style.csv> [labels.csv]');
  const started = Date.now();
  const sentences = detectSentences(readFileSync(csv, 'utf8'));
  const labels =
    labelsFile ?? (path.basename(csv) === 'dev.csv' && existsSync(SHIPPED_LABELS) ? SHIPPED_LABELS : null);
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
    seconds: (Date.now() - started) / 1000,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run(process.argv[2] ?? '', process.argv[3]).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
