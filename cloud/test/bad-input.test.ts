import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '@classroom/protocol';
import type { LessonRow } from '../src/index.ts';
import { encode, metricsTopic, startTestCloud, waitFor, windowMsg, type TestCloud } from './helpers.ts';

/** Words that stand for content a device must never send; none may be kept anywhere [PRIV-1]. */
const SECRET = 'zebra-secret-utterance';
/** V8's JSON.parse error quotes only the first ten characters, so look for the first five. */
const SECRET_MARK = SECRET.slice(0, 5);

const CASES = [
  {
    name: 'malformed JSON',
    code: 'E_MALFORMED_JSON',
    topic: metricsTopic,
    payload: `${SECRET} {"schema":`,
  },
  {
    name: 'an unknown schema version',
    code: 'E_UNKNOWN_SCHEMA',
    topic: metricsTopic,
    payload: JSON.stringify({ ...windowMsg(0), schema: 'window/9' }),
  },
  {
    name: 'an oversized payload',
    code: 'E_OVERSIZED',
    topic: metricsTopic,
    payload: JSON.stringify({
      ...windowMsg(0),
      pad: SECRET.repeat(Math.ceil(MAX_MESSAGE_BYTES / SECRET.length)),
    }),
  },
  {
    name: 'an extra field (transcript) [PRIV-2]',
    code: 'E_SCHEMA_VIOLATION',
    topic: metricsTopic,
    payload: JSON.stringify({ ...windowMsg(0), transcript: `the teacher said ${SECRET}` }),
  },
  {
    name: 'a deviceId that differs from the topic',
    code: 'E_TOPIC_MISMATCH',
    topic: metricsTopic,
    payload: JSON.stringify(windowMsg(0, { deviceId: 'dev-b' })),
  },
] as const;

describe('bad input is rejected, counted, logged, dead-lettered, and ingest goes on', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await startTestCloud();
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(CASES.map((c, i) => ({ ...c, i })))('$name → $code', async ({ code, topic, payload, i }) => {
    const before = t.cloud.counters.get('ingest_messages_total', { result: 'rejected', code });
    await t.publish(topic, payload);
    // The next valid message still goes through (window i, its own seq).
    await t.publish(metricsTopic, encode(windowMsg(i)));
    await waitFor(
      () => t.cloud.counters.get('ingest_messages_total', { kind: 'metrics', result: 'stored' }) === i + 1,
      `window ${i} stored`,
    );

    expect(t.cloud.counters.get('ingest_messages_total', { result: 'rejected', code })).toBe(before + 1);
    const metrics = await t.api<string>('/metrics');
    expect(metrics.body).toContain(`ingest_messages_total{code="${code}",result="rejected"} ${before + 1}`);

    const log = t.logs.find((l) => l.msg === 'message rejected' && l['code'] === code);
    expect(log).toBeDefined();
    expect(typeof log!['reason']).toBe('string');
    expect((log!['reason'] as string).length).toBeGreaterThan(0);

    const [dead] = await t.cloud.store.listDeadLetters({ limit: 1, offset: 0 });
    expect(dead).toMatchObject({ code, topic, sizeBytes: Buffer.byteLength(payload) });
    expect(dead!.sha256).toMatch(/^[0-9a-f]{64}$/);

    const lesson = (await t.cloud.store.findLesson('dev-a', 'L1')) as LessonRow;
    expect(lesson.receivedWindows).toBe(i + 1);
  });

  it('keeps no payload content in logs, dead letters or the database files [PRIV-1]', async () => {
    const deadLetters = await t.cloud.store.listDeadLetters({ limit: 100, offset: 0 });
    expect(deadLetters).toHaveLength(CASES.length);
    expect(JSON.stringify(deadLetters)).not.toContain(SECRET_MARK);
    expect(JSON.stringify(t.logs)).not.toContain(SECRET_MARK);
    // The malformed-JSON reason must not quote the payload, as V8's JSON.parse message does.
    const malformed = deadLetters.find((d) => d.code === 'E_MALFORMED_JSON');
    expect(malformed?.reason).toMatch(/^not valid JSON/);
    for (const file of readdirSync(t.dir)) {
      expect(readFileSync(join(t.dir, file)).includes(SECRET_MARK), file).toBe(false);
    }
  });
});
