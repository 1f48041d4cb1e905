import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  encodeMessage,
  ingestSubscription,
  MAX_MESSAGE_BYTES,
  parseTopic,
  ProtocolError,
  REJECTION_CODES,
  topicFor,
  type RejectionCode,
} from '@classroom/protocol';
import { FIXTURE_DEVICE, lessonFixture, lessonV2Fixture, windowFixture } from '@classroom/protocol/testing';

const metricsTopic = topicFor(FIXTURE_DEVICE, 'metrics');
const lessonTopic = topicFor(FIXTURE_DEVICE, 'lesson');

function codeOf(fn: () => unknown): RejectionCode | 'accepted' {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    if (err instanceof ProtocolError) return err.code;
    throw err;
  }
}

describe('topics', () => {
  it('builds and parses device topics', () => {
    expect(metricsTopic).toBe('classroom/v1/sch-001/r101/dev-a/metrics');
    expect(parseTopic(metricsTopic)).toEqual({ ...FIXTURE_DEVICE, kind: 'metrics' });
    expect(parseTopic('classroom/v1/a/b/c/unknown')).toBeNull();
    expect(parseTopic('classroom/v1/a/b/c/d/metrics')).toBeNull();
    expect(parseTopic('other/v1/a/b/c/metrics')).toBeNull();
    expect(ingestSubscription('metrics', 'ingest')).toBe('$share/ingest/classroom/v1/+/+/+/metrics');
  });

  it('refuses topic levels that are MQTT wildcards or separators [PRIV-10 / fault 10]', () => {
    for (const bad of ['a+b', '#', 'x/y', '', ' space']) {
      expect(() => topicFor({ ...FIXTURE_DEVICE, device: bad }, 'metrics')).toThrow(
        /not a valid topic level/,
      );
    }
  });
});

describe('decodeMessage', () => {
  it('accepts valid window and lesson messages and round-trips them', () => {
    const w = windowFixture();
    const decoded = decodeMessage(metricsTopic, encodeMessage(w));
    expect(decoded.schema).toBe('window/1');
    expect(decoded.message).toEqual(w);
    expect(decodeMessage(lessonTopic, encodeMessage(lessonFixture('end'))).schema).toBe('lesson/1');
  });

  it('gives a stable code for each kind of bad input', () => {
    const w = windowFixture();
    const cases: [string, string, RejectionCode][] = [
      ['malformed json', '{"schema": "window/1",', 'E_MALFORMED_JSON'],
      ['json array', '[1,2]', 'E_MALFORMED_JSON'],
      ['unknown version', JSON.stringify({ ...w, schema: 'window/9' }), 'E_UNKNOWN_SCHEMA'],
      ['missing schema', JSON.stringify({ ...w, schema: undefined }), 'E_UNKNOWN_SCHEMA'],
      ['wrong type', JSON.stringify({ ...w, seq: 'one' }), 'E_SCHEMA_VIOLATION'],
      ['negative count', JSON.stringify({ ...w, index: -1 }), 'E_SCHEMA_VIOLATION'],
      [
        'free text smuggled in an id [PRIV-2]',
        JSON.stringify({ ...w, lessonId: '老师说 今天 我们' }),
        'E_SCHEMA_VIOLATION',
      ],
      [
        'extra transcript field [PRIV-2]',
        JSON.stringify({ ...w, transcript: 'hello' }),
        'E_SCHEMA_VIOLATION',
      ],
      [
        'extra image field [PRIV-1]',
        JSON.stringify({ ...w, vision: null, image: 'AAAA' }),
        'E_SCHEMA_VIOLATION',
      ],
      [
        'nested extra field',
        JSON.stringify({ ...w, audio: { ...w.audio, faceId: 3 } }),
        'E_SCHEMA_VIOLATION',
      ],
      ['time range reversed', JSON.stringify({ ...w, endMs: w.startMs - 1 }), 'E_TIME_RANGE'],
      ['another device under this topic', JSON.stringify({ ...w, deviceId: 'dev-b' }), 'E_TOPIC_MISMATCH'],
      ['oversized', JSON.stringify({ ...w, pad: 'x'.repeat(MAX_MESSAGE_BYTES) }), 'E_OVERSIZED'],
    ];
    for (const [name, payload, code] of cases) {
      expect(
        codeOf(() => decodeMessage(metricsTopic, payload)),
        name,
      ).toBe(code);
    }
  });

  it('accepts lesson/2 with a staff code or null, and still lesson/1 (the previous version)', () => {
    for (const m of [lessonV2Fixture('start'), lessonV2Fixture('end', { teacherId: null })]) {
      expect(decodeMessage(lessonTopic, encodeMessage(m)).message).toEqual(m);
    }
    expect(decodeMessage(lessonTopic, JSON.stringify(lessonFixture('start'))).schema).toBe('lesson/1');
  });

  it('refuses a teacher name, or teacherId on lesson/1 [PRIV-2]', () => {
    const v2 = lessonV2Fixture('start');
    for (const teacherId of ['Wang Li', '王老师', '', 'x'.repeat(65)]) {
      expect(
        codeOf(() => decodeMessage(lessonTopic, JSON.stringify({ ...v2, teacherId }))),
        teacherId,
      ).toBe('E_SCHEMA_VIOLATION');
    }
    const v1WithTeacher = { ...lessonFixture('start'), teacherId: 'T0412' };
    expect(codeOf(() => decodeMessage(lessonTopic, JSON.stringify(v1WithTeacher)))).toBe(
      'E_SCHEMA_VIOLATION',
    );
  });

  it('rejects a lesson message on the metrics topic', () => {
    expect(codeOf(() => decodeMessage(metricsTopic, JSON.stringify(lessonFixture('start'))))).toBe(
      'E_TOPIC_MISMATCH',
    );
  });

  it('encodeMessage refuses what the cloud would reject, so a device cannot publish it', () => {
    expect(() => encodeMessage({ ...windowFixture(), coverageS: -1 })).toThrow(ProtocolError);
  });

  it('documents every rejection code', () => {
    for (const text of Object.values(REJECTION_CODES)) expect(text.length).toBeGreaterThan(10);
  });
});
