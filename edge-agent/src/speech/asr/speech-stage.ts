import type { SpeechSection, UnavailableReason, WindowV1 } from '@classroom/protocol';
import type { Logger } from 'pino';
import type { RoleSegment } from '../../audio/role-types.ts';
import type { SpeechSegment } from '../../audio/vad-segments.ts';
import type { DeviceProfile } from '../../config/profile-schema.ts';
import { DiscourseWindowAggregator } from '../aggregator.ts';
import type { SpeakerRole } from '../types.ts';
import { AudioBuffer } from './audio-buffer.ts';
import { openTranscriber, type OpenTranscriberOptions } from './open-transcriber.ts';
import type { TimedText, Transcriber } from './types.ts';

export interface SpeechStageOptions extends OpenTranscriberOptions {
  /** Overrides the profile's speech.enabled. */
  enabled?: boolean;
  logger: Logger;
}

/**
 * ASR on VAD speech segments → utterances → DiscourseWindowAggregator → each window's `speech`.
 * Audio and text stay in this object's memory [PRIV-1]: a segment's audio is dropped once it is
 * transcribed, and each utterance's text once its window is taken (the aggregator keeps only
 * counts). When the stage cannot run, `reason` says why and every window gets null + reason.
 */
export class SpeechStage {
  private readonly audio = new AudioBuffer(16_000);
  private readonly queue: SpeechSegment[] = [];
  private texts: TimedText[] = [];
  private readonly aggregator: DiscourseWindowAggregator | null;
  asrMs = 0;
  audioS = 0;

  private constructor(
    private readonly transcriber: Transcriber | null,
    readonly reason: UnavailableReason | null,
    private readonly windowS: number,
    language: 'auto' | 'zh' | 'en',
  ) {
    this.aggregator = transcriber ? new DiscourseWindowAggregator({ windowS, language }) : null;
  }

  static async open(profile: DeviceProfile, options: SpeechStageOptions): Promise<SpeechStage> {
    const s = profile.speech;
    const language = s?.language ?? 'auto';
    if (!s || !(options.enabled ?? s.enabled))
      return new SpeechStage(null, 'disabled', profile.windowS, language);
    const opened = await openTranscriber(s, options);
    if (!opened.ok) {
      // Codes and ids only in logs [PRIV-1]; `edge-agent doctor` prints the full explanation.
      options.logger.warn(
        { code: opened.reason, model: s.model },
        'speech recognition unavailable: run scripts/fetch-models.ts or edge-agent doctor',
      );
      return new SpeechStage(null, opened.reason, profile.windowS, language);
    }
    return new SpeechStage(opened.transcriber, null, profile.windowS, language);
  }

  get active(): boolean {
    return this.transcriber !== null;
  }

  pushAudio(chunk: Float32Array): void {
    if (this.transcriber) this.audio.push(chunk);
  }

  addSegments(segments: SpeechSegment[]): void {
    if (this.transcriber) this.queue.push(...segments);
  }

  /** Transcribes every closed segment, then drops audio no future segment can need. */
  async transcribePending(watermarkS: number): Promise<void> {
    if (!this.transcriber) return;
    while (this.queue.length > 0) {
      const seg = this.queue.shift()!;
      const pcm = this.audio.slice(seg.startS, seg.endS);
      const t0 = performance.now();
      if (pcm.length >= 1600) this.texts.push(...(await this.transcriber.transcribe(pcm, seg.startS)));
      this.asrMs += performance.now() - t0;
      this.audioS += pcm.length / 16_000;
    }
    this.audio.trim(watermarkS);
  }

  /**
   * The `speech` section of window `index` (ending at endS, s); call in window order. Feeds the
   * utterances that start in it, with the role that covers most of each, then forgets their text.
   */
  take(index: number, endS: number, roles: RoleSegment[] | null): SpeechSection | null {
    const agg = this.aggregator;
    if (!agg) return null;
    const windowEnd = (index + 1) * this.windowS;
    const closed = [];
    while (this.texts.length > 0 && this.texts[0]!.startS < windowEnd) {
      const t = this.texts.shift()!;
      closed.push(...agg.add({ text: t.text, startS: t.startS, endS: t.endS, role: roleOf(t, roles) }));
    }
    closed.push(...agg.closeUntil(windowEnd));
    const found = closed.find((c) => c.index === index) ?? (endS < windowEnd ? agg.finish() : null);
    return found?.index === index ? found.speech : null;
  }

  /** Fills a window message's speech section, or its reason for being null. */
  fill(message: WindowV1, section: SpeechSection | null): void {
    message.speech = section;
    if (section) delete message.unavailable.speech;
    else message.unavailable.speech = this.reason ?? 'error';
  }

  async close(): Promise<void> {
    this.texts = [];
    this.queue.length = 0;
    await this.transcriber?.close();
  }
}

/** The role with the most overlap; overlapped or unattributed speech is 'unknown' [PRIV-5]. */
export function roleOf(t: TimedText, roles: readonly RoleSegment[] | null): SpeakerRole {
  if (!roles) return 'unknown';
  let teacher = 0;
  let student = 0;
  for (const r of roles) {
    const o = Math.min(r.endS, t.endS) - Math.max(r.startS, t.startS);
    if (o <= 0) continue;
    if (r.role === 'teacher') teacher += o;
    else if (r.role === 'student') student += o;
  }
  if (teacher === 0 && student === 0) return 'unknown';
  return teacher >= student ? 'teacher' : 'student';
}
