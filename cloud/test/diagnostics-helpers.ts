import {
  validateMessage,
  type AudioRoles,
  type SpeechSection,
  type VisionSection,
  type WindowV1,
} from '@classroom/protocol';

/** Hand-built window/1 timelines for the lesson-analysis tests; every window is schema-checked. */
export const T0 = 1_767_229_200_000; // 2026-01-01T01:00:00Z, lesson start

export interface Talk {
  teacher?: number;
  student?: number;
  overlap?: number;
  silence?: number;
  tToS?: number;
  sToT?: number;
  studentTurns?: number;
  turnBins?: [number, number, number, number];
  longest?: number;
}

export interface WindowSpec {
  /** Speaker roles; `null` for a window whose device had no role model. */
  talk?: Talk | null;
  speech?: Partial<SpeechSection> | null;
  vision?: Partial<VisionSection> | null;
  /** Drop the audio section (a microphone gap). */
  noAudio?: boolean;
}

export function roles(t: Talk): AudioRoles {
  return {
    teacherS: t.teacher ?? 0,
    studentS: t.student ?? 0,
    overlapS: t.overlap ?? 0,
    teacherToStudent: t.tToS ?? 0,
    studentToTeacher: t.sToT ?? 0,
    studentTurns: t.studentTurns ?? 0,
    studentTurnBins: t.turnBins ?? [0, 0, 0, 0],
    longestTeacherS: t.longest ?? 0,
  };
}

export function speechSection(over: Partial<SpeechSection> = {}): SpeechSection {
  return {
    teacherQuestions: 0,
    studentQuestions: 0,
    questionTypes: { open: 0, closed: 0, recall: 0, higherOrder: 0 },
    waitTime1Bins: [0, 0, 0, 0, 0],
    waitTime2Bins: [0, 0, 0, 0, 0],
    categoryCounts: {},
    transitions: {},
    teacherWordsPerMin: null,
    ...over,
  };
}

export function visionSection(over: Partial<VisionSection> = {}): VisionSection {
  return {
    framesAnalysed: 20,
    personsVisibleMean: 40,
    handsRaisedPeak: 0,
    handsRaisedMean: 0,
    standingPeak: 0,
    headsUpRatio: 0.8,
    teacherZoneS: null,
    teacherMovedM: null,
    ...over,
  };
}

export function win(index: number, spec: WindowSpec = {}): WindowV1 {
  const startMs = T0 + index * 10_000;
  const t = spec.talk === undefined ? { silence: 10 } : spec.talk;
  const speechS = t ? (t.teacher ?? 0) + (t.student ?? 0) + (t.overlap ?? 0) : 5;
  const silenceS = t ? (t.silence ?? Math.max(0, 10 - speechS)) : 5;
  const w: WindowV1 = {
    schema: 'window/1',
    deviceId: 'dev-a',
    epoch: 1_767_225_600_000,
    seq: 100 + index,
    startMs,
    endMs: startMs + 10_000,
    lessonId: 'L1',
    index,
    durationS: 10,
    coverageS: 10,
    audio: spec.noAudio
      ? null
      : { speechS, silenceS, levelDbfs: -30, levelDba: null, roles: t ? roles(t) : null },
    speech: spec.speech === undefined || spec.speech === null ? null : speechSection(spec.speech),
    vision: spec.vision === undefined || spec.vision === null ? null : visionSection(spec.vision),
    unavailable: {
      ...(spec.noAudio ? { audio: 'source-gap' as const } : {}),
      ...(t === null && !spec.noAudio ? { roles: 'no-model' as const } : {}),
      ...(spec.speech ? {} : { speech: 'disabled' as const }),
      ...(spec.vision ? {} : { vision: 'no-source' as const }),
    },
  };
  validateMessage(w); // throws on an invalid window, so a test cannot pass on a malformed timeline
  return w;
}

/** Windows 0..n-1 from one spec per window. */
export function timeline(specs: readonly WindowSpec[]): WindowV1[] {
  return specs.map((s, i) => win(i, s));
}

/** `count` copies of one spec. */
export function repeat(count: number, spec: WindowSpec): WindowSpec[] {
  return Array.from({ length: count }, () => spec);
}
