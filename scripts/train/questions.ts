/**
 * Trains the question detectors from punctuation used as a label: a sentence that ends with a
 * question mark is a question. The question mark itself is removed from the model's input, so
 * the detector works on unpunctuated ASR text.
 *   zh: DialogID train.csv (MIT, ASR text with punctuation)
 *   en: NCTE uptake student and teacher turns (MIT)
 * TalkMoves (CC BY-NC-SA) is never read here: it is evaluation only.
 *
 *   npx tsx scripts/train/questions.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitSentences, stripPunctuation, terminator } from '../../edge-agent/src/speech/text.ts';
import { englishCue } from '../../edge-agent/src/speech/question.ts';
import { LinearModel } from '../../edge-agent/src/speech/linear-model.ts';
import type { FeatureKind } from '../../edge-agent/src/speech/features.ts';
import { format, resolveConfig } from 'prettier';
import { parseCsv, train, type Example } from './linear.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DATA = path.resolve(here, '../../../shared/data/transcripts');
const MODELS = path.resolve(here, '../../edge-agent/src/speech/models');

/** Sentences that end with a terminator, labelled 1 for '?'/'？'. Unterminated fragments are skipped. */
export function sentenceExamples(texts: readonly string[]): Example[] {
  const out: Example[] = [];
  for (const t of texts) {
    for (const s of splitSentences(t)) {
      const end = terminator(s);
      if (end !== null) out.push({ text: s, label: end === 'question' ? 1 : 0 });
    }
  }
  return out;
}

function column(file: string, names: string[]): string[] {
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  const idx = names.map((n) => header!.indexOf(n));
  return rows.flatMap((r) => idx.map((i) => r[i] ?? ''));
}

interface Scored {
  p: number;
  y: number;
  cue: boolean;
}

function score(model: LinearModel, hold: readonly Example[], cue?: (bare: string) => boolean): Scored[] {
  return hold.map((e) => ({
    p: model.probabilities(e.text)[1]!,
    y: e.label,
    cue: cue?.(stripPunctuation(e.text)) ?? false,
  }));
}

/**
 * Threshold that maximises F1 on held-out predictions. `cue` is the rule layer that runs before
 * the model at inference (question.ts): sentences it already calls questions count as predicted
 * questions whatever the threshold, so the threshold is chosen for the combined decision.
 */
function bestThreshold(p: readonly Scored[]): number {
  let best = { t: 0.5, f1: -1 };
  for (let t = 0.2; t <= 0.8001; t += 0.025) {
    let tp = 0,
      fp = 0,
      fn = 0;
    for (const x of p) {
      const predicted = x.cue || x.p >= t;
      if (predicted && x.y === 1) tp++;
      else if (predicted) fp++;
      else if (x.y === 1) fn++;
    }
    const f1 = (2 * tp) / (2 * tp + fp + fn);
    if (f1 > best.f1) best = { t: Number(t.toFixed(3)), f1 };
  }
  return best.t;
}

const SEED = 20260101;

export interface Grouped extends Example {
  /** Hold-out group (a lesson); examples of one lesson are never split between fit and hold-out. */
  group: number;
}

async function fit(
  task: string,
  features: FeatureKind,
  examples: Grouped[],
  data: string,
  holdOut: { folds: number; cue?: (bare: string) => boolean },
) {
  const options = {
    task,
    labels: ['statement', 'question'],
    features,
    bits: 14,
    epochs: 6,
    seed: SEED,
    learningRate: 0.2,
    l2: 0,
    data,
    licence: 'MIT',
  };
  // folds 1: one hold-out of every 10th group. More folds: out-of-fold predictions of every
  // example, pooled, so the threshold does not hang on which few lessons one hold-out happens
  // to hold (NCTE has 11.7k sentences from a few hundred transcripts).
  const scored: Scored[] = [];
  const k = holdOut.folds;
  for (let f = 0; f < k; f++) {
    const inFold = (e: Grouped) => (k === 1 ? e.group % 10 === 0 : e.group % k === f);
    const model = new LinearModel(
      train(
        examples.filter((e) => !inFold(e)),
        options,
      ),
    );
    scored.push(...score(model, examples.filter(inFold), holdOut.cue));
  }
  const threshold = bestThreshold(scored);
  const file = { ...train(examples, options), threshold };
  const json = await format(JSON.stringify(file), {
    ...(await resolveConfig(path.join(MODELS, `${task}.json`))),
    parser: 'json',
  });
  writeFileSync(path.join(MODELS, `${task}.json`), json);
  return {
    task,
    examples: examples.length,
    questions: examples.filter((e) => e.label === 1).length,
    threshold,
    bytes: json.length,
  };
}

/** NCTE sentences grouped by transcript (obs_id), student and teacher turns both. */
export function ncteExamples(file: string): Grouped[] {
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  const [oi, si, ti] = ['obs_id', 'student_text', 'teacher_text'].map((n) => header!.indexOf(n));
  return rows.flatMap((r) =>
    sentenceExamples([r[si!] ?? '', r[ti!] ?? '']).map((e) => ({ ...e, group: Number(r[oi!]) })),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // DialogID has no lesson id column: its hold-out stays every 10th sentence, as before.
  const zh = sentenceExamples(column(path.join(DATA, 'dialogid-zh/train.csv'), ['text'])).map((e, i) => ({
    ...e,
    group: i,
  }));
  const en = ncteExamples(path.join(DATA, 'ncte-uptake/uptake_data.csv'));
  console.log(
    JSON.stringify([
      await fit('question-zh', 'zh-char-1-3', zh, 'DialogID train.csv (ai4ed), punctuation as label', {
        folds: 1,
      }),
      await fit(
        'question-en',
        'en-question-2',
        en,
        'NCTE uptake_data.csv (conversational-uptake), punctuation as label',
        { folds: 5, cue: englishCue },
      ),
    ]),
  );
}
