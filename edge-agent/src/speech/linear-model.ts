import { hashFeatures, type FeatureKind } from './features.ts';

/**
 * A hashed-feature linear classifier as stored on disk: int8 weights (class-major, base64) times
 * one scale, plus float biases. Small enough to commit; trained by scripts/train/.
 */
export interface LinearModelFile {
  format: 'hashed-linear/1';
  task: string;
  labels: string[];
  features: FeatureKind;
  bits: number;
  scale: number;
  bias: number[];
  weightsInt8Base64: string;
  /** Decision threshold on P(labels[1]) for two-label models; ignored otherwise. */
  threshold?: number;
  training: { data: string; licence: string; seed: number; epochs: number; examples: number };
}

export class LinearModel {
  readonly labels: readonly string[];
  private readonly weights: Int8Array;
  private readonly dim: number;

  constructor(private readonly file: LinearModelFile) {
    if (file.format !== 'hashed-linear/1')
      throw new Error(`unsupported model format (${String(file.format)})`);
    const raw = Buffer.from(file.weightsInt8Base64, 'base64');
    this.weights = new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    this.dim = 1 << file.bits;
    if (this.weights.length !== this.dim * file.labels.length || file.bias.length !== file.labels.length) {
      throw new Error(`model ${file.task}: weight shape does not match its labels and bits`);
    }
    this.labels = file.labels;
  }

  /** Class probabilities (softmax), in `labels` order. */
  probabilities(text: string): number[] {
    const f = hashFeatures(text, this.file.features, this.file.bits);
    const k = this.labels.length;
    const scores = this.file.bias.slice();
    for (let c = 0; c < k; c++) {
      const base = c * this.dim;
      let s = 0;
      for (const i of f.indices) s += this.weights[base + i]!;
      scores[c]! += s * f.value * this.file.scale;
    }
    const max = Math.max(...scores);
    const exps = scores.map((s) => Math.exp(s - max));
    const total = exps.reduce((a, b) => a + b, 0);
    return exps.map((e) => e / total);
  }

  predict(text: string): string {
    const p = this.probabilities(text);
    if (this.labels.length === 2 && this.file.threshold !== undefined) {
      return this.labels[p[1]! >= this.file.threshold ? 1 : 0]!;
    }
    let best = 0;
    p.forEach((v, i) => (best = v > p[best]! ? i : best));
    return this.labels[best]!;
  }
}
