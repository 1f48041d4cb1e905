import type { AudioRoles, LessonV1, LessonV2, WindowV1 } from '@classroom/protocol';
import type { Logger } from 'pino';
import type { RoleAttributionSettings } from '../audio/role-attribution.ts';
import type { RoleSegment } from '../audio/role-types.ts';
import type { SileroVad } from '../audio/silero-vad.ts';
import type { SpeechSegment } from '../audio/vad-segments.ts';
import type { DeviceProfile } from '../config/profile-schema.ts';
import type { WindowStats } from '../metrics/windower.ts';
import type { Identity } from '../transport/identity.ts';
import type { SequenceSource } from '../transport/sequence.ts';

/** A message ready for the wire, tagged with the topic kind it travels on. */
export type AgentMessage = { kind: 'lesson'; message: LessonV2 } | { kind: 'metrics'; message: WindowV1 };

/** Receives messages in order; the pipeline waits for it (a publish resolves on PUBACK). */
export type MessageSink = (out: AgentMessage) => void | Promise<void>;

export interface AnalyzeProgress {
  /** Seconds of audio analysed so far. */
  processedS: number;
  /** The container's duration, when ffmpeg knows it. */
  durationS: number | null;
  elapsedMs: number;
}

export interface AnalyzeFileOptions {
  /** Device profile (VAD settings, threads, video, window length); the machine's default if absent. */
  profile?: DeviceProfile;
  /** Who sends; a throwaway identity ("dry-run") when only printing. */
  identity?: Identity;
  /** Sequence numbers; an in-memory counter from 0 when absent. */
  sequence?: SequenceSource;
  sink?: MessageSink;
  lessonId?: string;
  classId?: string | null;
  subject?: LessonV1['subject'];
  grade?: number | null;
  /** The teacher's pseudonymous staff code from the timetable (`--teacher`), never a name [PRIV-2]. */
  teacherId?: string | null;
  /** Lesson start, Unix ms; default the file's modification time. */
  startMs?: number;
  /** Decode video frames when the file has a video stream; default the profile's video.enabled. */
  video?: boolean;
  /** An already loaded VAD (reused across files); its stream state is reset first. */
  vad?: SileroVad;
  /** Model file override (still verified against the manifest) and manifest path. */
  modelPath?: string;
  manifestPath?: string;
  /**
   * Attribute speaker roles (teacher / student) and fill `audio.roles`; default true. Roles need the
   * whole lesson's voice features, so windows are then sent after the audio pass (see
   * docs/accuracy.md); false streams windows as they close, with roles unavailable ("disabled").
   */
  roles?: boolean;
  /** Overrides of the role attribution's tuning (evaluation and tests). */
  roleSettings?: Partial<RoleAttributionSettings>;
  /** Run whisper ASR on speech segments; default the profile's speech.enabled (off without a block). */
  speech?: boolean;
  /** Whisper model file override (still verified against the manifest entry the profile names). */
  asrModelPath?: string;
  onProgress?: (progress: AnalyzeProgress) => void;
  signal?: AbortSignal;
  logger?: Logger;
}

export interface StageTimings {
  probeMs: number;
  /** ffmpeg's own CPU time for audio decoding (user + system), ms. */
  decodeMs: number | null;
  /** Wall time inside Silero inference (one thread), ms. */
  vadMs: number;
  /** Voice features (MFCC and pitch per 0.25 s block), CPU on the agent's thread, ms; 0 without roles. */
  featuresMs: number;
  /** Clustering and smoothing of the whole lesson's features into roles, ms; 0 without roles. */
  attributionMs: number;
  /** whisper.cpp transcription of speech segments, wall ms; 0 when speech is unavailable. */
  asrMs: number;
  /** ffmpeg's CPU time for video frames, ms; null without video. */
  videoDecodeMs: number | null;
  totalMs: number;
}

export interface AnalyzeSummary {
  lessonId: string;
  windows: number;
  speechS: number;
  durationS: number;
  hasVideo: boolean;
  framesAnalysed: number;
  messages: number;
  timings: StageTimings;
  /** Audio seconds per wall second of the whole analysis. */
  speedX: number;
}

export interface AnalyzeFileResult {
  summary: AnalyzeSummary;
  /** Speech segments, s from the start of the file; stay on the device (never published) [PRIV-2]. */
  segments: SpeechSegment[];
  /** Role segments (teacher / student / overlap), s; on the device only, e.g. for `--rttm` [PRIV-2]. */
  roleSegments: RoleSegment[] | null;
  /** Per-window figures as sent, plus the frame count the wire does not carry yet. */
  windows: (WindowStats & { framesAnalysed: number; roles: AudioRoles | null })[];
}
