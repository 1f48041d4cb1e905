import { DEFAULT_VAD_SETTINGS, type VadSettings } from './vad-settings.ts';

/** A closed speech segment in seconds from the start of the stream. */
export interface SpeechSegment {
  startS: number;
  endS: number;
}

interface Span {
  start: number;
  end: number;
}

/**
 * Hysteresis segmentation of frame probabilities, streaming (after Silero's get_speech_timestamps):
 * speech starts at a frame >= threshold, ends after minSilence below negThreshold, short runs are
 * dropped, and padding is added. A closed segment is held until the next one is confirmed or the
 * silence after it exceeds two paddings, because only then is its padded end known. All
 * positions are in samples internally, so frame rounding never accumulates.
 */
export class VadSegmenter {
  readonly #rate: number;
  readonly #threshold: number;
  readonly #negThreshold: number;
  readonly #minSpeech: number;
  readonly #minSilence: number;
  readonly #pad: number;
  readonly #maxSpeech: number;

  #pos = 0;
  #triggered = false;
  #confirmed = false;
  #start = 0;
  #paddedStart = 0;
  #tempEnd: number | null = null;
  #pending: Span | null = null;
  #emittedEnd = 0;

  constructor(settings: Partial<VadSettings> = {}, sampleRate = 16_000) {
    const s = { ...DEFAULT_VAD_SETTINGS, ...settings };
    const ms = (v: number) => Math.round((v * sampleRate) / 1000);
    this.#rate = sampleRate;
    this.#threshold = s.threshold;
    this.#negThreshold = s.negThreshold ?? Math.max(0.01, s.threshold - 0.15);
    this.#minSpeech = ms(s.minSpeechMs);
    this.#minSilence = ms(s.minSilenceMs);
    this.#pad = ms(s.speechPadMs);
    this.#maxSpeech = ms(s.maxSpeechMs);
  }

  /** Feeds one frame's probability and its real length in samples; returns segments now final. */
  push(prob: number, frameLength: number): SpeechSegment[] {
    const out: Span[] = [];
    const cur = this.#pos;
    const next = cur + frameLength;
    if (prob >= this.#threshold) {
      this.#tempEnd = null;
      if (!this.#triggered) {
        this.#triggered = true;
        this.#confirmed = false;
        this.#start = cur;
      }
    } else if (this.#triggered && prob < this.#negThreshold) {
      this.#tempEnd ??= cur;
      if (next - this.#tempEnd >= this.#minSilence) this.#close(this.#tempEnd, out);
    }
    this.#pos = next;
    if (this.#triggered) {
      if (!this.#confirmed && this.#pos - this.#start >= this.#minSpeech) this.#confirm(out);
      if (this.#confirmed && this.#pos - this.#start >= this.#maxSpeech) {
        // A forced cut: the next segment starts right here, so neither side gets padding.
        this.#close(this.#pos, out);
        this.#triggered = true;
        this.#confirmed = true;
        this.#start = this.#pos;
        this.#paddedStart = this.#pos;
        this.#flushPending(out, 0);
      }
    }
    // Held long enough that no later segment can come within two paddings of it. While a new run is
    // open (not yet long enough to keep) it may still be that segment, so wait for it.
    if (this.#pending && !this.#triggered && this.#pos - this.#pending.end >= 2 * this.#pad) {
      this.#flushPending(out, this.#pad);
    }
    return out.map((s) => this.#seconds(s));
  }

  /** Ends the stream at `totalSamples` (default: all pushed), closing any open segment. */
  finish(totalSamples: number = this.#pos): SpeechSegment[] {
    const out: Span[] = [];
    if (this.#triggered) {
      const end = this.#tempEnd ?? totalSamples;
      if (end - this.#start >= this.#minSpeech) this.#close(end, out);
      this.#triggered = false;
    }
    this.#flushPending(out, this.#pad);
    return out
      .map((s) => ({ start: Math.min(s.start, totalSamples), end: Math.min(s.end, totalSamples) }))
      .filter((s) => s.end > s.start)
      .map((s) => this.#seconds(s));
  }

  /** No segment emitted later can cover time before this, s: windows ending here may close. */
  get watermarkS(): number {
    let mark: number;
    if (this.#pending) mark = this.#pending.start;
    else if (this.#triggered) mark = this.#confirmed ? this.#paddedStart : this.#start - this.#pad;
    else mark = this.#pos - this.#pad;
    return Math.max(this.#emittedEnd, Math.min(mark, this.#pos)) / this.#rate;
  }

  /** Resolves the held segment's end padding now that the next segment's start is known. */
  #confirm(out: Span[]): void {
    this.#confirmed = true;
    if (this.#pending) {
      const gap = this.#start - this.#pending.end;
      const pad = gap < 2 * this.#pad ? Math.floor(gap / 2) : this.#pad;
      this.#paddedStart = this.#start - pad;
      this.#flushPending(out, pad);
    } else {
      this.#paddedStart = Math.max(this.#emittedEnd, this.#start - this.#pad, 0);
    }
  }

  #close(end: number, out: Span[]): void {
    if (end - this.#start >= this.#minSpeech) {
      if (!this.#confirmed) this.#confirm(out);
      this.#pending = { start: this.#paddedStart, end };
    }
    this.#triggered = false;
    this.#confirmed = false;
    this.#tempEnd = null;
  }

  #flushPending(out: Span[], pad: number): void {
    if (!this.#pending) return;
    const seg = { start: this.#pending.start, end: this.#pending.end + pad };
    this.#pending = null;
    this.#emittedEnd = seg.end;
    out.push(seg);
  }

  #seconds(s: Span): SpeechSegment {
    return { startS: s.start / this.#rate, endS: s.end / this.#rate };
  }
}
