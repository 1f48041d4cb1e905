import mqtt from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceAddress, WindowV1 } from '@classroom/protocol';
import { Counters, EmbeddedBroker, MqttIngest, SqliteStore, type SaveResult } from '../src/index.ts';
import { encode, metricsTopic, waitFor, windowMsg } from './helpers.ts';

/** A real SQLite store whose first window write fails, as a full disk or a lost connection would. */
class FailingOnceStore extends SqliteStore {
  failures = 1;
  override async saveWindow(address: DeviceAddress, m: WindowV1, receivedMs: number): Promise<SaveResult> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('disk I/O error');
    }
    return super.saveWindow(address, m, receivedMs);
  }
}

describe('the ingest acknowledges only after the database commit', () => {
  const logger = pino({ level: 'silent' });
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.reverse()) await fn();
    cleanup.length = 0;
  });

  it('leaves a message whose write failed with the broker, which redelivers it on reconnect', async () => {
    const broker = new EmbeddedBroker({ port: 0, logger });
    await broker.start();
    cleanup.push(() => broker.stop());
    const store = new FailingOnceStore(':memory:');
    await store.open();
    cleanup.push(() => store.close());
    const counters = new Counters();
    const options = { url: broker.url, clientId: 'ack-test', store, counters, logger };

    const first = new MqttIngest(options);
    await first.start();
    const device = await mqtt.connectAsync(broker.url, { clientId: 'ack-test-device' });
    cleanup.push(() => device.endAsync());
    await device.publishAsync(metricsTopic, encode(windowMsg(0)), { qos: 1 });
    await waitFor(() => counters.get('ingest_store_errors_total') === 1, 'store error');
    expect((await store.counts()).windows).toBe(0);
    await first.stop();

    // Same client id, persistent session: the unacknowledged PUBLISH comes again.
    const second = new MqttIngest(options);
    await second.start();
    cleanup.push(() => second.stop());
    await waitFor(async () => (await store.counts()).windows === 1, 'redelivered window stored');
    expect(counters.get('ingest_messages_total', { kind: 'metrics', result: 'stored' })).toBe(1);
  });
});
