/** The edge agent's public API: analyse a recording and publish its aggregates. */
export { analyzeFile } from './pipeline/analyze-file.ts';
export type {
  AgentMessage,
  AnalyzeFileOptions,
  AnalyzeFileResult,
  AnalyzeProgress,
  AnalyzeSummary,
  MessageSink,
  StageTimings,
} from './pipeline/types.ts';
export { probeFile, type ProbeResult } from './capture/probe.ts';
export { decodeAudio, ANALYSIS_SAMPLE_RATE, type DecodeAudioOptions } from './capture/decode-audio.ts';
export { decodeVideo, type DecodeVideoOptions, type VideoFrame } from './capture/decode-video.ts';
export { ffmpegPath } from './capture/ffmpeg-path.ts';
export { SileroVad, SILERO_MODEL_ID, type SileroVadOptions } from './audio/silero-vad.ts';
export { VadSegmenter, type SpeechSegment } from './audio/vad-segments.ts';
export { DEFAULT_VAD_SETTINGS, type VadSettings } from './audio/vad-settings.ts';
export { LevelMeter, type Levels } from './audio/level.ts';
export { loadManifest, resolveModel, verifyModelFile, type VerifiedModel } from './models/manifest.ts';
export type { Manifest, ModelEntry } from './models/manifest-schema.ts';
export { loadProfile, loadAllProfiles, parseProfile, defaultProfileId } from './config/load-profile.ts';
export { DeviceProfile } from './config/profile-schema.ts';
export { Windower, type WindowStats } from './metrics/windower.ts';
export { windowMessage, type LessonContext } from './metrics/messages.ts';
export { lessonStart, lessonEnd } from './metrics/lesson.ts';
export {
  createPublisher,
  type DurablePublisher,
  type Publisher,
  type PublisherOptions,
  type PublishKind,
} from './transport/publisher.ts';
export { loadIdentity, type Identity } from './transport/identity.ts';
export { Outbox, DEFAULT_OUTBOX_QUOTA_BYTES, type Backlog } from './transport/outbox.ts';
export { DurableSequence, MemorySequence, type SequenceSource } from './transport/sequence.ts';
export { resolveStateDir } from './transport/state-dir.ts';
export { AgentError, AGENT_ERROR_CODES, isAgentError, type AgentErrorCode } from './errors.ts';
export { createLogger } from './log.ts';
