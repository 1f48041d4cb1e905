/**
 * Frame-level scoring at 10 ms, as pyannote.metrics and md-eval do it with no collar: every
 * frame of the scored region counts once.
 */
export const FRAME_S = 0.01;

export interface Interval {
  startS: number;
  endS: number;
}

/** Marks the frames an interval covers (frame i is [i·10 ms, (i+1)·10 ms), taken by its centre). */
export function mark(frames: Uint8Array, iv: Interval, bit = 1): void {
  const a = Math.max(0, Math.round(iv.startS / FRAME_S));
  const b = Math.min(frames.length, Math.round(iv.endS / FRAME_S));
  for (let i = a; i < b; i++) frames[i] = frames[i]! | bit;
}

/** Running counts; every figure below is derived from them, so files pool by adding counts. */
export interface Counts {
  frames: number;
  speechAgree: number;
  refSpeech: number;
  hypSpeech: number;
  teacherTp: number;
  teacherFp: number;
  teacherFn: number;
  /** The same if every detected speech frame were called teacher (a baseline to beat). */
  baselineTp: number;
  baselineFp: number;
  /** Role DER parts, in frames of reference role (overlap frames count twice). */
  refRole: number;
  miss: number;
  falseAlarm: number;
  confusion: number;
}

export const emptyCounts = (): Counts => ({
  frames: 0,
  speechAgree: 0,
  refSpeech: 0,
  hypSpeech: 0,
  teacherTp: 0,
  teacherFp: 0,
  teacherFn: 0,
  baselineTp: 0,
  baselineFp: 0,
  refRole: 0,
  miss: 0,
  falseAlarm: 0,
  confusion: 0,
});

export function addCounts(a: Counts, b: Counts): Counts {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof Counts)[]) out[k] += b[k];
  return out;
}

/** Role bits per frame: 1 = teacher, 2 = student (3 = both); speech is a separate array. */
export const TEACHER = 1;
export const STUDENT = 2;

export function score(
  scored: Uint8Array,
  refRoles: Uint8Array,
  hypRoles: Uint8Array,
  hypSpeech: Uint8Array,
): Counts {
  const c = emptyCounts();
  for (let i = 0; i < scored.length; i++) {
    if (!scored[i]) continue;
    const r = refRoles[i]!;
    const h = hypRoles[i]!;
    const rs = r !== 0;
    const hs = hypSpeech[i] !== 0;
    c.frames += 1;
    if (rs === hs) c.speechAgree += 1;
    if (rs) c.refSpeech += 1;
    if (hs) c.hypSpeech += 1;
    const rt = (r & TEACHER) !== 0;
    const ht = (h & TEACHER) !== 0;
    if (rt && ht) c.teacherTp += 1;
    else if (ht) c.teacherFp += 1;
    else if (rt) c.teacherFn += 1;
    if (hs && rt) c.baselineTp += 1;
    else if (hs) c.baselineFp += 1;
    const nr = (rt ? 1 : 0) + ((r & STUDENT) !== 0 ? 1 : 0);
    const nh = (ht ? 1 : 0) + ((h & STUDENT) !== 0 ? 1 : 0);
    const correct = (r & h & TEACHER ? 1 : 0) + (r & h & STUDENT ? 1 : 0);
    c.refRole += nr;
    c.miss += Math.max(0, nr - nh);
    c.falseAlarm += Math.max(0, nh - nr);
    c.confusion += Math.min(nr, nh) - correct;
  }
  return c;
}

const r4 = (v: number) => Math.round(v * 10_000) / 10_000;
const ratio = (a: number, b: number) => (b > 0 ? r4(a / b) : null);

/** The reported figures of a set of counts. */
export function metrics(c: Counts) {
  const p = c.teacherTp / (c.teacherTp + c.teacherFp);
  const r = c.teacherTp / (c.teacherTp + c.teacherFn);
  const f1 = (2 * p * r) / (p + r);
  const bp = c.baselineTp / (c.baselineTp + c.baselineFp);
  const br = c.baselineTp / (c.teacherTp + c.teacherFn);
  const bf1 = (2 * bp * br) / (bp + br);
  const fin = (v: number) => (Number.isFinite(v) ? r4(v) : null);
  return {
    scoredS: r4(c.frames * FRAME_S),
    speech: {
      frameAccuracy: ratio(c.speechAgree, c.frames),
      refSpeechS: r4(c.refSpeech * FRAME_S),
      hypSpeechS: r4(c.hypSpeech * FRAME_S),
    },
    teacher: { precision: fin(p), recall: fin(r), f1: fin(f1), allSpeechAsTeacherF1: fin(bf1) },
    roleDer: {
      der: ratio(c.miss + c.falseAlarm + c.confusion, c.refRole),
      missed: ratio(c.miss, c.refRole),
      falseAlarm: ratio(c.falseAlarm, c.refRole),
      confusion: ratio(c.confusion, c.refRole),
    },
  };
}
