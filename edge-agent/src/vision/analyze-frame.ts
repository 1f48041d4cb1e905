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
  teacher: { box: Box; zone: TeacherZone } | null;
}

/** Applies the behaviour rules and the teacher rule to the people found in one frame. */
export function analyzeFrame(
  persons: PersonPose[],
  width: number,
  height: number,
  settings: Pick<VisionSettings, 'zones'>,
  rules: BehaviourRules = DEFAULT_RULES,
): FrameAnalysis {
  const flags = classify(persons, rules);
  const t = findTeacher(persons, flags, width, height, settings.zones);
  const annotated = persons.map((p, i) => ({ ...p, ...(flags[i] as PersonFlags), teacher: i === t }));
  const students = annotated.filter((p) => !p.teacher);
  const judged = students.filter((p) => p.headUp !== null);
  const teacher = t === null ? null : (persons[t] as PersonPose);
  return {
    width,
    height,
    persons: annotated,
    students: students.length,
    handsRaised: students.filter((p) => p.handRaised).length,
    standing: students.filter((p) => p.standing).length,
    headsUpRatio: judged.length ? judged.filter((p) => p.headUp).length / judged.length : null,
    teacher: teacher ? { box: teacher.box, zone: zoneOf(teacher.box, width, height, settings.zones) } : null,
  };
}
