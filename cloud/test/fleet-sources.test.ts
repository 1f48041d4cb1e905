import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage, topicFor, type StatusV1 } from '@classroom/protocol';
import { fleetDevice, type FleetDevice } from '../src/devices/fleet-view.ts';
import { Counters, ingestMessage, SqliteStore } from '../src/index.ts';
import { DEVICE } from './helpers.ts';
import { statusMsg } from './store-contract.ts';

/** One live source's status/1 fields and the fleet view's names for them. */
interface Source {
  name: string;
  health: 'camera' | 'microphone';
  reconnects: 'cameraReconnects' | 'micReconnects';
  error: 'cameraError' | 'micError';
}
const SOURCES: Source[] = [
  { name: 'camera', health: 'camera', reconnects: 'cameraReconnects', error: 'cameraError' },
  { name: 'microphone', health: 'microphone', reconnects: 'micReconnects', error: 'micError' },
];

/**
 * status/1's optional camera and microphone fields through the real ingest (decode, validate,
 * store) into the fleet view: kept from an agent that sends them, null from one before them, and
 * free text in their place refused as any unknown content is [PRIV-2].
 */
describe.each(SOURCES)('fleet view: $name reconnects and error code', (src) => {
  const store = new SqliteStore(':memory:');
  const deps = { store, counters: new Counters(), logger: pino({ level: 'silent' }) };
  const topic = topicFor(DEVICE, 'status');
  const ingest = (m: unknown) => ingestMessage(deps, topic, Buffer.from(JSON.stringify(m)));
  const status = (seq: number, over: Record<string, unknown>) => statusMsg(seq, over as Partial<StatusV1>);

  beforeAll(() => store.open());
  afterAll(() => store.close());

  const view = async (): Promise<FleetDevice> =>
    fleetDevice((await store.getDevice(DEVICE.device))!, Date.now());
  const shown = async () => {
    const d = await view();
    return [d[src.health], d[src.reconnects], d[src.error]];
  };

  it('stores an older agent’s status and shows no detail', async () => {
    expect(await ingest(status(1, { [src.health]: 'degraded' }))).toEqual({
      result: 'stored',
      kind: 'status',
    });
    expect(await shown()).toEqual(['degraded', null, null]);
  });

  it('stores and shows the reconnect count and why the source is down', async () => {
    const m = status(2, { [src.health]: 'down', [src.reconnects]: 3, [src.error]: 'auth-failed' });
    expect(await ingestMessage(deps, topic, Buffer.from(encodeMessage(m)))).toEqual({
      result: 'stored',
      kind: 'status',
    });
    expect(await shown()).toEqual(['down', 3, 'auth-failed']);
  });

  it('keeps the two sources apart', async () => {
    const d = await view();
    const other = SOURCES.find((s) => s !== src)!;
    expect([d[other.reconnects], d[other.error]]).toEqual([null, null]);
  });

  it('refuses ffmpeg text or an unknown code in the error field', async () => {
    for (const [seq, error] of [
      [3, 'Server returned 401 Unauthorized'],
      [4, 'E_CAMERA_DOWN'],
      [5, 'http://admin:pw@encoder/live.wav'],
    ] as const) {
      const out = await ingest({ ...status(seq, { [src.health]: 'down' }), [src.error]: error });
      expect(out).toMatchObject({ result: 'rejected', code: 'E_SCHEMA_VIOLATION' });
    }
    expect(await shown()).toEqual(['down', 3, 'auth-failed']);
  });
});
