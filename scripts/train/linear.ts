/**
 * Multinomial logistic regression over hashed sparse features, trained with AdaGrad and a seeded
 * shuffle so the same data gives byte-identical weights. Used by the training scripts beside it.
 */
import { hashFeatures, type FeatureKind } from '../../edge-agent/src/speech/features.ts';
import type { LinearModelFile } from '../../edge-agent/src/speech/linear-model.ts';

export interface Example {
  text: string;
  label: number;
}

export interface TrainOptions {
  task: string;
  labels: string[];
  features: FeatureKind;
  bits: number;
  epochs: number;
  seed: number;
  learningRate: number;
  /** L2 penalty per update (applied to the touched weights only). */
  l2: number;
  data: string;
  licence: string;
}

/** mulberry32: small seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export function train(examples: readonly Example[], o: TrainOptions): LinearModelFile {
  const k = o.labels.length;
  const dim = 1 << o.bits;
  const w = new Float64Array(dim * k);
  const g2 = new Float64Array(dim * k).fill(1e-8);
  const b = new Float64Array(k);
  const bg2 = new Float64Array(k).fill(1e-8);
  const feats = examples.map((e) => ({ f: hashFeatures(e.text, o.features, o.bits), y: e.label }));
  const random = rng(o.seed);
  const order = feats.map((_, i) => i);
  const scores = new Float64Array(k);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffle(order, random);
    for (const idx of order) {
      const { f, y } = feats[idx]!;
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        let s = b[c]!;
        for (const i of f.indices) s += w[c * dim + i]! * f.value;
        scores[c] = s;
        if (s > max) max = s;
      }
      let total = 0;
      for (let c = 0; c < k; c++) total += scores[c] = Math.exp(scores[c]! - max);
      for (let c = 0; c < k; c++) {
        const grad = scores[c]! / total - (c === y ? 1 : 0);
        bg2[c]! += grad * grad;
        b[c]! -= (o.learningRate * grad) / Math.sqrt(bg2[c]!);
        for (const i of f.indices) {
          const j = c * dim + i;
          const gj = grad * f.value + o.l2 * w[j]!;
          g2[j]! += gj * gj;
          w[j]! -= (o.learningRate * gj) / Math.sqrt(g2[j]!);
        }
      }
    }
  }
  return quantise(w, b, o, examples.length);
}

function quantise(w: Float64Array, b: Float64Array, o: TrainOptions, n: number): LinearModelFile {
  let maxAbs = 0;
  for (const v of w) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs > 0 ? maxAbs / 127 : 1;
  const q = new Int8Array(w.length);
  w.forEach((v, i) => (q[i] = Math.round(v / scale)));
  return {
    format: 'hashed-linear/1',
    task: o.task,
    labels: o.labels,
    features: o.features,
    bits: o.bits,
    scale: Number(scale.toPrecision(8)),
    bias: [...b].map((v) => Number(v.toPrecision(8))),
    weightsInt8Base64: Buffer.from(q.buffer).toString('base64'),
    training: { data: o.data, licence: o.licence, seed: o.seed, epochs: o.epochs, examples: n },
  };
}

/** Minimal RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF). */
export function parseCsv(source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c.length > 0));
}
