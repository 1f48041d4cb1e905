import { describe, expect, it } from 'vitest';
import { validatorFor } from '@classroom/protocol';
import { statusFixture } from '@classroom/protocol/testing';
import { cameraStatus, micStatus } from '../src/agent/source-status.ts';

// The mapping from a capture's health to status/1's source fields, without a broker or ffmpeg
// (agent-mic-status.test.ts and agent-camera-status.test.ts run it in the daemon).

const checkStatus = validatorFor('status/1')!;

describe('status/1 source fields from capture health', () => {
  it('names the error only while the source is not ok, for the microphone as for the camera', () => {
    const failed = { reconnects: 2, lastErrorCode: 'refused' } as const;
    expect(micStatus({ state: 'down', ...failed })).toEqual({
      microphone: 'down',
      micReconnects: 2,
      micError: 'refused',
    });
    expect(micStatus({ state: 'ok', ...failed })).toEqual({ microphone: 'ok', micReconnects: 2 });
    expect(cameraStatus({ state: 'degraded', ...failed })).toEqual({
      camera: 'degraded',
      cameraReconnects: 2,
      cameraError: 'refused',
    });
    expect(cameraStatus({ state: 'ok', ...failed })).toEqual({ camera: 'ok', cameraReconnects: 2 });
  });

  it('leaves out what the health does not know, and has a state without one', () => {
    expect(micStatus({ state: 'degraded', lastErrorCode: null })).toEqual({ microphone: 'degraded' });
    expect(micStatus(null)).toEqual({ microphone: 'degraded' }); // the lesson's capture not built yet
    expect(cameraStatus(null)).toEqual({ camera: 'absent' });
  });

  it('caps the reconnect count at what status/1 accepts, so a flapping source keeps the status valid', () => {
    const h = { state: 'degraded', reconnects: 5_000_000, lastErrorCode: 'stalled' } as const;
    const status = statusFixture({ ...micStatus(h), ...cameraStatus(h) });
    expect([status.micReconnects, status.cameraReconnects]).toEqual([1_000_000, 1_000_000]);
    expect(checkStatus.Check(status)).toBe(true);
  });
});
