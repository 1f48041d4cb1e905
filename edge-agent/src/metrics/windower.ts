import { LevelMeter, type Levels } from '../audio/level.ts';
import type { SpeechSegment } from '../audio/vad-segments.ts';

/** One closed window's figures, before it becomes a wire message. */
export interface WindowStats extends Levels {
  index: number;
  /** Offset of the window from the lesson start, s. */
  startS: number;
  /** The window's real length: windowS, or less for the last one, s. */
  durationS: number;
  /** Seconds actually analysed (= speechS + silenceS). */
  coverageS: number;
  speechS: number;
  silenceS: number;
}

interface OpenWindow {
  speechSamples: number;
  levels: Levels | null;
  samples: number;
}

/**
 * Turns the streams of samples and speech segments into fixed windows aligned to
 * the lesson start (window k covers [k·windowS, (k+1)·windowS)). A window closes once the audio
 * has passed its end and the segmenter's watermark says no later segment can reach back into it.
 * Only sums are kept per window, never samples [PRIV-1].
 */
export class Windower {
  readonly #rate: number;
  readonly #windowSamples: number;
  readonly #meter: LevelMeter;
  readonly #open = new Map<number, OpenWindow>();
  #samples = 0;
  #nextToClose = 0;

  constructor(windowS: number, sampleRate = 16_000) {
    this.#rate = sampleRate;
    this.#windowSamples = Math.round(windowS * sampleRate);
    this.#meter = new LevelMeter(sampleRate);
  }

  get samplesSeen(): number {
    return this.#samples;
  }

  /** Feeds decoded samples in order; levels are split exactly at window boundaries. */
  addAudio(chunk: Float32Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      const index = Math.floor(this.#samples / this.#windowSamples);
      const room = (index + 1) * this.#windowSamples - this.#samples;
      const take = Math.min(room, chunk.length - offset);
      this.#meter.push(chunk.subarray(offset, offset + take));
      const w = this.#window(index);
      w.samples += take;
      this.#samples += take;
      offset += take;
      if (take === room) w.levels = this.#meter.take();
    }
  }

  /** Adds final speech segments (seconds), split across the windows they overlap. */
  addSegments(segments: SpeechSegment[]): void {
    for (const seg of segments) {
      let start = Math.round(seg.startS * this.#rate);
      const end = Math.round(seg.endS * this.#rate);
      while (start < end) {
        const index = Math.floor(start / this.#windowSamples);
        const stop = Math.min(end, (index + 1) * this.#windowSamples);
        this.#window(index).speechSamples += stop - start;
        start = stop;
      }
    }
  }

  /** Windows that can close given the segmenter's watermark (s), in order. */
  drain(watermarkS: number): WindowStats[] {
    const limit = Math.min(Math.round(watermarkS * this.#rate), this.#samples);
    const out: WindowStats[] = [];
    while ((this.#nextToClose + 1) * this.#windowSamples <= limit) out.push(this.#close(this.#nextToClose));
    return out;
  }

  /**
   * Closes every remaining window at the end of the stream; the last one may be short. A tail
   * under 1 ms (a decoder's rounding, e.g. 480,001 samples for 30 s) makes no window: the wire
   * needs durationS > 0 at millisecond precision.
   */
  finish(): WindowStats[] {
    const out: WindowStats[] = [];
    const levels = this.#meter.take();
    const tail = this.#samples % this.#windowSamples;
    const dropTail = tail > 0 && tail < this.#rate / 1000 && this.#samples > tail;
    const last = Math.ceil(this.#samples / this.#windowSamples) - 1 - (dropTail ? 1 : 0);
    const lastWindow = this.#open.get(last);
    if (lastWindow && !lastWindow.levels) lastWindow.levels = levels;
    while (this.#nextToClose <= last) out.push(this.#close(this.#nextToClose));
    return out;
  }

  #window(index: number): OpenWindow {
    let w = this.#open.get(index);
    if (!w) {
      w = { speechSamples: 0, levels: null, samples: 0 };
      this.#open.set(index, w);
    }
    return w;
  }

  #close(index: number): WindowStats {
    const w = this.#window(index);
    this.#open.delete(index);
    this.#nextToClose = index + 1;
    const durationS = round3(w.samples / this.#rate);
    const speechS = round3(Math.min(w.speechSamples, w.samples) / this.#rate);
    return {
      index,
      startS: round3((index * this.#windowSamples) / this.#rate),
      durationS,
      coverageS: durationS,
      speechS,
      silenceS: round3(durationS - speechS),
      levelDbfs: w.levels?.levelDbfs ?? null,
      levelDba: w.levels?.levelDba ?? null,
    };
  }
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
