import type { WindowV1 } from '@classroom/protocol';
import { round } from './common.ts';
import type { Part, StAnalysis, StCode, StMode } from './types.ts';

/**
 * S-T analysis (Fu Degang 傅德荣 & Zhang Huimin 章慧敏, 《教育信息处理》, Beijing Normal
 * University Press, 2001). The lesson is sampled at a fixed interval (30 s in the original) and
 * each sample is coded T (teacher behaviour: lecturing, questioning, demonstrating, leading) or
 * S (everything else: student speech, thinking, practice, silence while students work).
 *   Rt = N_T / N                  teacher-behaviour share
 *   Ch = (g − 1) / N              conversion ratio, g = number of runs of equal codes
 * Teaching mode from the Rt-Ch diagram, in this order: practice (练习型) Rt ≤ 0.3, lecture
 * (讲授型) Rt ≥ 0.7, dialogue (对话型) Ch ≥ 0.4, otherwise mixed (混合型).
 *
 * We have 10 s aggregates, not video, so a sample at instant t exists when a window contains t,
 * and is coded from the speaker-role seconds of the span [t, t + interval): T when the teacher
 * speaks in the span and teacher seconds dominate (teacherS + overlapS/2 ≥ studentS), else S.
 */
export const ST_INTERVAL_S = 30;
export const ST_PRACTICE_MAX_RT = 0.3;
export const ST_LECTURE_MIN_RT = 0.7;
export const ST_DIALOGUE_MIN_CH = 0.4;
/** Rt and Ch are ratios of small integers; compare with a tolerance so 3/10 counts as 0.3. */
const EPS = 1e-9;

export function stMode(rt: number, ch: number): StMode {
  if (rt <= ST_PRACTICE_MAX_RT + EPS) return 'practice';
  if (rt >= ST_LECTURE_MIN_RT - EPS) return 'lecture';
  if (ch >= ST_DIALOGUE_MIN_CH - EPS) return 'dialogue';
  return 'mixed';
}

/** Rt, g, Ch, mode and the S-T curve from a code sequence. */
export function stFromCodes(
  codes: readonly StCode[],
): Omit<StAnalysis, 'intervalS' | 'samples' | 'skippedSamples'> {
  const n = codes.length;
  const nT = codes.filter((c) => c === 'T').length;
  const runs = codes.reduce((g, c, i) => (i === 0 || c !== codes[i - 1] ? g + 1 : g), 0);
  const rt = n > 0 ? nT / n : 0;
  const ch = n > 0 ? (runs - 1) / n : 0;
  const curve = [{ s: 0, t: 0 }];
  for (const c of codes) {
    const prev = curve[curve.length - 1]!;
    curve.push(c === 'T' ? { s: prev.s, t: prev.t + 1 } : { s: prev.s + 1, t: prev.t });
  }
  return { n, nT, nS: n - nT, rt: round(rt), runs, ch: round(ch), mode: stMode(rt, ch), curve };
}

/** Role seconds in [fromMs, toMs), each window weighted by the share of it inside the span. */
function spanRoles(windows: readonly WindowV1[], fromMs: number, toMs: number) {
  let teacher = 0;
  let student = 0;
  let overlap = 0;
  let seen = false;
  for (const w of windows) {
    const roles = w.audio?.roles;
    const inside = Math.min(w.endMs, toMs) - Math.max(w.startMs, fromMs);
    if (!roles || inside <= 0 || w.endMs <= w.startMs) continue;
    const weight = inside / (w.endMs - w.startMs);
    teacher += roles.teacherS * weight;
    student += roles.studentS * weight;
    overlap += roles.overlapS * weight;
    seen = true;
  }
  return seen ? { teacher, student, overlap } : null;
}

export function analyseSt(
  windows: readonly WindowV1[],
  lessonStartMs: number,
  intervalS = ST_INTERVAL_S,
): Part<StAnalysis> {
  if (!windows.some((w) => w.audio?.roles)) return { unavailable: 'no-roles' };
  const stepMs = intervalS * 1000;
  const lastEnd = Math.max(...windows.map((w) => w.endMs));
  const samples: StAnalysis['samples'] = [];
  let skippedSamples = 0;
  for (let t = lessonStartMs; t < lastEnd; t += stepMs) {
    // No window holds this instant: the recording had a gap, so there is no sample (not an S).
    if (!windows.some((w) => w.startMs <= t && t < w.endMs)) continue;
    const r = spanRoles(windows, t, t + stepMs);
    if (!r) {
      skippedSamples += 1;
      continue;
    }
    const teacherLeads = r.teacher + r.overlap > 0 && r.teacher + r.overlap / 2 >= r.student;
    samples.push({ atMs: t, code: teacherLeads ? 'T' : 'S' });
  }
  if (samples.length === 0) return { unavailable: 'no-roles' };
  return { intervalS, samples, skippedSamples, ...stFromCodes(samples.map((s) => s.code)) };
}
