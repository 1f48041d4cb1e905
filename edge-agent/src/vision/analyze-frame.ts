import { estimateFigures, flagRatesFor, type PoseModelRates } from './adjusted-count.ts';
import { classify, DEFAULT_RULES, type BehaviourRules, type PersonFlags } from './behaviour.ts';
import type { VisionSettings } from './settings-schema.ts';
import { findTeacher, zoneOf, type TeacherZone } from './teacher.ts';
import type { Box, PersonPose } from './types.ts';

/** One frame's figures; per-person entries stay on the device (CLI output at most) [PRIV-2]. */
export interface FrameAnalysis {
  width: number;
  height: number;
  persons: (PersonPose & PersonFlags & { teacher: boolean })[];
  students: number;
  handsRaised: number;
  standing: number;
  /** Students with head up over students whose head could be judged; null when none could. */
  headsUpRatio: number | null;
  /**
   * The true figures as estimated from the flags and the rules' measured error rates
   * (adjusted-count.ts), unclamped so that averages over frames stay unbiased: noise can take
   * them a little outside 0..1 (0..students); clamp after averaging. Null where no rates apply
   * (profile `adjustedCounts` false, a pose model never measured, or rules other than the
   * defaults the rates were measured with).
   */
  estimates: { handsRaised: number; headsUpRatio: number | null } | null;
  teacher: { box: Box; zone: TeacherZone } | null;
}

/** Applies the behaviour rules and the teacher rule to the people found in one frame. */
export function analyzeFrame(
  persons: PersonPose[],
  width: number,
  height: number,
  settings: Pick<VisionSettings, 'zones' | 'backend' | 'adjustedCounts'>,
  rules: BehaviourRules = DEFAULT_RULES,
  rates: PoseModelRates | null = rules === DEFAULT_RULES ? flagRatesOf(settings) : null,
): FrameAnalysis {
  const flags = classify(persons, rules);
  const t = findTeacher(persons, flags, width, height, settings.zones);
  const annotated = persons.map((p, i) => ({ ...p, ...(flags[i] as PersonFlags), teacher: i === t }));
  const students = annotated.filter((p) => !p.teacher);
  const judged = students.filter((p) => p.headUp !== null);
  const teacher = t === null ? null : (persons[t] as PersonPose);
  const flagged = {
    handsRaised: students.filter((p) => p.handRaised).length,
    students: students.length,
    headsUpRatio: judged.length ? judged.filter((p) => p.headUp).length / judged.length : null,
  };
  return {
    width,
    height,
    persons: annotated,
    ...flagged,
    standing: students.filter((p) => p.standing).length,
    estimates: rates && estimateFigures(flagged, rates, false),
    teacher: teacher ? { box: teacher.box, zone: zoneOf(teacher.box, width, height, settings.zones) } : null,
  };
}

/** The rates for the profile's pose model, unless the profile turns the correction off. */
export function flagRatesOf(
  settings: Pick<VisionSettings, 'backend' | 'adjustedCounts'>,
): PoseModelRates | null {
  if (settings.adjustedCounts === false) return null;
  return flagRatesFor(settings.backend.type === 'tfjs-wasm' ? settings.backend.pose : settings.backend.model);
}
