import { STUDENT_TURN_BIN_EDGES_S, type AudioRoles } from '@classroom/protocol';
import type { RoleSegment } from '../audio/role-types.ts';

/**
 * The `audio.roles` figures of each window from the lesson's role segments [PRIV-2: counts,
 * seconds and bins only, never the segments]. Window k covers [k·windowS, (k+1)·windowS).
 * - teacherS / studentS / overlapS: seconds of each role inside the window.
 * - teacherToStudent / studentToTeacher: a change counts in the window where the new role starts,
 *   across any silence between the two (S-T analysis counts a reply after a pause as a change).
 *   Overlap is neither side, so teacher → overlap → student counts once, at the student's start.
 * - studentTurns and studentTurnBins: student segments starting in the window, binned by their
 *   whole duration (which may run into the next window).
 * - longestTeacherS: the longest teacher run ending in the window, whole length; runs separated by
 *   overlap only are one run (the teacher never stopped).
 */
export function roleWindows(segments: RoleSegment[], windowS: number, windowCount: number): AudioRoles[] {
  const out: AudioRoles[] = Array.from({ length: windowCount }, () => ({
    teacherS: 0,
    studentS: 0,
    overlapS: 0,
    teacherToStudent: 0,
    studentToTeacher: 0,
    studentTurns: 0,
    studentTurnBins: new Array<number>(STUDENT_TURN_BIN_EDGES_S.length + 1).fill(0),
    longestTeacherS: 0,
  }));
  const at = (t: number) => out[Math.min(windowCount - 1, Math.max(0, Math.floor(t / windowS + 1e-9)))];
  let lastSide: 'teacher' | 'student' | null = null;
  let teacherRunStart: number | null = null;
  let teacherRunEnd = 0;
  const closeTeacherRun = () => {
    if (teacherRunStart === null) return;
    const w = at(Math.max(teacherRunStart, teacherRunEnd - 1e-6));
    if (w) w.longestTeacherS = Math.max(w.longestTeacherS, teacherRunEnd - teacherRunStart);
    teacherRunStart = null;
  };
  for (const seg of segments) {
    // Seconds, split at window edges.
    for (let k = Math.floor(seg.startS / windowS); k * windowS < seg.endS && k < windowCount; k++) {
      const w = out[k];
      if (!w) continue;
      const s = Math.max(seg.startS, k * windowS);
      const e = Math.min(seg.endS, (k + 1) * windowS);
      if (e > s) w[`${seg.role}S`] += e - s;
    }
    const w = at(seg.startS);
    if (!w) continue;
    if (seg.role === 'student') {
      if (lastSide === 'teacher') w.teacherToStudent += 1;
      lastSide = 'student';
      w.studentTurns += 1;
      const d = seg.endS - seg.startS;
      const bin = STUDENT_TURN_BIN_EDGES_S.findIndex((edge) => d < edge);
      const idx = bin < 0 ? STUDENT_TURN_BIN_EDGES_S.length : bin;
      w.studentTurnBins[idx] = (w.studentTurnBins[idx] ?? 0) + 1;
      closeTeacherRun();
    } else {
      if (seg.role === 'teacher') {
        if (lastSide === 'student') w.studentToTeacher += 1;
        lastSide = 'teacher';
      }
      // A teacher run continues through overlap and through gaps-free adjacency only.
      if (teacherRunStart !== null && Math.abs(seg.startS - teacherRunEnd) > 1e-6) closeTeacherRun();
      teacherRunStart ??= seg.startS;
      teacherRunEnd = seg.endS;
    }
  }
  closeTeacherRun();
  for (const w of out) {
    w.teacherS = round3(w.teacherS);
    w.studentS = round3(w.studentS);
    w.overlapS = round3(w.overlapS);
    w.longestTeacherS = round3(w.longestTeacherS);
  }
  return out;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
