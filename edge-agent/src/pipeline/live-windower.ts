import { LevelMeter, type Levels } from '../audio/level.ts';
import type { SpeechSegment } from '../audio/vad-segments.ts';
import type { WindowStats } from '../metrics/windower.ts';

interface OpenWindow {
  samples: number;
  speechSamples: number;
  levels: Levels | null;
}

/**
 * Windows on the lesson's wall-clock timeline (window k covers [k·windowS, (k+1)·windowS) from
 * the lesson start) for a live source that can have gaps. Audio is placed where its timestamp says;
 * a stretch with no audio is never filled: coverageS is the seconds that really arrived (less than
 * durationS across a gap, 0 for a window wholly inside one). Sums only, never samples [PRIV-1].
 */
export class LiveWindower {
  readonly #rate: number;
  readonly #windowSamples: number;
  readonly #meter: LevelMeter;
  readonly #open = new Map<number, OpenWindow>();
  #meterWindow = -1;
  #nextToClose = 0;

  constructor(windowS: number, sampleRate = 16_000) {
    this.#rate = sampleRate;
    this.#windowSamples = Math.round(windowS * sampleRate);
    this.#meter = new LevelMeter(sampleRate);
  }

  /** Where the next window to close starts, in samples from the lesson start. */
  get closedUntilSamples(): number {
    return this.#nextToClose * this.#windowSamples;
  }

  /** Mono samples starting at `pos` (samples from the lesson start), split at window edges. */
  addAudio(pos: number, chunk: Float32Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      const at = pos + offset;
      const index = Math.floor(at / this.#windowSamples);
      const take = Math.min((index + 1) * this.#windowSamples - at, chunk.length - offset);
      if (index !== this.#meterWindow) this.#takeLevels();
      this.#meterWindow = index;
      this.#meter.push(chunk.subarray(offset, offset + take));
      this.#window(index).samples += take;
      offset += take;
    }
  }

  /** Final speech segments, s from the lesson start. */
  addSegments(segments: SpeechSegment[]): void {
    for (const seg of segments) {
      let start = Math.round(seg.startS * this.#rate);
      const end = Math.round(seg.endS * this.#rate);
      while (start < end) {
        const index = Math.floor(start / this.#windowSamples);
        const stop = Math.min(end, (index + 1) * this.#windowSamples);
        if (index >= this.#nextToClose) this.#window(index).speechSamples += stop - start;
        start = stop;
      }
    }
  }

  /** Closes the windows that end at or before `untilS`. */
  drain(untilS: number): WindowStats[] {
    const limit = Math.round(untilS * this.#rate);
    const out: WindowStats[] = [];
    while ((this.#nextToClose + 1) * this.#windowSamples <= limit)
      out.push(this.#close(this.#nextToClose, this.#windowSamples));
    return out;
  }

  /** Closes everything up to the lesson's end (s); the last window may be short. */
  finish(endS: number): WindowStats[] {
    const end = Math.round(endS * this.#rate);
    const out = this.drain(endS);
    const tail = end - this.#nextToClose * this.#windowSamples;
    // Under 1 ms makes no window: the wire needs durationS > 0 at millisecond precision.
    if (tail >= this.#rate / 1000) out.push(this.#close(this.#nextToClose, tail));
    return out;
  }

  #takeLevels(): void {
    if (this.#meterWindow < 0) return;
    const w = this.#open.get(this.#meterWindow);
    const levels = this.#meter.take();
    if (w && !w.levels) w.levels = levels;
    this.#meterWindow = -1;
  }

  #window(index: number): OpenWindow {
    let w = this.#open.get(index);
    if (!w) {
      w = { samples: 0, speechSamples: 0, levels: null };
      this.#open.set(index, w);
    }
    return w;
  }

  #close(index: number, length: number): WindowStats {
    if (this.#meterWindow === index) this.#takeLevels();
    const w = this.#window(index);
    this.#open.delete(index);
    this.#nextToClose = index + 1;
    const coverageS = round3(Math.min(w.samples, length) / this.#rate);
    const speechS = round3(Math.min(w.speechSamples, w.samples) / this.#rate);
    return {
      index,
      startS: round3((index * this.#windowSamples) / this.#rate),
      durationS: round3(length / this.#rate),
      coverageS,
      speechS,
      silenceS: round3(Math.max(0, coverageS - speechS)),
      levelDbfs: w.levels?.levelDbfs ?? null,
      levelDba: w.levels?.levelDba ?? null,
    };
  }
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
