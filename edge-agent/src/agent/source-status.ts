import type { SourceErrorCode, StatusV1 } from '@classroom/protocol';

/** The part of a capture's health (capture/live-health.ts) that status/1 carries for a live source. */
export interface SourceHealth {
  state: 'ok' | 'degraded' | 'down';
  reconnects?: number;
  lastErrorCode?: SourceErrorCode | null;
}

/** status/1's microphone fields. */
export type MicStatus = Pick<StatusV1, 'microphone' | 'micReconnects' | 'micError'>;

/** status/1's camera fields. */
export type CameraStatus = Pick<StatusV1, 'camera' | 'cameraReconnects' | 'cameraError'>;

/** status/1's Count maximum: a source flapping all term must not make the status invalid. */
const MAX_COUNT = 1_000_000;

/**
 * One source's health as status figures. The error code only while the source is not ok: after a
 * reconnect the last failure is history, and a status that still named it would send IT looking
 * for a fault that is gone. Only the closed code, never CaptureHealth.lastError's ffmpeg text [PRIV-2].
 */
function figures(h: SourceHealth): { reconnects?: number; error?: SourceErrorCode } {
  return {
    ...(h.reconnects !== undefined ? { reconnects: Math.min(MAX_COUNT, h.reconnects) } : {}),
    ...(h.state !== 'ok' && h.lastErrorCode ? { error: h.lastErrorCode } : {}),
  };
}

/** A live lesson's audio: null health (capture not built yet) is a source not delivering yet. */
export function micStatus(h: SourceHealth | null): MicStatus {
  if (!h) return { microphone: 'degraded' };
  const f = figures(h);
  return {
    microphone: h.state,
    ...(f.reconnects !== undefined ? { micReconnects: f.reconnects } : {}),
    ...(f.error ? { micError: f.error } : {}),
  };
}

/** A live lesson's camera: null health (no camera, or the lesson opens none) is "absent". */
export function cameraStatus(h: SourceHealth | null): CameraStatus {
  if (!h) return { camera: 'absent' };
  const f = figures(h);
  return {
    camera: h.state,
    ...(f.reconnects !== undefined ? { cameraReconnects: f.reconnects } : {}),
    ...(f.error ? { cameraError: f.error } : {}),
  };
}
