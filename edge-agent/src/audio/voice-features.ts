import { RealFft } from './fft.ts';

/** Analysis frame: 25 ms Hann window, zero-padded to a 512-point FFT. */
const WIN = 400;
const NFFT = 512;
/** 15.6 ms hop: 16 frames per block. */
export const HOP_SAMPLES = 250;
/** One feature block: 0.25 s, the time resolution of role decisions. */
export const BLOCK_FRAMES = 16;
/** Pitch is estimated on every second frame (8 per block), which halves its cost. */
const PITCH_EVERY = 2;
/** Pitch works on the signal decimated to 4 kHz (mean of 4 samples), over the last 40 ms. */
const DEC_FACTOR = 4;
const DEC_RATE = 4000;
const DEC_WIN = 160;
const MEL_BANDS = 26;
/** Cepstral coefficients c1..c20 (c0, the loudness, is kept apart: distance to the mic is not a voice). */
export const CEPSTRA = 20;
const MIN_HZ = 80;
const MAX_HZ = 7600;
/** F0 search range: adult men to young children. */
const F0_MIN_HZ = 70;
const F0_MAX_HZ = 450;

/**
 * Summary of one 0.25 s block: sums of the per-frame cepstra and their squares, the mean log
 * energy and a pitch estimate. These numbers stay in the agent's memory for the lesson only and are
 * dropped when the lesson's roles are decided [PRIV-1, PRIV-5]; they describe a voice within one
 * lesson and are never compared across lessons.
 */
export interface FeatureBlock {
  startS: number;
  frames: number;
  sum: Float32Array;
  sumSq: Float32Array;
  /** Mean log power of the frames (natural log), for loudness and silence checks. */
  logEnergy: number;
  /** Median F0 of the voiced frames, Hz; 0 when none was voiced. */
  f0Hz: number;
}

function hzToMel(hz: number): number {
  return 2595 * Math.log10(1 + hz / 700);
}
function melToHz(mel: number): number {
  return 700 * (10 ** (mel / 2595) - 1);
}

/** Triangular mel filters as [first bin, weights] pairs, so the sum skips the zeros. */
function melFilters(rate: number): { first: number; weights: Float64Array }[] {
  const lo = hzToMel(MIN_HZ);
  const hi = hzToMel(Math.min(MAX_HZ, rate / 2));
  const edges = Array.from(
    { length: MEL_BANDS + 2 },
    (_, i) => (melToHz(lo + ((hi - lo) * i) / (MEL_BANDS + 1)) * NFFT) / rate,
  );
  const out: { first: number; weights: Float64Array }[] = [];
  for (let m = 1; m <= MEL_BANDS; m++) {
    const [l, c, r] = [edges[m - 1]!, edges[m]!, edges[m + 1]!];
    const first = Math.ceil(l);
    const last = Math.floor(r);
    const weights = new Float64Array(Math.max(0, last - first + 1));
    for (let k = first; k <= last; k++) weights[k - first] = k <= c ? (k - l) / (c - l) : (r - k) / (r - c);
    out.push({ first, weights });
  }
  return out;
}

/**
 * Streaming MFCC and pitch statistics per 0.25 s block, for the role attribution. Works on the
 * same decoded chunks as the VAD; keeps a frame's worth of samples between chunks and nothing else
 * of the audio [PRIV-1]. Cost per 15.6 ms: one 512-point real FFT; pitch on every second frame.
 */
export class VoiceFeatureExtractor {
  readonly #rate: number;
  readonly #fft = new RealFft(NFFT);
  readonly #samples = new Float64Array(NFFT);
  readonly #power = new Float64Array(NFFT / 2 + 1);
  readonly #dec = new Float64Array(DEC_WIN);
  readonly #decLinear = new Float64Array(DEC_WIN);
  readonly #nccf = new Float64Array(DEC_WIN);
  #decPos = 0;
  #decSum = 0;
  #decCount = 0;
  readonly #window = new Float64Array(WIN);
  readonly #filters: { first: number; weights: Float64Array }[];
  readonly #dct: Float64Array;
  readonly #re = new Float64Array(NFFT / 2 + 1);
  readonly #im = new Float64Array(NFFT / 2 + 1);
  readonly #mel = new Float64Array(MEL_BANDS);
  readonly #ring = new Float32Array(WIN);
  #ringFilled = 0;
  /** Where the next sample goes, which is also the oldest sample once the buffer is full. */
  #ringPos = 0;
  #sinceHop = 0;
  #frameIndex = 0;
  #block: FeatureBlock;
  #blockEnergy = 0;
  #blockF0: number[] = [];
  #blocks: FeatureBlock[] = [];

  constructor(sampleRate = 16_000) {
    this.#rate = sampleRate;
    for (let i = 0; i < WIN; i++) this.#window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (WIN - 1));
    this.#filters = melFilters(sampleRate);
    this.#dct = new Float64Array(CEPSTRA * MEL_BANDS);
    for (let c = 0; c < CEPSTRA; c++)
      for (let m = 0; m < MEL_BANDS; m++)
        this.#dct[c * MEL_BANDS + m] = Math.cos((Math.PI * (c + 1) * (m + 0.5)) / MEL_BANDS);
    this.#block = this.#newBlock(0);
  }

  push(chunk: Float32Array): void {
    for (let i = 0; i < chunk.length; i++) {
      // A circular buffer of the last WIN samples; a frame is taken every HOP samples once full.
      this.#ring[this.#ringPos] = chunk[i]!;
      this.#ringPos = (this.#ringPos + 1) % WIN;
      if (this.#ringFilled < WIN) this.#ringFilled += 1;
      this.#sinceHop += 1;
      this.#decSum += chunk[i]!;
      if (++this.#decCount === DEC_FACTOR) {
        this.#dec[this.#decPos] = this.#decSum / DEC_FACTOR;
        this.#decPos = (this.#decPos + 1) % DEC_WIN;
        this.#decSum = 0;
        this.#decCount = 0;
      }
      if (this.#ringFilled === WIN && this.#sinceHop >= HOP_SAMPLES) {
        this.#sinceHop = 0;
        this.#frame();
      }
    }
  }

  /** Blocks completed so far (taken: the extractor forgets them). */
  take(): FeatureBlock[] {
    const out = this.#blocks;
    this.#blocks = [];
    return out;
  }

  /** Closes the trailing partial block. */
  finish(): FeatureBlock[] {
    if (this.#block.frames > 0) this.#closeBlock();
    return this.take();
  }

  #newBlock(startS: number): FeatureBlock {
    return {
      startS,
      frames: 0,
      sum: new Float32Array(CEPSTRA),
      sumSq: new Float32Array(CEPSTRA),
      logEnergy: 0,
      f0Hz: 0,
    };
  }

  #closeBlock(): void {
    const b = this.#block;
    b.logEnergy = b.frames ? this.#blockEnergy / b.frames : 0;
    const f0 = this.#blockF0.sort((x, y) => x - y);
    b.f0Hz = f0.length >= 3 ? f0[f0.length >> 1]! : 0;
    this.#blocks.push(b);
    this.#blockEnergy = 0;
    this.#blockF0 = [];
    this.#block = this.#newBlock((this.#frameIndex * HOP_SAMPLES) / this.#rate);
  }

  #frame(): void {
    const re = this.#re;
    const im = this.#im;
    const x = this.#samples;
    const pw = this.#power;
    // The frame started WIN samples ago; its block is by frame count so block edges sit on the hop grid.
    let mean = 0;
    for (let i = 0; i < WIN; i++) mean += this.#ring[i]!;
    mean /= WIN;
    const pos = this.#ringPos;
    const wrap = WIN - pos;
    for (let i = 0; i < wrap; i++) x[i] = (this.#ring[pos + i]! - mean) * this.#window[i]!;
    for (let i = wrap; i < WIN; i++) x[i] = (this.#ring[i - wrap]! - mean) * this.#window[i]!;
    x.fill(0, WIN);
    this.#fft.forward(x, re, im);
    let power = 0;
    for (let k = 0; k <= NFFT / 2; k++) {
      const p = re[k]! * re[k]! + im[k]! * im[k]!;
      pw[k] = p;
      power += p;
    }
    const logE = Math.log(power + 1e-10);
    for (let m = 0; m < MEL_BANDS; m++) {
      const { first, weights } = this.#filters[m]!;
      let s = 0;
      for (let j = 0; j < weights.length; j++) s += weights[j]! * pw[first + j]!;
      this.#mel[m] = Math.log(s + 1e-10);
    }
    const b = this.#block;
    for (let c = 0; c < CEPSTRA; c++) {
      let s = 0;
      const row = c * MEL_BANDS;
      for (let m = 0; m < MEL_BANDS; m++) s += this.#dct[row + m]! * this.#mel[m]!;
      b.sum[c] = b.sum[c]! + s;
      b.sumSq[c] = b.sumSq[c]! + s * s;
    }
    if (this.#frameIndex % PITCH_EVERY === 0) {
      const f0 = this.#pitch();
      if (f0 > 0) this.#blockF0.push(f0);
    }
    b.frames += 1;
    this.#blockEnergy += logE;
    this.#frameIndex += 1;
    if (b.frames === BLOCK_FRAMES) this.#closeBlock();
  }

  /**
   * F0 by normalised cross-correlation (as in RAPT's first pass) on the last 40 ms decimated to
   * 4 kHz: the smallest lag whose correlation is within 15 % of the best, so a multiple of the
   * period is not taken for it. 0 when the best correlation is under 0.5 (unvoiced or noise).
   */
  #pitch(): number {
    const x = this.#decLinear;
    const n = DEC_WIN;
    const start = this.#decPos; // oldest sample
    for (let i = 0; i < n; i++) x[i] = this.#dec[(start + i) % n]!;
    const minLag = Math.floor(DEC_RATE / F0_MAX_HZ);
    const maxLag = Math.ceil(DEC_RATE / F0_MIN_HZ);
    const len = n - maxLag;
    let e0 = 0;
    for (let i = 0; i < len; i++) e0 += x[i]! * x[i]!;
    if (e0 < 1e-7) return 0;
    const r = this.#nccf;
    let best = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let xy = 0;
      let ee = 0;
      for (let i = 0; i < len; i++) {
        const b = x[i + lag]!;
        xy += x[i]! * b;
        ee += b * b;
      }
      const v = ee > 0 ? xy / Math.sqrt(e0 * ee) : 0;
      r[lag] = v;
      if (v > best) best = v;
    }
    if (best < 0.5) return 0;
    for (let lag = minLag; lag <= maxLag; lag++) if (r[lag]! >= 0.85 * best) return DEC_RATE / lag;
    return 0;
  }
}
