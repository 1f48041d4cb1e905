import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage, topicFor } from '@classroom/protocol';
import { fleetDevice } from '../src/devices/fleet-view.ts';
import { Counters, ingestMessage, SqliteStore } from '../src/index.ts';
import { DEVICE } from './helpers.ts';
import { statusMsg } from './store-contract.ts';

/**
 * status/1's optional camera fields through the real ingest (decode, validate, store) into the
 * fleet view: kept from an agent that sends them, null from one before them, and free text in
 * their place refused as any unknown content is [PRIV-2].
 */
describe('fleet view: camera reconnects and error code', () => {
  const store = new SqliteStore(':memory:');
  const deps = { store, counters: new Counters(), logger: pino({ level: 'silent' }) };
  const topic = topicFor(DEVICE, 'status');
  const ingest = (m: unknown) => ingestMessage(deps, topic, Buffer.from(JSON.stringify(m)));

  beforeAll(() => store.open());
  afterAll(() => store.close());

  const camera = async () => {
    const d = fleetDevice((await store.getDevice(DEVICE.device))!, Date.now());
    return [d.camera, d.cameraReconnects, d.cameraError];
  };

  it('stores an older agent’s status and shows no camera detail', async () => {
    expect(await ingest(statusMsg(1, { camera: 'degraded' }))).toEqual({ result: 'stored', kind: 'status' });
    expect(await camera()).toEqual(['degraded', null, null]);
  });

  it('stores and shows the reconnect count and why the camera is down', async () => {
    const m = statusMsg(2, { camera: 'down', cameraReconnects: 3, cameraError: 'auth-failed' });
    expect(await ingestMessage(deps, topic, Buffer.from(encodeMessage(m)))).toEqual({
      result: 'stored',
      kind: 'status',
    });
    expect(await camera()).toEqual(['down', 3, 'auth-failed']);
  });

  it('refuses ffmpeg text or an unknown code in cameraError', async () => {
    for (const [seq, cameraError] of [
      [3, 'Server returned 401 Unauthorized'],
      [4, 'E_CAMERA_DOWN'],
    ] as const) {
      const out = await ingest({ ...statusMsg(seq, { camera: 'down' }), cameraError });
      expect(out).toMatchObject({ result: 'rejected', code: 'E_SCHEMA_VIOLATION' });
    }
    expect(await camera()).toEqual(['down', 3, 'auth-failed']);
  });
});
