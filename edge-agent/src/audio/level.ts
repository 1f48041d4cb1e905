import { AWeightingFilter } from './a-weighting.ts';

/** Floor for digital silence: the wire allows -200 dB and a level must be a number, not -Infinity. */
const FLOOR_DB = -200;

export interface Levels {
  /** RMS level, dBFS: 20·log10(rms), where a full-scale square wave is 0 dBFS (a full-scale sine is -3.01). */
  levelDbfs: number | null;
  /** The same after A-weighting, dB relative to full scale (an estimate: see a-weighting.ts). */
  levelDba: number | null;
}

/**
 * Accumulates sums of squares for the current window; the A-weighting filter's state carries on
 * across windows because the signal is continuous. Only the two sums are kept, never samples.
 */
export class LevelMeter {
  readonly #filter: AWeightingFilter;
  #sumSq = 0;
  #sumSqA = 0;
  #count = 0;

  constructor(sampleRate = 16_000) {
    this.#filter = new AWeightingFilter(sampleRate);
  }

  push(samples: Float32Array): void {
    const weighted = this.#filter.process(samples);
    for (let i = 0; i < samples.length; i++) {
      const x = samples[i]!;
      const y = weighted[i]!;
      this.#sumSq += x * x;
      this.#sumSqA += y * y;
    }
    this.#count += samples.length;
  }

  /** The levels since the last take, then starts a new window. */
  take(): Levels {
    const result: Levels =
      this.#count === 0
        ? { levelDbfs: null, levelDba: null }
        : {
            levelDbfs: Math.min(0, toDb(this.#sumSq / this.#count)),
            levelDba: toDb(this.#sumSqA / this.#count),
          };
    this.#sumSq = 0;
    this.#sumSqA = 0;
    this.#count = 0;
    return result;
  }
}

function toDb(meanSquare: number): number {
  if (meanSquare <= 0) return FLOOR_DB;
  return Math.max(FLOOR_DB, Math.round(10 * Math.log10(meanSquare) * 100) / 100);
}
