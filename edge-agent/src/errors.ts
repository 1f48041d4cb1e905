/**
 * Stable error codes of the edge agent. Each has a description here, and a test checks that every
 * code thrown in the source is listed, so logs and status reports can be read by anyone.
 */
export const AGENT_ERROR_CODES = {
  E_USAGE: 'The command line is incomplete or contradictory.',
  E_FILE_NOT_FOUND: 'The input file does not exist or cannot be read.',
  E_DECODE: 'ffmpeg could not read or decode the input (corrupt, truncated or unsupported file).',
  E_NO_AUDIO: 'The input has no audio stream, so there is nothing to analyse.',
  E_FFMPEG_MISSING: 'The ffmpeg binary shipped by @ffmpeg-installer/ffmpeg could not be found or started.',
  E_MANIFEST_INVALID: 'models/manifest.json is missing, not JSON, or does not match its schema.',
  E_MODEL_UNKNOWN: 'No model with the requested id is listed in the manifest.',
  E_MODEL_MISSING: 'The model file named by the manifest does not exist.',
  E_MODEL_CHECKSUM: 'The model file differs from the manifest (size or sha256); it is not loaded.',
  E_MODEL_LOAD: 'onnxruntime or TensorFlow.js could not load or run the model.',
  E_PROFILE_NOT_FOUND: 'No device profile with that id or path.',
  E_PROFILE_INVALID: 'A device profile is not JSON or does not match the profile schema.',
  E_STATE_DIR: 'The agent state directory (identity, sequence) cannot be read or written.',
  E_IDENTITY_MISMATCH: 'The state directory belongs to a different device id.',
  E_TIMETABLE_INVALID: 'The school timetable is not JSON, fails its schema, or names an unknown time zone.',
  E_BROKER_UNREACHABLE: 'The MQTT broker could not be reached or refused the connection.',
  E_PUBLISH: 'The broker did not acknowledge a message (or the outbox did not drain in time).',
  E_OUTBOX_FULL:
    'The outbox reached its quota or the disk is full: the oldest windows were dropped and a gap record sent.',
  E_OUTBOX_CORRUPT:
    'The outbox file was damaged; it was moved aside as .bad and collection continued in a new one.',
  E_ABORTED: 'The analysis was stopped (SIGINT or SIGTERM, or the caller aborted it).',
  E_CONFIG_INVALID:
    'agent-config.json (or the profile or timetable it names) is missing, not JSON, or fails its schema.',
  E_ENROL: 'Enrolment failed: the cloud was unreachable, or refused the token (unknown, used or expired).',
  E_CONFIG_REJECTED:
    'A pushed config/1 failed validation or named a profile this device does not have; the previous one stays.',
  E_AUDIO_DOWN: 'The live audio source produced no audio for several starts in a row; retries continue.',
  E_CAMERA_DOWN:
    'The camera produced no frames for several starts in a row; windows carry no vision figures, retries continue.',
} as const;

export type AgentErrorCode = keyof typeof AGENT_ERROR_CODES;

export class AgentError extends Error {
  constructor(
    readonly code: AgentErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = 'AgentError';
  }
}

export function isAgentError(err: unknown, code?: AgentErrorCode): err is AgentError {
  return err instanceof AgentError && (code === undefined || err.code === code);
}
