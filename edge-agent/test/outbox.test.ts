import { existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { Aedes } from 'aedes';
import { describe, expect, it } from 'vitest';
import { encodeMessage, validateMessage, type GapV1 } from '@classroom/protocol';
import { lessonFixture, windowFixture } from '@classroom/protocol/testing';
import { Backoff } from '../src/transport/backoff.ts';
import { Outbox, type EnqueueInput } from '../src/transport/outbox.ts';
import { OUTBOX_FILE } from '../src/transport/outbox-db.ts';
import { createPublisher } from '../src/transport/publisher.ts';
import { tempDir } from './helpers.ts';

const identity = { deviceId: 'dev-a', epoch: 1_767_225_600_000 };
const address = { school: 'sch-001', room: 'r101', device: 'dev-a' };

function entry(
  seq: number,
  kind: 'metrics' | 'lesson' = 'metrics',
): Omit<EnqueueInput, 'seq'> & { seq: number } {
  const m = kind === 'metrics' ? windowFixture({ seq, index: seq % 1000 }) : lessonFixture('start', { seq });
  return {
    kind,
    seq,
    startMs: m.startMs,
    endMs: m.endMs,
    lessonId: m.lessonId,
    droppable: kind === 'metrics',
    payload: encodeMessage(m),
  };
}

async function aedes(authorize: () => boolean = () => true) {
  const broker = await Aedes.createBroker({
    authorizePublish: (_c, _p, cb) => (authorize() ? cb(null) : undefined), // undefined: hold, no PUBACK
  });
  const received: string[] = [];
  broker.on('publish', (packet, client) => client && received.push(packet.payload.toString()));
  const server = createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    async close() {
      await new Promise<void>((r) => broker.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('outbox', () => {
  it('keeps messages and the sequence across a reopen (a restart), and never repeats a seq', () => {
    const dir = tempDir();
    let ob = Outbox.open({ stateDir: dir, identity });
    expect(ob.sequence.next()).toBe(0);
    ob.enqueue(entry(1));
    ob.enqueueWith((seq) => entry(seq));
    ob.close();
    ob = Outbox.open({ stateDir: dir, identity });
    expect(ob.backlog().messages).toBe(2);
    expect(ob.peek(10).map((r) => r.seq)).toEqual([1, 2]);
    expect(ob.sequence.next()).toBe(3);
    ob.close();
  });

  it('continues after a legacy sequence.json (DurableSequence) instead of restarting at 0', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'sequence.json'), '{"next": 41}\n');
    const ob = Outbox.open({ stateDir: dir, identity });
    expect(ob.sequence.next()).toBe(41);
    ob.close();
  });

  it('refuses an outbox that belongs to another device', () => {
    const dir = tempDir();
    Outbox.open({ stateDir: dir, identity }).close();
    expect(() => Outbox.open({ stateDir: dir, identity: { ...identity, deviceId: 'dev-b' } })).toThrow(
      /E_IDENTITY_MISMATCH/,
    );
  });

  it('full-buffer rule: oldest windows dropped first, lesson messages never, one valid gap/1 per eviction', () => {
    const dir = tempDir();
    const ob = Outbox.open({ stateDir: dir, identity, quotaBytes: 8_000 });
    ob.enqueue(entry(0, 'lesson'));
    for (let seq = 1; seq <= 40; seq++) ob.enqueue(entry(seq));
    const rows = ob.peek(1000);
    const backlog = ob.backlog();
    expect(backlog.droppedWindows).toBeGreaterThan(0);
    expect(backlog.alerts).toContain('E_OUTBOX_FULL');
    expect(rows[0]!.seq).toBe(0); // the lesson start survived
    const gaps = rows.filter((r) => r.payload.includes('"gap/1"')).map((r) => JSON.parse(r.payload) as GapV1);
    expect(gaps.length).toBeGreaterThan(0);
    for (const g of gaps) expect(() => validateMessage(g)).not.toThrow();
    expect(gaps[0]!.firstSeq).toBe(1);
    expect(gaps.reduce((a, g) => a + g.droppedWindows, 0)).toBe(backlog.droppedWindows);
    const kept = rows.filter((r) => r.payload.includes('"window/1"')).map((r) => r.seq);
    expect(Math.min(...kept)).toBeGreaterThan(Math.max(...gaps.map((g) => g.lastSeq))); // oldest went first
    expect(rows.at(-1)!.seq).toBeGreaterThanOrEqual(40);
    // Gap records take numbers from the same counter; a message whose number was taken is renumbered.
    const all = rows.map((r) => r.seq);
    expect(new Set(all).size).toBe(all.length);
    // Once sent (removed) and a new message fits without dropping, the alert is over; while a
    // message still needs room it stays.
    ob.enqueue(entry(41));
    expect(ob.backlog().alerts).toContain('E_OUTBOX_FULL');
    for (const r of ob.peek(1000)) ob.remove(r.id);
    ob.enqueue(entry(42));
    expect(ob.backlog().alerts).not.toContain('E_OUTBOX_FULL');
    expect(ob.backlog().droppedWindows).toBeGreaterThan(backlog.droppedWindows); // the count stays
    ob.close();
  });

  it.each([
    { name: 'zero-filled', damage: (f: string) => writeFileSync(f, Buffer.alloc(8192)) },
    { name: 'truncated', damage: (f: string) => truncateSync(f, Math.floor(statSync(f).size / 3)) },
    { name: 'emptied', damage: (f: string) => truncateSync(f, 0) },
  ])(
    'a $name outbox file is moved aside (or detected) and collection goes on with a seq never used',
    ({ damage }) => {
      const dir = tempDir();
      let ob = Outbox.open({ stateDir: dir, identity });
      for (let seq = 0; seq < 200; seq++) ob.enqueue(entry(seq));
      ob.close();
      const file = path.join(dir, OUTBOX_FILE);
      for (const s of ['-wal', '-shm']) if (existsSync(file + s)) truncateSync(file + s, 0);
      damage(file);
      const before = Date.now();
      ob = Outbox.open({ stateDir: dir, identity });
      expect(ob.backlog().alerts).toContain('E_OUTBOX_CORRUPT');
      expect(ob.sequence.next()).toBeGreaterThanOrEqual(before);
      ob.enqueue(entry(ob.sequence.peek()));
      expect(ob.backlog().messages).toBe(1);
      ob.close();
      const bad = readdirSync(dir).filter((f) => f.endsWith('.bad'));
      if (statSync(file).size > 0 && bad.length > 0)
        expect(readFileSync(path.join(dir, bad[0]!)).length).toBeGreaterThan(0);
    },
  );
});

describe('durable publisher', () => {
  it('publish resolves once on disk; nothing leaves the outbox without a PUBACK; flush waits for it', async () => {
    let allow = false;
    const broker = await aedes(() => allow);
    const dir = tempDir();
    const pub = await createPublisher({
      brokerUrl: broker.url,
      address,
      stateDir: dir,
      identity,
      closeFlushTimeoutMs: 100,
    });
    await pub.publish('lesson', lessonFixture('start', { seq: 0 }));
    await pub.publish('metrics', windowFixture({ seq: 1 }));
    await expect(pub.flush(300)).rejects.toThrow(/E_PUBLISH/);
    expect(pub.backlog().messages).toBe(2); // sent, but no PUBACK: still on disk
    await pub.close();

    // A restart with the broker acknowledging again: the same rows go and are then removed.
    allow = true;
    const again = await createPublisher({ brokerUrl: broker.url, address, stateDir: dir, identity });
    await again.flush(5000);
    expect(again.backlog().messages).toBe(0);
    await again.close();
    const seqs = broker.received.map((p) => (JSON.parse(p) as { seq: number }).seq);
    expect(new Set(seqs)).toEqual(new Set([0, 1]));
    await broker.close();
  });

  it('collects offline (waitForBroker: false) and delivers after the broker appears', async () => {
    const dir = tempDir();
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const pub = await createPublisher({
      brokerUrl: `mqtt://127.0.0.1:${port}`,
      address,
      stateDir: dir,
      identity,
      waitForBroker: false,
      connectTimeoutMs: 300,
      backoff: { baseMs: 20, maxMs: 100 },
    });
    for (let i = 0; i < 5; i++) await pub.publishNext((seq) => windowFixture({ seq, index: i }));
    expect(pub.backlog().messages).toBe(5);
    expect(pub.connected).toBe(false);
    const broker = await Aedes.createBroker();
    const got: number[] = [];
    broker.on('publish', (p, c) => c && got.push((JSON.parse(p.payload.toString()) as { seq: number }).seq));
    const server = createServer(broker.handle);
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    await pub.flush(5000);
    expect(got).toEqual([0, 1, 2, 3, 4]);
    await pub.close();
    await new Promise<void>((r) => broker.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
  });
});

describe('backoff', () => {
  it('doubles up to the cap with jitter in [ceiling/2, ceiling]', () => {
    const low = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0 });
    const high = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 1 });
    expect([1, 2, 3, 4, 5].map(() => low.next())).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map(() => high.next())).toEqual([100, 200, 400, 800, 1000]);
    high.reset();
    expect(high.next()).toBe(100);
  });
});
