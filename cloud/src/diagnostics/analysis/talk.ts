import { STUDENT_TURN_BIN_EDGES_S, type WindowV1 } from '@classroom/protocol';
import { addBins, gap, per10Min, round, sum } from './common.ts';
import type { Histogram, Part, TimeRange } from './types.ts';

/**
 * Who talked how much. With speaker roles: teacher-only, student-only, overlap and silence
 * seconds and their shares of analysed time; without roles (every window's roles null): speech
 * and silence only. When some windows lack roles, role figures cover only the windows that have
 * them (`roles.windows` says how many), never treating missing roles as zero talk.
 */
export interface TalkAnalysis {
  basis: 'roles' | 'speech-only';
  /** Over all windows with audio. */
  speechS: number;
  silenceS: number;
  speechShare: number | null;
  roles: RoleTalk | null;
}

export interface RoleTalk {
  windows: number;
  /** Analysed seconds (speech + silence) of the windows with roles: the base of `shares`. */
  analysedS: number;
  teacherS: number;
  studentS: number;
  overlapS: number;
  /** Speech the device heard but did not attribute to a role. */
  unattributedS: number;
  silenceS: number;
  shares: { teacher: number; student: number; overlap: number; unattributed: number; silence: number };
  /** (teacher + overlap/2) / (teacher + student + overlap): Flanders' "teacher talk" share of talk. */
  teacherShareOfTalk: number | null;
  turns: {
    teacherToStudent: number;
    studentToTeacher: number;
    changesPer10Min: number | null;
    studentTurns: number;
    studentTurnsPer10Min: number | null;
    studentTurnLengths: Histogram;
  };
  /** Longest uninterrupted teacher speech; the range is approximate (the run ends within its window). */
  longestMonologue: { seconds: number; evidence: TimeRange } | null;
}

export function analyseTalk(windows: readonly WindowV1[]): Part<TalkAnalysis> {
  const heard = windows.filter((w) => w.audio);
  if (heard.length === 0) return gap('no-audio', windows, 'audio');
  const speechS = sum(heard.map((w) => w.audio!.speechS));
  const silenceS = sum(heard.map((w) => w.audio!.silenceS));
  const roles = roleTalk(heard);
  return {
    basis: roles ? 'roles' : 'speech-only',
    speechS: round(speechS),
    silenceS: round(silenceS),
    speechShare: speechS + silenceS > 0 ? round(speechS / (speechS + silenceS)) : null,
    roles,
  };
}

function roleTalk(heard: readonly WindowV1[]): RoleTalk | null {
  const rw = heard.filter((w) => w.audio!.roles);
  if (rw.length === 0) return null;
  const pick = (f: (w: WindowV1) => number) => sum(rw.map(f));
  const teacherS = pick((w) => w.audio!.roles!.teacherS);
  const studentS = pick((w) => w.audio!.roles!.studentS);
  const overlapS = pick((w) => w.audio!.roles!.overlapS);
  const speechS = pick((w) => w.audio!.speechS);
  const silenceS = pick((w) => w.audio!.silenceS);
  const unattributedS = Math.max(0, speechS - teacherS - studentS - overlapS);
  const analysedS = speechS + silenceS;
  const share = (x: number) => (analysedS > 0 ? round(x / analysedS) : 0);
  const talkS = teacherS + studentS + overlapS;
  const coverageS = pick((w) => w.coverageS);
  const tToS = pick((w) => w.audio!.roles!.teacherToStudent);
  const sToT = pick((w) => w.audio!.roles!.studentToTeacher);
  const studentTurns = pick((w) => w.audio!.roles!.studentTurns);
  const bins = new Array<number>(STUDENT_TURN_BIN_EDGES_S.length + 1).fill(0);
  for (const w of rw) addBins(bins, w.audio!.roles!.studentTurnBins);
  return {
    windows: rw.length,
    analysedS: round(analysedS),
    teacherS: round(teacherS),
    studentS: round(studentS),
    overlapS: round(overlapS),
    unattributedS: round(unattributedS),
    silenceS: round(silenceS),
    shares: {
      teacher: share(teacherS),
      student: share(studentS),
      overlap: share(overlapS),
      unattributed: share(unattributedS),
      silence: share(silenceS),
    },
    teacherShareOfTalk: talkS > 0 ? round((teacherS + overlapS / 2) / talkS) : null,
    turns: {
      teacherToStudent: tToS,
      studentToTeacher: sToT,
      changesPer10Min: per10Min(tToS + sToT, coverageS),
      studentTurns,
      studentTurnsPer10Min: per10Min(studentTurns, coverageS),
      studentTurnLengths: { edgesS: STUDENT_TURN_BIN_EDGES_S, counts: bins, total: sum(bins) },
    },
    longestMonologue: longestMonologue(rw),
  };
}

function longestMonologue(rw: readonly WindowV1[]): RoleTalk['longestMonologue'] {
  let best: WindowV1 | undefined;
  for (const w of rw) {
    // Strictly greater: the earliest window wins a tie, so the evidence is deterministic.
    if (w.audio!.roles!.longestTeacherS > (best?.audio!.roles!.longestTeacherS ?? 0)) best = w;
  }
  if (!best) return null;
  const seconds = best.audio!.roles!.longestTeacherS;
  const startMs = Math.max(rw[0]!.startMs, Math.round(best.endMs - seconds * 1000));
  return { seconds: round(seconds), evidence: { startMs, endMs: best.endMs } };
}
