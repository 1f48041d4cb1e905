import type { PersonFlags } from './behaviour.ts';
import type { VisionSettings } from './settings-schema.ts';
import type { Box, PersonPose } from './types.ts';

export type TeacherZone = 'podium' | 'board' | 'aisle' | 'back';

/** A standing person this much taller than the median person is a teacher candidate anywhere. */
const TEACHER_HEIGHT_ANYWHERE = 1.8;
/** ...and this much taller in the front zones (podium, board). */
const TEACHER_HEIGHT_FRONT = 1.2;

/** Zone of a foot point (box bottom centre) in frame fractions; zones are tested in order. */
export function zoneOf(box: Box, width: number, height: number, zones: VisionSettings['zones']): TeacherZone {
  const fx = (box.x + box.w / 2) / width;
  const fy = (box.y + box.h) / height;
  for (const name of ['podium', 'board', 'back'] as const) {
    const z = zones[name];
    if (fx >= z.x0 && fx <= z.x1 && fy >= z.y0 && fy <= z.y1) return name;
  }
  return 'aisle';
}

/**
 * Picks the teacher among the people of a frame: the tallest standing person, if clearly taller
 * than the median person, or moderately taller while in the front zones. No identity is used or
 * kept [PRIV-5]; returns the index into `persons`, or null.
 */
export function findTeacher(
  persons: PersonPose[],
  flags: PersonFlags[],
  width: number,
  height: number,
  zones: VisionSettings['zones'],
): number | null {
  if (persons.length === 0) return null;
  const heights = persons.map((p) => p.box.h).sort((a, b) => a - b);
  const median = heights[Math.floor(heights.length / 2)] as number;
  let best: number | null = null;
  for (const [i, p] of persons.entries()) {
    if (!flags[i]?.standing && p.box.h < TEACHER_HEIGHT_ANYWHERE * median) continue;
    const zone = zoneOf(p.box, width, height, zones);
    const front = zone === 'podium' || zone === 'board';
    const ratio = persons.length < 3 ? Infinity : p.box.h / median;
    if (ratio < (front ? TEACHER_HEIGHT_FRONT : TEACHER_HEIGHT_ANYWHERE)) continue;
    if (best === null || p.box.h > (persons[best] as PersonPose).box.h) best = i;
  }
  return best;
}
