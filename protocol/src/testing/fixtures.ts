import type { LessonV1, LessonV2, StatusV1, WindowV1 } from '../index.ts';

/** Valid message builders for tests on both sides of the wire. */
export const FIXTURE_DEVICE = { school: 'sch-001', room: 'r101', device: 'dev-a' } as const;
export const FIXTURE_EPOCH = 1_767_225_600_000; // 2026-01-01T00:00:00Z

export function windowFixture(overrides: Partial<WindowV1> = {}): WindowV1 {
  const index = overrides.index ?? 0;
  const startMs = FIXTURE_EPOCH + 3_600_000 + index * 10_000;
  return {
    schema: 'window/1',
    deviceId: FIXTURE_DEVICE.device,
    epoch: FIXTURE_EPOCH,
    seq: index + 1,
    startMs,
    endMs: startMs + 10_000,
    lessonId: 'L1',
    index,
    durationS: 10,
    coverageS: 10,
    audio: { speechS: 6.5, silenceS: 3.5, levelDbfs: -32.1, levelDba: -35.4, roles: null },
    speech: null,
    vision: null,
    unavailable: { roles: 'not-implemented', speech: 'not-implemented', vision: 'no-source' },
    ...overrides,
  };
}

/** A lesson/1 message: the previous version, which the cloud still accepts. */
export function lessonFixture(event: 'start' | 'end', overrides: Partial<LessonV1> = {}): LessonV1 {
  const startMs = FIXTURE_EPOCH + 3_600_000;
  return {
    schema: 'lesson/1',
    deviceId: FIXTURE_DEVICE.device,
    epoch: FIXTURE_EPOCH,
    seq: event === 'start' ? 0 : 1000,
    startMs,
    endMs: event === 'start' ? startMs : startMs + 30_000,
    event,
    lessonId: 'L1',
    classId: 'c7-2',
    subject: 'math',
    grade: 7,
    source: 'file',
    windowS: 10,
    windowCount: event === 'end' ? 3 : null,
    endReason: event === 'end' ? 'complete' : null,
    ...overrides,
  };
}

/** A lesson/2 message (the version the agent sends): lesson/1 plus the teacher's staff code. */
export function lessonV2Fixture(event: 'start' | 'end', overrides: Partial<LessonV2> = {}): LessonV2 {
  const { schema: _schema, ...v1 } = lessonFixture(event);
  return { ...v1, schema: 'lesson/2', teacherId: 'T0412', ...overrides };
}

/** A status/1 heartbeat of a healthy, recording device with no system figures. */
export function statusFixture(overrides: Partial<StatusV1> = {}): StatusV1 {
  return {
    schema: 'status/1',
    deviceId: FIXTURE_DEVICE.device,
    epoch: FIXTURE_EPOCH,
    seq: 1,
    startMs: 0,
    endMs: 0,
    online: true,
    version: '0.1.0',
    profile: null,
    recording: true,
    cpuLoad: null,
    cpuTempC: null,
    memUsedRatio: null,
    diskFreeBytes: null,
    backlog: 0,
    microphone: 'ok',
    camera: 'absent',
    errors: [],
    ...overrides,
  };
}
