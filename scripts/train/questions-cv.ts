/**
 * 5-fold cross-validation of the English question detector on NCTE (MIT), folds by transcript:
 * F1 of the model alone and of cue rules + model, each at its best threshold. This is how the
 * feature kind and the English cue rules in question.ts were chosen; TalkMoves is never read.
 *
 *   npx tsx scripts/train/questions-cv.ts [feature-kind]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeatureKind } from '../../edge-agent/src/speech/features.ts';
import { LinearModel } from '../../edge-agent/src/speech/linear-model.ts';
import { englishCue } from '../../edge-agent/src/speech/question.ts';
import { stripPunctuation } from '../../edge-agent/src/speech/text.ts';
import { train } from './linear.ts';
import { DATA, ncteExamples } from './questions.ts';

const FOLDS = 5;

function bestF1(scored: { p: number; cue: boolean; y: number }[], withCues: boolean) {
  let best = { threshold: 0, f1: 0 };
  for (let t = 0.1; t < 0.9001; t += 0.025) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const x of scored) {
      const predicted = x.p >= t || (withCues && x.cue);
      if (predicted && x.y === 1) tp++;
      else if (predicted) fp++;
      else if (x.y === 1) fn++;
    }
    const f1 = (2 * tp) / (2 * tp + fp + fn);
    if (f1 > best.f1) best = { threshold: Number(t.toFixed(3)), f1: Number(f1.toFixed(4)) };
  }
  return best;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const features = (process.argv[2] ?? 'en-question-2') as FeatureKind;
  const examples = ncteExamples(path.join(DATA, 'ncte-uptake/uptake_data.csv'));
  const scored = [];
  for (let f = 0; f < FOLDS; f++) {
    const model = new LinearModel(
      train(
        examples.filter((e) => e.group % FOLDS !== f),
        {
          task: 'question-en-cv',
          labels: ['statement', 'question'],
          features,
          bits: 14,
          epochs: 6,
          seed: 20260101,
          learningRate: 0.2,
          l2: 0,
          data: 'NCTE',
          licence: 'MIT',
        },
      ),
    );
    for (const e of examples.filter((x) => x.group % FOLDS === f)) {
      const bare = stripPunctuation(e.text);
      scored.push({ p: model.probabilities(bare)[1]!, cue: englishCue(bare), y: e.label });
    }
  }
  console.log(
    JSON.stringify({
      features,
      sentences: examples.length,
      model: bestF1(scored, false),
      cuesAndModel: bestF1(scored, true),
    }),
  );
}
