import type { StatusV1 } from '@classroom/protocol';
import type { DeviceRow } from '../store/types.ts';

/**
 * A device's state on the fleet page:
 * - online: its latest status says online and something arrived within `staleAfterMs`;
 * - offline: its latest status is the last will (online: false), published by the broker when the
 *   connection dropped without a DISCONNECT, or its own goodbye on a clean stop;
 * - stale: it said online but nothing has arrived for `staleAfterMs` (a broker that lost the will,
 *   a half-open connection);
 * - unknown: enrolled or seen, but no status yet.
 */
export type FleetState = 'online' | 'offline' | 'stale' | 'unknown';

/** Three missed heartbeats at the default 60 s interval. */
export const DEFAULT_STALE_AFTER_MS = 3 * 60_000;

export interface FleetDevice {
  deviceId: string;
  school: string;
  room: string;
  state: FleetState;
  firstSeenMs: number;
  lastSeenMs: number;
  version: string | null;
  profile: string | null;
  /** [PRIV-6] the recording indicator, as the device reported it. */
  recording: boolean | null;
  cpuLoad: number | null;
  cpuTempC: number | null;
  memUsedRatio: number | null;
  diskFreeBytes: number | null;
  backlog: number | null;
  microphone: StatusV1['microphone'] | null;
  camera: StatusV1['camera'] | null;
  /** Null when the status has none: no camera ran yet, or a device from before the field. */
  cameraReconnects: number | null;
  /** Why the camera is not ok (a closed code); null while ok or from a device that does not send it. */
  cameraError: NonNullable<StatusV1['cameraError']> | null;
  /** As cameraReconnects, for the audio source (microphone or camera audio). */
  micReconnects: number | null;
  /** As cameraError, for the audio source. */
  micError: NonNullable<StatusV1['micError']> | null;
  errors: string[];
}

export function fleetState(row: DeviceRow, nowMs: number, staleAfterMs = DEFAULT_STALE_AFTER_MS): FleetState {
  const s = row.lastStatus;
  if (!s) return 'unknown';
  if (!s.online) return 'offline';
  return nowMs - row.lastSeenMs > staleAfterMs ? 'stale' : 'online';
}

export function fleetDevice(row: DeviceRow, nowMs: number, staleAfterMs?: number): FleetDevice {
  const s = row.lastStatus;
  return {
    deviceId: row.deviceId,
    school: row.school,
    room: row.room,
    state: fleetState(row, nowMs, staleAfterMs),
    firstSeenMs: row.firstSeenMs,
    lastSeenMs: row.lastSeenMs,
    version: s?.version ?? null,
    profile: s?.profile ?? null,
    recording: s ? s.recording : null,
    cpuLoad: s?.cpuLoad ?? null,
    cpuTempC: s?.cpuTempC ?? null,
    memUsedRatio: s?.memUsedRatio ?? null,
    diskFreeBytes: s?.diskFreeBytes ?? null,
    backlog: s?.backlog ?? null,
    microphone: s?.microphone ?? null,
    camera: s?.camera ?? null,
    cameraReconnects: s?.cameraReconnects ?? null,
    cameraError: s?.cameraError ?? null,
    micReconnects: s?.micReconnects ?? null,
    micError: s?.micError ?? null,
    errors: s?.errors ?? [],
  };
}
