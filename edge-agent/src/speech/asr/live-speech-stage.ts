import type { SpeechSection, UnavailableReason, WindowV1 } from '@classroom/protocol';
import type { Logger } from 'pino';
import type { RoleSegment } from '../../audio/role-types.ts';
import type { SpeechSegment } from '../../audio/vad-segments.ts';
import type { DeviceProfile } from '../../config/profile-schema.ts';
import { DiscourseWindowAggregator } from '../aggregator.ts';
import { openTranscriber, type OpenTranscriberOptions } from './open-transcriber.ts';
import { roleOf } from './speech-stage.ts';
import { TimedAudio } from './timed-audio.ts';
import type { TimedText, Transcriber } from './types.ts';

const RATE = 16_000;
/** Shorter segments are not worth a decoder run (the file stage skips them too). */
const MIN_SAMPLES = 1600;

export interface LiveSpeechLimits {
  /** Segments waiting for ASR at most; one more drops the oldest waiting one. */
  maxQueued: number;
  /**
   * Wall-clock seconds a segment may wait for, or spend in, ASR while holding its window back.
   * A waiting segment past it is skipped; one still decoding past it stops holding the window,
   * and its text, when it comes, is skipped as late.
   */
  maxDelayS: number;
}

/**
 * 8 queued segments, 5 s: windows go out at most ~5 s late, and a 2-core box keeps up with
 * tiny/base. A profile may set its own (`speech.live`); this is the default without one.
 */
export const DEFAULT_LIVE_SPEECH_LIMITS: LiveSpeechLimits = { maxQueued: 8, maxDelayS: 5 };

export interface LiveSpeechStageOptions extends OpenTranscriberOptions {
  /** Overrides the profile's speech.enabled. */
  enabled?: boolean;
  limits?: Partial<LiveSpeechLimits>;
  logger: Logger;
  /** Wall clock, ms; the delay limit is wall time because ASR must keep up with the room. */
  now?: () => number;
}

interface Pending {
  startS: number;
  endS: number;
  queuedMs: number;
}

/** The segment in ASR; `late` once its window went out without it (counted skipped then). */
interface Running extends Pending {
  startedMs: number;
  late?: boolean;
}

/**
 * The live pipeline's speech stage: whisper.cpp on each closed VAD segment as it arrives, off the
 * audio path (the native decoder runs while VAD and capture go on), into the same
 * DiscourseWindowAggregator and `speech` section as the file pipeline.
 *
 * Windows wait for their segments' text through `holdS` (windows close no later than the start
 * of the earliest segment still in ASR), bounded by the limits: when ASR falls behind real time,
 * segments are skipped rather than audio stalled, and the window they start in says how many in
 * `speech.asrSkippedSegments`.
 *
 * Audio and text stay in this object's memory [PRIV-1]: audio is trimmed to what a segment can
 * still need, a segment's audio is dropped once decoded, and utterance text once its window is
 * taken (the aggregator keeps only counts). Without a model every window gets speech null with
 * the reason ('no-model', 'model-mismatch', 'disabled', 'error'), never zeros.
 */
export class LiveSpeechStage {
  readonly #audio = new TimedAudio(RATE);
  readonly #queue: Pending[] = [];
  readonly #aggregator: DiscourseWindowAggregator | null;
  readonly #limits: LiveSpeechLimits;
  readonly #now: () => number;
  #busy: Running | null = null;
  #pump: Promise<void> = Promise.resolve();
  #texts: TimedText[] = [];
  /** Where the audio stopped before a source gap, s, not yet passed to the aggregator. */
  #breaks: number[] = [];
  /** Start times of skipped segments not yet reported in a window. */
  #skipped: number[] = [];
  /** End of the last window taken, s: text for a segment starting before it is late. */
  #takenUntilS = 0;
  #warned = false;
  /** Figures only, for logs and tests. */
  readonly stats = { transcribed: 0, skipped: 0, asrMs: 0, audioS: 0 };

  private constructor(
    private readonly transcriber: Transcriber | null,
    readonly reason: UnavailableReason | null,
    private readonly windowS: number,
    /** Audio kept behind the newest sample: the longest a segment can reach back when it closes. */
    private readonly keepS: number,
    private readonly log: Logger,
    limits: LiveSpeechLimits,
    now: (() => number) | undefined,
    language: 'auto' | 'zh' | 'en',
  ) {
    this.#aggregator = transcriber ? new DiscourseWindowAggregator({ windowS, language }) : null;
    this.#limits = limits;
    this.#now = now ?? Date.now;
  }

  static async open(profile: DeviceProfile, options: LiveSpeechStageOptions): Promise<LiveSpeechStage> {
    const s = profile.speech;
    if (!s || !(options.enabled ?? s.enabled))
      return LiveSpeechStage.create(null, 'disabled', profile, options);
    const opened = await openTranscriber(s, options);
    if (!opened.ok) {
      // Codes and ids only in logs [PRIV-1]; `edge-agent doctor` prints the full explanation.
      options.logger.warn(
        { code: opened.reason, model: s.model },
        'speech recognition unavailable: run scripts/fetch-models.ts or edge-agent doctor',
      );
      return LiveSpeechStage.create(null, opened.reason, profile, options);
    }
    return LiveSpeechStage.create(opened.transcriber, null, profile, options);
  }

  /** With a given transcriber (or none, with its reason); `open` is the usual way in. */
  static create(
    transcriber: Transcriber | null,
    reason: UnavailableReason | null,
    profile: DeviceProfile,
    options: Pick<LiveSpeechStageOptions, 'limits' | 'now' | 'logger'>,
  ): LiveSpeechStage {
    const v = profile.audio.vad;
    const keepS = (v.maxSpeechMs + v.minSilenceMs + 2 * v.speechPadMs) / 1000 + 1;
    const language = profile.speech?.language ?? 'auto';
    return new LiveSpeechStage(
      transcriber,
      transcriber ? null : (reason ?? 'error'),
      profile.windowS,
      keepS,
      options.logger,
      { ...DEFAULT_LIVE_SPEECH_LIMITS, ...profile.speech?.live, ...options.limits },
      options.now,
      language,
    );
  }

  get active(): boolean {
    return this.transcriber !== null;
  }

  /** Mono 16 kHz audio whose first sample is `startSample` from the lesson start. */
  pushAudio(startSample: number, pcm: Float32Array): void {
    if (!this.transcriber) return;
    this.#audio.push(startSample, pcm);
    const waiting = [this.#busy, ...this.#queue].map((p) => p?.startS ?? Infinity);
    this.#audio.trim(Math.min(this.#audio.endS - this.keepS, ...waiting));
  }

  /** Closed VAD segments, s from the lesson start, in time order. */
  addSegments(segments: readonly SpeechSegment[]): void {
    if (!this.transcriber) return;
    for (const s of segments) {
      if ((s.endS - s.startS) * RATE < MIN_SAMPLES) continue;
      this.#queue.push({ startS: s.startS, endS: s.endS, queuedMs: this.#now() });
      this.#kick();
      // The oldest waiting segment is the one least likely to make its window in time.
      while (this.#queue.length > this.#limits.maxQueued) this.#skip(this.#queue.shift()!);
    }
  }

  /** How far windows may close (s): `untilS`, or earlier while a segment there is still in ASR. */
  holdS(untilS: number): number {
    if (!this.transcriber) return untilS;
    this.#expire();
    const limitMs = this.#limits.maxDelayS * 1000;
    const busy = this.#busy && this.#now() - this.#busy.startedMs <= limitMs ? this.#busy.startS : Infinity;
    return Math.min(untilS, busy, this.#queue[0]?.startS ?? Infinity);
  }

  /**
   * The `speech` section of window `index` (ending at endS, s); call in window order, for every
   * window. Feeds the utterances that start in it, with the role that covers most of each, then
   * forgets their text.
   */
  take(index: number, endS: number, roles: readonly RoleSegment[] | null): SpeechSection | null {
    const agg = this.#aggregator;
    if (!agg) return null;
    const windowEnd = (index + 1) * this.windowS;
    this.#takenUntilS = Math.max(this.#takenUntilS, windowEnd);
    // Segments of this window still waiting will not make it: skipped now, counted here. So is
    // the one in ASR (its hold ran out, or the lesson is ending): its text would come too late,
    // when no later window may be left to count it in.
    while (this.#queue.length > 0 && this.#queue[0]!.startS < windowEnd) this.#skip(this.#queue.shift()!);
    const busy = this.#busy;
    if (busy && !busy.late && busy.startS < windowEnd) {
      busy.late = true;
      this.#skip(busy);
    }
    const closed = [];
    while (this.#texts.length > 0 && this.#texts[0]!.startS < windowEnd) {
      const t = this.#texts.shift()!;
      this.#passBreaks(t.startS);
      closed.push(...agg.add({ text: t.text, startS: t.startS, endS: t.endS, role: roleOf(t, roles) }));
    }
    this.#passBreaks(windowEnd);
    closed.push(...agg.closeUntil(windowEnd));
    const found = closed.find((c) => c.index === index) ?? (endS < windowEnd ? agg.finish() : null);
    if (found?.index !== index) return null;
    const skipped = this.#skipped.filter((s) => s < windowEnd).length;
    this.#skipped = this.#skipped.filter((s) => s >= windowEnd);
    return skipped > 0 ? { ...found.speech, asrSkippedSegments: skipped } : found.speech;
  }

  /**
   * The source stopped at atS (s from the lesson start) and a gap follows: no wait, silence or
   * transition may be timed across it, since nobody knows what was said meanwhile.
   */
  sourceGap(atS: number): void {
    if (this.#aggregator) this.#breaks.push(atS);
  }

  #passBreaks(beforeS: number): void {
    while (this.#breaks.length > 0 && this.#breaks[0]! <= beforeS) {
      this.#breaks.shift();
      this.#aggregator?.sourceGap();
    }
  }

  /** Fills a window message's speech section, or its reason for being null. */
  fill(message: WindowV1, section: SpeechSection | null): void {
    if (section && message.coverageS === 0) {
      // Nothing was heard: no figures rather than zeros, as for audio.
      message.speech = null;
      message.unavailable.speech = 'source-gap';
      return;
    }
    message.speech = section;
    if (section) delete message.unavailable.speech;
    else message.unavailable.speech = this.reason ?? 'error';
  }

  /** Waits (at most `timeoutMs`) for segments already closed, e.g. before the lesson's last window. */
  async settle(timeoutMs = this.#limits.maxDelayS * 1000): Promise<void> {
    const deadline = this.#now() + timeoutMs;
    while ((this.#busy || this.#queue.length > 0) && this.#now() < deadline) {
      await Promise.race([this.#pump, new Promise((r) => setTimeout(r, 50))]);
    }
  }

  /** Drops everything held [PRIV-1] and frees the model once no decode is running on it. */
  async close(): Promise<void> {
    this.#queue.length = 0;
    this.#texts = [];
    this.#breaks = [];
    this.#audio.clear();
    // A decode that never returns must not hang the lesson end; freeing the model under it could
    // crash the process, so then the model is left to the process exit instead.
    const waitMs = this.#limits.maxDelayS * 1000 * 2;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      this.#pump.then(() => true),
      new Promise<false>((r) => (timer = setTimeout(() => r(false), waitMs))),
    ]);
    clearTimeout(timer);
    this.#texts = []; // a decode finishing meanwhile may have added text
    if (!finished) {
      this.log.warn({ waitMs }, 'ASR decode still running at lesson end; model not freed');
      return;
    }
    this.#busy = null;
    await this.transcriber?.close();
    if (this.transcriber)
      this.log.info({ ...this.stats, asrMs: Math.round(this.stats.asrMs) }, 'live speech stage closed'); // numbers only [PRIV-1]
  }

  #skip(p: Pending): void {
    this.stats.skipped += 1;
    this.#skipped.push(p.startS);
  }

  #expire(): void {
    const now = this.#now();
    const limitMs = this.#limits.maxDelayS * 1000;
    while (this.#queue.length > 0 && now - this.#queue[0]!.queuedMs > limitMs)
      this.#skip(this.#queue.shift()!);
  }

  /** Starts ASR on the next waiting segment unless one is running; one decode at a time. */
  #kick(): void {
    const transcriber = this.transcriber;
    if (this.#busy || !transcriber) return;
    this.#expire();
    const seg = this.#queue.shift();
    if (!seg) return;
    const job: Running = { ...seg, startedMs: this.#now() };
    this.#busy = job;
    const pcm = this.#audio.slice(seg.startS, seg.endS);
    const t0 = performance.now();
    this.#pump = transcriber
      .transcribe(pcm, seg.startS)
      .then(
        (texts) => {
          this.stats.asrMs += performance.now() - t0;
          this.stats.audioS += pcm.length / RATE;
          if (job.late) return; // counted skipped when its window went
          if (seg.startS < this.#takenUntilS) return this.#skip(seg); // its window has gone: late
          this.stats.transcribed += 1;
          this.#texts.push(...texts);
        },
        (err: unknown) => {
          if (!this.#warned)
            this.log.warn({ code: (err as { code?: string }).code }, 'ASR failed on a segment');
          this.#warned = true;
          if (!job.late) this.#skip(seg);
        },
      )
      .finally(() => {
        this.#busy = null;
        this.#kick();
      });
  }
}
