import type { Logger } from 'pino';
import type { AudioRoles, UnavailableReason, WindowV1 } from '@classroom/protocol';
import { ChannelRoleStage } from '../audio/channel-role-stage.ts';
import { appendRoleSegments, type ChannelRoleSettings } from '../audio/channel-roles.ts';
import { FrameSplitter } from '../audio/frame-splitter.ts';
import { LiveRoleHold } from '../audio/live-role-hold.ts';
import { LiveRoleStage, type LiveRoleSettings } from '../audio/live-roles.ts';
import type { RoleAttributionSettings } from '../audio/role-attribution.ts';
import type { RoleSegment } from '../audio/role-types.ts';
import { SileroVad } from '../audio/silero-vad.ts';
import { VadSegmenter, type SpeechSegment } from '../audio/vad-segments.ts';
import { ANALYSIS_SAMPLE_RATE } from '../capture/decode-audio.ts';
import { LiveCapture, type LiveCaptureOptions, type LiveChunk } from '../capture/live-capture.ts';
import type { CaptureHealth } from '../capture/live-health.ts';
import type { LiveSource } from '../capture/live-source.ts';
import type { LiveVideoSource } from '../capture/live-video-source.ts';
import type { DeviceProfile } from '../config/profile-schema.ts';
import { loadProfile } from '../config/load-profile.ts';
import { AgentError } from '../errors.ts';
import { silentLogger } from '../log.ts';
import { lessonEnd, lessonStart } from '../metrics/lesson.ts';
import { windowMessage, type LessonContext } from '../metrics/messages.ts';
import { roleWindows } from '../metrics/role-windows.ts';
import type { WindowStats } from '../metrics/windower.ts';
import type { Identity } from '../transport/identity.ts';
import { MemorySequence, type SequenceSource } from '../transport/sequence.ts';
import { LiveSpeechStage } from '../speech/asr/live-speech-stage.ts';
import { newLessonId } from './lesson-id.ts';
import { LiveVideo, type LiveVideoTuning } from './live-video.ts';
import { LiveWindower } from './live-windower.ts';
import type { AnalyzeFileOptions, MessageSink } from './types.ts';

export interface AnalyzeLiveOptions {
  profile?: DeviceProfile;
  identity?: Identity;
  sequence?: SequenceSource;
  sink?: MessageSink;
  lessonId?: string;
  classId?: string | null;
  subject?: AnalyzeFileOptions['subject'];
  grade?: number | null;
  teacherId?: AnalyzeFileOptions['teacherId'];
  modelPath?: string;
  manifestPath?: string;
  /** Overrides the profile's speech.enabled. */
  speech?: boolean;
  /** A device-local whisper model, still verified against the manifest. */
  asrModelPath?: string;
  /** Supervisor tuning (stall time, backoff, channels); see LiveCapture. */
  capture?: Omit<LiveCaptureOptions, 'logger' | 'now'>;
  /**
   * Index of the teacher's lapel/wireless channel; the others are room mics. Without it (one room
   * mic) roles come from clustering the voices heard so far (see the class comment).
   */
  teacherChannel?: number | null;
  channelRoles?: Partial<Omit<ChannelRoleSettings, 'teacherChannel'>>;
  /** Overrides profile.audio.liveRoles (one room mic: roles by clustering the speech so far). */
  liveRoles?: Partial<LiveRoleSettings> & { enabled?: boolean };
  roleSettings?: Partial<RoleAttributionSettings>;
  /** The camera; its frames feed the vision stage (live-video.ts). Without it vision is "no-source". */
  video?: LiveVideoSource;
  /** Camera supervisor tuning (stall time, backoff), as `capture` is for the audio. */
  videoCapture?: LiveVideoTuning;
  /** How often windows are checked for closing while no audio arrives, ms. */
  tickMs?: number;
  logger?: Logger;
  now?: () => number;
}

export type LiveWindow = WindowStats & { roles: AudioRoles | null };

export interface LiveSummary {
  lessonId: string;
  windows: number;
  durationS: number;
  coverageS: number;
  speechS: number;
  health: CaptureHealth;
  /** The camera's; null without one. */
  videoHealth: CaptureHealth | null;
}

/** Audio arriving less than this far (s) after the previous chunk's end continues it. */
const GAP_TOLERANCE_S = 0.25;

/**
 * Real-time analysis of a live source: supervised ffmpeg → streaming Silero VAD → windows on the
 * wall clock, each sent when it closes (lesson start at start(), lesson end at stop(); the
 * timetable scheduler calls both). Gaps are never filled: a window across an outage has coverageS
 * = seconds really analysed, one wholly inside it has audio null with unavailable.audio
 * "source-gap". After a gap the VAD starts afresh (its state belongs to continuous audio).
 *
 * Roles, provisional for live:
 * - with a teacher channel: ChannelRoleStage per frame (decided ~0.3 s late), so each window's
 *   roles are final when it closes, except that a turn still running at the close is counted (and
 *   binned, and its teacher run measured) as it stands then;
 * - one room mic: LiveRoleStage clusters the speech heard so far with the file pipeline's code and
 *   LiveRoleHold sends each window holdS after its end with its roles decided (why a hold: see
 *   live-role-hold.ts); with the profile's audio.liveRoles.enabled false, roles are null, "disabled".
 *
 * Speech: LiveSpeechStage runs ASR on each closed VAD segment beside the audio path; windows wait
 * (bounded) for their segments' text, and segments ASR could not keep up with are skipped and
 * counted in the window (see live-speech-stage.ts). Utterance text lives until its window is sent.
 */
export class LiveAnalysis {
  readonly #source: LiveSource;
  readonly #o: AnalyzeLiveOptions;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #rate = ANALYSIS_SAMPLE_RATE;
  readonly #windows: LiveWindow[] = [];
  readonly #roleSegments: RoleSegment[] = [];
  #capture: LiveCapture | null = null;
  #video: LiveVideo | null = null;
  #vad: SileroVad | null = null;
  #stage: ChannelRoleStage | null = null;
  #speech: LiveSpeechStage | null = null;
  #liveRoles: LiveRoleStage | null = null;
  #hold: LiveRoleHold | null = null;
  #ctx: LessonContext | null = null;
  #profile: DeviceProfile | null = null;
  #sequence: SequenceSource;
  #windower: LiveWindower | null = null;
  #segmenter: VadSegmenter | null = null;
  #splitter: FrameSplitter | null = null;
  #run = false;
  #runOffset = 0;
  #pos = 0;
  #chain: Promise<void> = Promise.resolve();
  #consumer: Promise<void> | null = null;
  #ticker: NodeJS.Timeout | null = null;
  #error: unknown = null;
  #maxLagS = 1;

  constructor(source: LiveSource, options: AnalyzeLiveOptions = {}) {
    this.#source = source;
    this.#o = options;
    this.#log = (options.logger ?? silentLogger).child({ module: 'analyze-live' });
    this.#now = options.now ?? Date.now;
    this.#sequence = options.sequence ?? new MemorySequence();
  }

  get lessonId(): string | null {
    return this.#ctx?.lessonId ?? null;
  }

  /** Windows sent so far (figures only; on the device). */
  get windows(): readonly LiveWindow[] {
    return this.#windows;
  }

  get roleSegments(): readonly RoleSegment[] {
    return this.#roleSegments;
  }

  /** Seconds of the lesson timeline the analysis has reached (audio position). */
  get analysedS(): number {
    return this.#pos / this.#rate;
  }

  /** Single-mic live roles: cluster fits so far and their CPU ms; null with a teacher channel. */
  get liveRoleStats(): LiveRoleStage['stats'] | null {
    return this.#liveRoles?.stats ?? null;
  }

  /** Live ASR figures (segments transcribed and skipped, ASR ms); null before start(). */
  get speechStats(): LiveSpeechStage['stats'] | null {
    return this.#speech?.stats ?? null;
  }

  health(): CaptureHealth | null {
    return this.#capture?.health() ?? null;
  }

  /** The camera's health; null without a camera, or when vision is off and none is opened. */
  videoHealth(): CaptureHealth | null {
    return this.#video?.health() ?? null;
  }

  /** Loads the models, sends the lesson start and starts capturing. */
  async start(): Promise<void> {
    if (this.#ctx) throw new AgentError('E_USAGE', 'this live lesson was already started');
    try {
      await this.#begin();
    } catch (err) {
      // Nobody calls stop() on a lesson that did not start (the agent only logs it): what the
      // start had opened is freed here, or the vision worker thread and the models it holds would
      // live until the process ends, one more set per failed lesson.
      await this.#release();
      throw err;
    }
  }

  async #begin(): Promise<void> {
    const o = this.#o;
    const profile = o.profile ?? (await loadProfile());
    const channels = o.capture?.channels ?? this.#source.channels ?? 1;
    const teacher = o.teacherChannel ?? null;
    if (teacher !== null && (channels < 2 || teacher < 0 || teacher >= channels)) {
      throw new AgentError(
        'E_USAGE',
        `teacher channel ${teacher} needs a source with 2 or more channels (has ${channels})`,
      );
    }
    const vadOptions = {
      threads: profile.audio.onnxThreads,
      frameSamples: profile.audio.vad.frameSamples,
      ...(o.modelPath ? { modelPath: o.modelPath } : {}),
      ...(o.manifestPath ? { manifestPath: o.manifestPath } : {}),
    };
    this.#vad = await SileroVad.create(vadOptions);
    if (teacher !== null)
      this.#stage = await ChannelRoleStage.create(
        channels,
        { ...o.channelRoles, teacherChannel: teacher },
        vadOptions,
      );
    const liveRoles = { ...profile.audio.liveRoles, ...o.liveRoles };
    if (teacher === null && liveRoles.enabled !== false) {
      const { enabled: _, ...settings } = liveRoles;
      this.#liveRoles = new LiveRoleStage(settings, o.roleSettings, this.#rate);
      this.#hold = new LiveRoleHold(this.#liveRoles);
    }
    // ASR never blocks the lesson: a missing or mismatched model gives speech null + reason.
    this.#speech = await LiveSpeechStage.open(profile, {
      logger: this.#log,
      ...(o.speech !== undefined ? { enabled: o.speech } : {}),
      ...(o.asrModelPath ? { modelPath: o.asrModelPath } : {}),
      ...(o.manifestPath ? { manifestPath: o.manifestPath } : {}),
    });
    if (o.video) {
      this.#video = new LiveVideo(o.video, profile, {
        logger: this.#log,
        now: this.#now,
        ...(o.manifestPath ? { manifestPath: o.manifestPath } : {}),
        ...(o.videoCapture ? { capture: o.videoCapture } : {}),
      });
      await this.#video.open(); // vision models load before the lesson starts, as the VAD does
    }
    this.#profile = profile;
    this.#maxLagS = o.capture?.maxLagS ?? 1;
    const startMs = this.#now();
    const identity = o.identity ?? { deviceId: 'dry-run', epoch: startMs };
    this.#ctx = {
      deviceId: identity.deviceId,
      epoch: identity.epoch,
      lessonId: o.lessonId ?? newLessonId(startMs),
      startMs,
      windowS: profile.windowS,
      classId: o.classId ?? null,
      subject: o.subject ?? null,
      grade: o.grade ?? null,
      teacherId: o.teacherId ?? null,
      source: 'live',
      hasVideo: this.#video !== null,
    };
    this.#windower = new LiveWindower(profile.windowS, this.#rate);
    await o.sink?.({ kind: 'lesson', message: lessonStart(this.#ctx, this.#sequence.next()) });
    this.#capture = new LiveCapture(this.#source, {
      ...o.capture,
      channels,
      logger: this.#log,
      now: this.#now,
    });
    this.#capture.start();
    this.#video?.start(startMs);
    this.#consumer = this.#consume(this.#capture);
    this.#ticker = setInterval(() => void this.#exclusive(() => this.#tick()), o.tickMs ?? 500);
  }

  /** After a failed start: stops and frees whatever it had opened, each step whatever the others do. */
  async #release(): Promise<void> {
    if (this.#ticker) clearInterval(this.#ticker);
    const steps = [
      () => this.#capture?.stop(),
      () => this.#video?.stopCapture(),
      () => this.#consumer,
      () => this.#vad?.close(),
      () => this.#speech?.close(),
      () => this.#stage?.close(),
      () => this.#video?.close(),
    ];
    for (const step of steps) {
      await Promise.resolve()
        .then(step)
        .catch((err: unknown) =>
          this.#log.warn({ code: (err as { code?: string }).code }, 'free after failed start'),
        );
    }
    // As never started: stop() refuses, health() is null.
    this.#ctx = null;
    this.#capture = null;
    this.#video = null;
    this.#consumer = null;
    this.#ticker = null;
  }

  /** Stops capturing, closes the open windows (the last may be short) and sends the lesson end. */
  async stop(
    reason: 'complete' | 'timetable' | 'stopped' | 'source-error' = 'complete',
  ): Promise<LiveSummary> {
    const ctx = this.#ctx;
    if (!ctx || !this.#capture) throw new AgentError('E_USAGE', 'this live lesson was not started');
    const endMs = this.#now();
    if (this.#ticker) clearInterval(this.#ticker);
    await Promise.all([this.#capture.stop(), this.#video?.stopCapture()]);
    await this.#consumer;
    const durationS = (endMs - ctx.startMs) / 1000;
    try {
      await this.#exclusive(async () => {
        await this.#endRun();
        await this.#speech?.settle(); // the last segments' text, within the ASR delay limit
        await this.#emit(this.#windower!.finish(durationS), durationS);
      });
    } catch {
      // Recorded in #error by #exclusive.
    }
    const failed = this.#error;
    try {
      // After a failure the lesson is still closed for the cloud, as cut short, if the sink works.
      await this.#o.sink?.({
        kind: 'lesson',
        message: lessonEnd(ctx, this.#sequence.next(), {
          durationS,
          windowCount: this.#windows.length,
          reason: failed ? 'source-error' : reason,
        }),
      });
    } catch (err) {
      if (!failed) throw err;
    } finally {
      await this.#vad?.close();
      await this.#speech?.close(); // drops any audio and text still held [PRIV-1]
      await this.#stage?.close();
      await this.#video?.close();
    }
    if (failed) throw failed;
    const sum = (f: (w: LiveWindow) => number) => round3(this.#windows.reduce((a, w) => a + f(w), 0));
    const summary: LiveSummary = {
      lessonId: ctx.lessonId,
      windows: this.#windows.length,
      durationS: round3(durationS),
      coverageS: sum((w) => w.coverageS),
      speechS: sum((w) => w.speechS),
      health: this.#capture.health(),
      videoHealth: this.videoHealth(),
    };
    const { health, videoHealth, ...figures } = summary;
    const videoReconnects = videoHealth?.reconnects ?? null;
    this.#log.info({ ...figures, reconnects: health.reconnects, videoReconnects }, 'live lesson ended'); // numbers only [PRIV-1]
    return summary;
  }

  async #consume(capture: LiveCapture): Promise<void> {
    try {
      for await (const chunk of capture) await this.#exclusive(() => this.#onChunk(chunk));
    } catch (err) {
      // A sink or model failure ends the lesson; stop() reports it.
      this.#error = err;
      this.#log.error({ code: (err as { code?: string }).code }, 'live analysis failed');
      void capture.stop();
    }
  }

  /** Chunk handling and the ticker never interleave: VAD state and windows are one timeline. */
  #exclusive(fn: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(fn);
    this.#chain = next.catch((err: unknown) => {
      this.#error ??= err;
    });
    return next;
  }

  async #onChunk(chunk: LiveChunk): Promise<void> {
    const ctx = this.#ctx!;
    const at = Math.round(((chunk.wallMs - ctx.startMs) / 1000) * this.#rate);
    if (this.#run && at - this.#pos > GAP_TOLERANCE_S * this.#rate) await this.#endRun();
    if (!this.#run) this.#beginRun(Math.max(at, this.#pos, this.#windower!.closedUntilSamples));
    const n = chunk.pcm.length / chunk.channels;
    const mono = mixdown(chunk.pcm, chunk.channels, n);
    this.#windower!.addAudio(this.#pos, mono);
    this.#speech!.pushAudio(this.#pos, mono);
    this.#liveRoles?.pushAudio(mono);
    for (const frame of this.#splitter!.push(mono))
      this.#addSegments(this.#segmenter!.push(await this.#vad!.process(frame), frame.length));
    if (this.#stage) this.#addRoles(await this.#stage.push(chunk.pcm));
    this.#pos += n;
    const marks = [this.#segmenter!.watermarkS, ...(this.#stage ? [this.#stage.watermarkS] : [])];
    await this.#emit(
      this.#windower!.drain(this.#speech!.holdS(this.#runOffset / this.#rate + Math.min(...marks))),
    );
  }

  /** While no audio comes, windows still close on the wall clock (their coverage shows the gap). */
  async #tick(): Promise<void> {
    const nowS = (this.#now() - this.#ctx!.startMs) / 1000;
    const slackS = this.#maxLagS + 0.5;
    if (this.#run && nowS - this.#pos / this.#rate > slackS) await this.#endRun();
    if (!this.#run) await this.#emit(this.#windower!.drain(this.#speech!.holdS(nowS - slackS)));
  }

  #beginRun(pos: number): void {
    this.#run = true;
    this.#pos = pos;
    this.#runOffset = pos;
    this.#vad!.reset();
    this.#stage?.reset();
    this.#liveRoles?.beginRun(pos / this.#rate);
    this.#segmenter = new VadSegmenter(this.#profile!.audio.vad, this.#rate);
    this.#splitter = new FrameSplitter(this.#vad!.frameSamples);
  }

  /** The source stopped (gap or end): the open speech and role runs end where the audio did. */
  async #endRun(): Promise<void> {
    if (!this.#run) return;
    this.#run = false;
    const runSamples = this.#pos - this.#runOffset;
    const tail = this.#splitter!.flush();
    if (tail) this.#addSegments(this.#segmenter!.push(await this.#vad!.process(tail.frame), tail.length));
    this.#addSegments(this.#segmenter!.finish(runSamples));
    if (this.#stage) this.#addRoles(await this.#stage.finish());
    this.#liveRoles?.endRun();
    this.#speech!.sourceGap(this.#pos / this.#rate);
    await this.#emit(this.#windower!.drain(this.#speech!.holdS(this.#pos / this.#rate)));
  }

  #addSegments(segments: SpeechSegment[]): void {
    const off = this.#runOffset / this.#rate;
    const lesson = segments.map((s) => ({ startS: s.startS + off, endS: s.endS + off }));
    this.#windower!.addSegments(lesson);
    this.#liveRoles?.addSegments(lesson);
    this.#speech!.addSegments(lesson);
  }

  #addRoles(pieces: RoleSegment[]): void {
    const off = this.#runOffset / this.#rate;
    appendRoleSegments(
      this.#roleSegments,
      pieces.map((p) => ({ ...p, startS: p.startS + off, endS: p.endS + off })),
    );
  }

  /**
   * Sends closed windows; with single-mic live roles they are held first and those due go out
   * (`endS`: the lesson is over, all go out).
   */
  async #emit(closed: WindowStats[], endS?: number): Promise<void> {
    if (!this.#hold) return this.#send(closed);
    this.#hold.push(closed);
    const clockS = Math.max(this.#pos / this.#rate, (this.#now() - this.#ctx!.startMs) / 1000);
    const due = endS === undefined ? this.#hold.due(clockS) : this.#hold.finish(endS);
    appendRoleSegments(this.#roleSegments, due.roles);
    await this.#send(due.windows);
  }

  async #send(closed: WindowStats[]): Promise<void> {
    const ctx = this.#ctx!;
    for (const w of closed) {
      let roles: AudioRoles | UnavailableReason = 'disabled';
      if (w.coverageS === 0) roles = 'source-gap';
      else if (this.#stage || this.#hold)
        roles = roleWindows(this.#roleSegments, ctx.windowS, w.index + 1)[w.index] ?? 'error';
      let message: WindowV1 = windowMessage(ctx, w, this.#sequence.next(), roles);
      if (w.coverageS === 0) {
        // Nothing was heard: no figures at all rather than zeros [coverage rule, window/1].
        message = { ...message, audio: null, unavailable: { ...message.unavailable, audio: 'source-gap' } };
      }
      this.#windows.push({ ...w, roles: typeof roles === 'string' ? null : roles });
      this.#speech!.fill(message, this.#speech!.take(w.index, w.startS + w.durationS, this.#roleSegments));
      await this.#video?.fill(message, w); // vision is its own source: filled in audio gaps too
      await this.#o.sink?.({ kind: 'metrics', message });
    }
  }
}

/** Creates (does not start) the live analysis of one lesson; call start() and later stop(). */
export function analyzeLive(source: LiveSource, options: AnalyzeLiveOptions = {}): LiveAnalysis {
  return new LiveAnalysis(source, options);
}

function mixdown(pcm: Float32Array, channels: number, frames: number): Float32Array {
  if (channels === 1) return pcm;
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += pcm[i * channels + c]!;
    out[i] = s / channels;
  }
  return out;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
