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
import { splitSentences, terminator } from '../../edge-agent/src/speech/text.ts';
import { LinearModel } from '../../edge-agent/src/speech/linear-model.ts';
import type { FeatureKind } from '../../edge-agent/src/speech/features.ts';
import { format, resolveConfig } from 'prettier';
import { parseCsv, train, type Example } from './linear.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const DATA = path.resolve(here, '../../../shared/data/transcripts');
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

/** Threshold that maximises F1 on the hold-out (every 10th example of the training data). */
function bestThreshold(model: LinearModel, hold: readonly Example[]): number {
  const p = hold.map((e) => ({ p: model.probabilities(e.text)[1]!, y: e.label }));
  let best = { t: 0.5, f1: -1 };
  for (let t = 0.2; t <= 0.8001; t += 0.025) {
    let tp = 0,
      fp = 0,
      fn = 0;
    for (const x of p) {
      if (x.p >= t && x.y === 1) tp++;
      else if (x.p >= t) fp++;
      else if (x.y === 1) fn++;
    }
    const f1 = (2 * tp) / (2 * tp + fp + fn);
    if (f1 > best.f1) best = { t: Number(t.toFixed(3)), f1 };
  }
  return best.t;
}

const SEED = 20260101;

async function fit(task: string, features: FeatureKind, examples: Example[], data: string) {
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
  const hold = examples.filter((_, i) => i % 10 === 0);
  const rest = examples.filter((_, i) => i % 10 !== 0);
  const threshold = bestThreshold(new LinearModel(train(rest, options)), hold);
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

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const zh = sentenceExamples(column(path.join(DATA, 'dialogid-zh/train.csv'), ['text']));
  const en = sentenceExamples(
    column(path.join(DATA, 'ncte-uptake/uptake_data.csv'), ['student_text', 'teacher_text']),
  );
  console.log(
    JSON.stringify([
      await fit('question-zh', 'zh-char-1-3', zh, 'DialogID train.csv (ai4ed), punctuation as label'),
      await fit(
        'question-en',
        'en-word-1-2-char-3',
        en,
        'NCTE uptake_data.csv (conversational-uptake), punctuation as label',
      ),
    ]),
  );
}
