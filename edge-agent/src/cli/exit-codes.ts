import { ProtocolError } from '@classroom/protocol';
import { AgentError, type AgentErrorCode } from '../errors.ts';

/** Process exit status per error family, so scripts can tell a bad file from a broker outage. */
export const EXIT = {
  ok: 0,
  other: 1,
  usage: 2,
  input: 3,
  modelOrConfig: 4,
  broker: 5,
  state: 6,
  aborted: 130,
} as const;

const BY_CODE: Record<AgentErrorCode, number> = {
  E_USAGE: EXIT.usage,
  E_FILE_NOT_FOUND: EXIT.input,
  E_DECODE: EXIT.input,
  E_NO_AUDIO: EXIT.input,
  E_FFMPEG_MISSING: EXIT.modelOrConfig,
  E_MANIFEST_INVALID: EXIT.modelOrConfig,
  E_MODEL_UNKNOWN: EXIT.modelOrConfig,
  E_MODEL_MISSING: EXIT.modelOrConfig,
  E_MODEL_CHECKSUM: EXIT.modelOrConfig,
  E_MODEL_LOAD: EXIT.modelOrConfig,
  E_PROFILE_NOT_FOUND: EXIT.modelOrConfig,
  E_PROFILE_INVALID: EXIT.modelOrConfig,
  E_TIMETABLE_INVALID: EXIT.modelOrConfig,
  E_STATE_DIR: EXIT.state,
  E_OUTBOX_FULL: EXIT.state,
  E_OUTBOX_CORRUPT: EXIT.state,
  E_IDENTITY_MISMATCH: EXIT.state,
  E_BROKER_UNREACHABLE: EXIT.broker,
  E_PUBLISH: EXIT.broker,
  E_ABORTED: EXIT.aborted,
  E_CONFIG_INVALID: EXIT.modelOrConfig,
  E_ENROL: EXIT.broker,
  E_CONFIG_REJECTED: EXIT.modelOrConfig,
  E_AUDIO_DOWN: EXIT.input,
  E_CAMERA_DOWN: EXIT.input,
};

export function exitCodeFor(err: unknown): number {
  if (err instanceof AgentError) return BY_CODE[err.code];
  if (err instanceof ProtocolError) return EXIT.other;
  return EXIT.other;
}
