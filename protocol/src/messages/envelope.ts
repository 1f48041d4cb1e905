import { Type } from '@sinclair/typebox';
import { DeviceId, UnixMs } from '../ids.ts';

/**
 * Fields every message carries. `(deviceId, epoch, seq)` is the idempotency key: `seq` is
 * monotonic per device and survives restarts; `epoch` changes when a device is re-imaged, so a
 * device whose counter restarts at 0 does not collide with its own past.
 */
export const envelopeFields = {
  deviceId: DeviceId,
  epoch: Type.Integer({
    minimum: 1,
    maximum: 8.64e15,
    description: 'Install epoch: Unix ms at which this device installation first ran.',
  }),
  seq: Type.Integer({
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'Per-device sequence number, monotonic within an epoch, survives restarts.',
  }),
  startMs: UnixMs('Start of the time range the message covers (Unix ms, device clock).'),
  endMs: UnixMs('End of the time range the message covers (Unix ms, device clock), >= startMs.'),
};
