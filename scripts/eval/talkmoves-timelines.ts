/**
 * TalkMoves transcripts → window/1 timelines → lesson analysis. Each transcript whose utterances
 * mostly carry a time (`t`, hh:mm:ss) becomes the windows a device would have published, built
 * and validated through the wire protocol (`encodeMessage`), then analysed by the cloud's
 * `analyseLesson` exactly as stored windows are. Prints one JSON object: distributions of teacher
 * talk share, S-T Rt/Ch and mode, and teacher questions per 10 minutes over the lessons.
 *
 *   npx tsx scripts/eval/talkmoves-timelines.ts ../shared/data/transcripts/talkmoves
 *
 * The times are estimates (see ASSUMPTIONS): transcripts give when an utterance began, to the
 * second, not how long it lasted. TalkMoves is CC BY-NC-SA 4.0: evaluation only, never shipped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  encodeMessage,
  STUDENT_TURN_BIN_EDGES_S,
  WAIT_TIME_BIN_EDGES_S,
  type WindowV1,
} from '@classroom/protocol';
import { analyseLesson, type LessonAnalysis } from '../../cloud/src/diagnostics/analysis/index.ts';
import { quantile } from '../../cloud/src/diagnostics/cohort.ts';

export const ASSUMPTIONS = {
  windowS: 10,
  /** Share of utterances with a time needed to use a transcript. */
  minTimedShare: 0.8,
  /** Share of utterances by the teacher below which a transcript is a small-group recording. */
  minTeacherShare: 0.05,
  /** Speaking rate used to estimate an utterance's duration from its words (150 words/min). */
  wordsPerSecond: 2.5,
  minUtteranceS: 0.5,
  /** An utterance never spans more than this; beyond it (and beyond its estimated speech) is silence. */
  maxUtteranceS: 30,
  questionRule: "a teacher utterance whose text ends with '?'",
  timeFormat: 'hh:mm:ss, or mm:ss:ff where every time in a transcript ends in :00',
  untimedUtterances: 'placed evenly between the nearest timed utterances before and after',
  sameTimeUtterances: 'share the span to the next distinct time in proportion to their word counts',
  unknownRole: 'speech, not attributed to teacher or students',
} as const;

interface Utterance {
  t: string | null;
  role: 'teacher' | 'student' | 'unknown';
  text: string;
}

interface Segment {
  role: Utterance['role'];
  startS: number;
  /** Estimated speech end. */
  endS: number;
  /** The next utterance's start (end of this utterance's span). */
  nextS: number;
  question: boolean;
}

const EPOCH = Date.UTC(2026, 0, 1);
const LESSON_START_MS = Date.UTC(2026, 0, 5, 1, 0, 0);

function seconds(t: string, minutesFirst = false): number | null {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(t.trim());
  if (!m) return null;
  // Some transcripts write mm:ss:00 (a frame field that is always 00), not hh:mm:ss.
  return minutesFirst
    ? Number(m[1]) * 60 + Number(m[2])
    : Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/** True when every timed utterance ends in ":00": the times are mm:ss:ff, not hh:mm:ss. */
export function minutesFirst(us: readonly Utterance[]): boolean {
  const timed = us.map((u) => u.t).filter((t): t is string => t !== null && seconds(t) !== null);
  return timed.length >= 20 && timed.every((t) => t.trim().endsWith(':00'));
}

const words = (text: string) => text.split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)).length;

/** Utterance start times: given ones (made non-decreasing), untimed ones interpolated. */
function startTimes(us: readonly Utterance[]): { starts: number[]; backwards: number } {
  const mmss = minutesFirst(us);
  const raw = us.map((u) => (u.t === null ? null : seconds(u.t, mmss)));
  let backwards = 0;
  let last = -Infinity;
  const known = raw.map((s) => {
    if (s === null) return null;
    if (s < last) backwards += 1;
    last = Math.max(last, s);
    return last;
  });
  const starts: number[] = [];
  for (let i = 0; i < known.length; i += 1) {
    const k = known[i];
    if (k !== null && k !== undefined) {
      starts.push(k);
      continue;
    }
    let a = i - 1;
    while (a >= 0 && known[a] === null) a -= 1;
    let b = i + 1;
    while (b < known.length && known[b] === null) b += 1;
    const ta = a >= 0 ? known[a]! : (known[b] ?? 0);
    const tb = b < known.length ? known[b]! : ta;
    starts.push(ta + ((tb - ta) * (i - a)) / (b - a));
  }
  return { starts, backwards };
}

/** Speech segments with estimated durations (see ASSUMPTIONS). */
export function segments(us: readonly Utterance[]): { segments: Segment[]; backwards: number } {
  const { starts, backwards } = startTimes(us);
  const out: Segment[] = [];
  let i = 0;
  while (i < us.length) {
    // A group of utterances sharing one start time shares the span to the next distinct time.
    let j = i;
    while (j + 1 < us.length && starts[j + 1] === starts[i]) j += 1;
    const start = starts[i]!;
    const next = j + 1 < us.length ? starts[j + 1]! : start + ASSUMPTIONS.maxUtteranceS;
    const span = Math.min(next - start, ASSUMPTIONS.maxUtteranceS * (j - i + 1));
    const group = us.slice(i, j + 1);
    const ws = group.map((u) => Math.max(1, words(u.text)));
    const total = ws.reduce((a, b) => a + b, 0);
    let at = start;
    group.forEach((u, k) => {
      const share = (span * ws[k]!) / total;
      const speech = Math.min(
        share,
        ASSUMPTIONS.maxUtteranceS,
        Math.max(ASSUMPTIONS.minUtteranceS, ws[k]! / ASSUMPTIONS.wordsPerSecond),
      );
      out.push({
        role: u.role,
        startS: at,
        endS: at + speech,
        nextS: at + share,
        question: u.text.trim().endsWith('?'),
      });
      at += share;
    });
    i = j + 1;
  }
  return { segments: out, backwards };
}

function bin(edges: readonly number[], value: number): number {
  const i = edges.findIndex((e) => value < e);
  return i === -1 ? edges.length : i;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Runs of consecutive same-role segments (a speaker turn), unknown speech skipped. */
function runs(segs: readonly Segment[]): { role: 'teacher' | 'student'; startS: number; endS: number }[] {
  const out: { role: 'teacher' | 'student'; startS: number; endS: number }[] = [];
  for (const s of segs) {
    if (s.role === 'unknown') continue;
    const last = out[out.length - 1];
    if (last && last.role === s.role) last.endS = s.endS;
    else out.push({ role: s.role, startS: s.startS, endS: s.endS });
  }
  return out;
}

/** The window/1 messages a device would publish for this transcript, each validated on encode. */
export function windowsFor(
  lessonId: string,
  us: readonly Utterance[],
): { windows: WindowV1[]; backwards: number } {
  const { segments: segs, backwards } = segments(us);
  const t0 = segs[0]?.startS ?? 0;
  const endS = Math.max(...segs.map((s) => s.endS), t0 + 1);
  const W = ASSUMPTIONS.windowS;
  const count = Math.ceil((endS - t0) / W);
  const turns = runs(segs);
  // Per-window accumulators, filled in one pass over segments and turns.
  const acc = Array.from({ length: count }, () => ({
    teacherS: 0,
    studentS: 0,
    speechS: 0,
    turnBins: [0, 0, 0, 0],
    tToS: 0,
    sToT: 0,
    longestTeacherS: 0,
    wait1: [0, 0, 0, 0, 0],
    wait2: [0, 0, 0, 0, 0],
    teacherQuestions: 0,
    studentQuestions: 0,
  }));
  const at = (x: number) => acc[Math.min(count - 1, Math.max(0, Math.floor((x - t0) / W)))]!;
  segs.forEach((s, k) => {
    for (let i = Math.floor((s.startS - t0) / W); i < count && t0 + i * W < s.endS; i += 1) {
      const a = acc[i]!;
      const o = Math.max(0, Math.min(t0 + (i + 1) * W, s.endS) - Math.max(t0 + i * W, s.startS));
      a.speechS += o;
      if (s.role === 'teacher') a.teacherS += o;
      else if (s.role === 'student') a.studentS += o;
    }
    const a = at(s.startS);
    const next = segs[k + 1];
    if (s.question && s.role === 'teacher') {
      a.teacherQuestions += 1;
      if (next) a.wait1[bin(WAIT_TIME_BIN_EDGES_S, next.startS - s.endS)]! += 1;
    }
    if (s.question && s.role === 'student') a.studentQuestions += 1;
    if (s.role === 'student' && next?.role === 'teacher')
      a.wait2[bin(WAIT_TIME_BIN_EDGES_S, next.startS - s.endS)]! += 1;
  });
  turns.forEach((t, k) => {
    const prev = turns[k - 1];
    const a = at(t.startS);
    if (t.role === 'student') {
      a.turnBins[bin(STUDENT_TURN_BIN_EDGES_S, t.endS - t.startS)]! += 1;
      if (prev?.role === 'teacher') a.tToS += 1;
    } else {
      if (prev?.role === 'student') a.sToT += 1;
      const e = at(t.endS);
      e.longestTeacherS = Math.max(e.longestTeacherS, t.endS - t.startS);
    }
  });
  const windows: WindowV1[] = [];
  for (let i = 0; i < count; i += 1) {
    const a = t0 + i * W;
    const coverage = Math.min(W, endS - a);
    const {
      teacherS,
      studentS,
      turnBins,
      tToS,
      sToT,
      longestTeacherS,
      wait1,
      wait2,
      teacherQuestions,
      studentQuestions,
    } = acc[i]!;
    const speechS = Math.min(acc[i]!.speechS, coverage);
    const w: WindowV1 = {
      schema: 'window/1',
      deviceId: 'talkmoves-eval',
      epoch: EPOCH,
      seq: i + 1,
      startMs: LESSON_START_MS + i * W * 1000,
      endMs: LESSON_START_MS + (i + 1) * W * 1000,
      lessonId,
      index: i,
      durationS: W,
      coverageS: r3(coverage),
      audio: {
        speechS: r3(speechS),
        silenceS: r3(Math.max(0, coverage - speechS)),
        levelDbfs: null,
        levelDba: null,
        roles: {
          teacherS: r3(teacherS),
          studentS: r3(studentS),
          overlapS: 0,
          teacherToStudent: tToS,
          studentToTeacher: sToT,
          studentTurns: turnBins.reduce((x, y) => x + y, 0),
          studentTurnBins: turnBins,
          longestTeacherS: r3(longestTeacherS),
        },
      },
      speech: {
        teacherQuestions,
        studentQuestions,
        // Question types are not labelled in TalkMoves: left at zero and not reported.
        questionTypes: { open: 0, closed: 0, recall: 0, higherOrder: 0 },
        waitTime1Bins: wait1,
        waitTime2Bins: wait2,
        categoryCounts: {},
        transitions: {},
        teacherWordsPerMin: null,
      },
      vision: null,
      unavailable: { vision: 'no-source' },
    };
    windows.push(JSON.parse(encodeMessage(w)) as WindowV1);
  }
  return { windows, backwards };
}

function distribution(values: readonly number[]) {
  const s = [...values].sort((x, y) => x - y);
  if (s.length === 0) return { n: 0 };
  const q = (p: number) => Math.round(quantile(s, p) * 1000) / 1000;
  const mean = s.reduce((x, y) => x + y, 0) / s.length;
  return {
    n: s.length,
    mean: Math.round(mean * 1000) / 1000,
    p10: q(0.1),
    p25: q(0.25),
    p50: q(0.5),
    p75: q(0.75),
    p90: q(0.9),
  };
}

export async function run(folder: string): Promise<object> {
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  const skipped: Record<string, number> = {};
  const lessons: {
    file: string;
    minutes: number;
    windows: number;
    teacherShareOfTalk: number | null;
    stRt: number | null;
    stCh: number | null;
    stMode: string | null;
    teacherQuestionsPer10Min: number | null;
    waitAtLeast3sShare: number | null;
    transcriptQuestionsPer10Min: number;
    backwardsTimes: number;
  }[] = [];
  let buildMs = 0;
  for (const file of files) {
    const us = readFileSync(path.join(folder, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Utterance);
    const timed = us.filter((u) => u.t !== null && seconds(u.t) !== null).length;
    if (us.length === 0 || timed / us.length < ASSUMPTIONS.minTimedShare) {
      skipped['too few timed utterances'] = (skipped['too few timed utterances'] ?? 0) + 1;
      continue;
    }
    if (us.filter((u) => u.role === 'teacher').length < ASSUMPTIONS.minTeacherShare * us.length) {
      // Small-group recordings (students only) are not whole-class lessons.
      skipped['no teacher (small-group recording)'] =
        (skipped['no teacher (small-group recording)'] ?? 0) + 1;
      continue;
    }
    const t = performance.now();
    const id = file
      .replace(/\.jsonl$/, '')
      .replace(/[^A-Za-z0-9_.-]/g, '_')
      .slice(0, 64);
    const { windows, backwards } = windowsFor(/^[A-Za-z0-9]/.test(id) ? id : `L${id}`.slice(0, 64), us);
    if (windows.length < 30 || windows.length > 3 * 360) {
      const why =
        windows.length < 30 ? 'shorter than 5 minutes' : 'longer than 3 hours (times not plausible)';
      skipped[why] = (skipped[why] ?? 0) + 1;
      continue;
    }
    const a: LessonAnalysis = analyseLesson(windows, { lessonStartMs: LESSON_START_MS });
    buildMs += performance.now() - t;
    const st = 'unavailable' in a.st ? null : a.st;
    const minutes = (windows.length * ASSUMPTIONS.windowS) / 60;
    const tq = us.filter((u) => u.role === 'teacher' && u.text.trim().endsWith('?')).length;
    lessons.push({
      file,
      minutes: Math.round(minutes * 10) / 10,
      windows: windows.length,
      teacherShareOfTalk: a.metrics.teacherShareOfTalk?.value ?? null,
      stRt: st?.rt ?? null,
      stCh: st?.ch ?? null,
      stMode: st?.mode ?? null,
      teacherQuestionsPer10Min: a.metrics.teacherQuestionsPer10Min?.value ?? null,
      waitAtLeast3sShare: a.metrics.waitAtLeast3sShare?.value ?? null,
      transcriptQuestionsPer10Min: Math.round((tq / minutes) * 10 * 100) / 100,
      backwardsTimes: backwards,
    });
  }
  const pick = (
    k: 'teacherShareOfTalk' | 'stRt' | 'stCh' | 'teacherQuestionsPer10Min' | 'waitAtLeast3sShare',
  ) => lessons.map((l) => l[k]).filter((v): v is number => v !== null);
  const modes: Record<string, number> = { lecture: 0, mixed: 0, dialogue: 0, practice: 0 };
  for (const l of lessons) if (l.stMode) modes[l.stMode] = (modes[l.stMode] ?? 0) + 1;
  return {
    eval: 'talkmoves-timelines',
    folder,
    files: files.length,
    lessons: lessons.length,
    skipped,
    assumptions: ASSUMPTIONS,
    minutes: distribution(lessons.map((l) => l.minutes)),
    teacherShareOfTalk: distribution(pick('teacherShareOfTalk')),
    stRt: distribution(pick('stRt')),
    stCh: distribution(pick('stCh')),
    stModes: modes,
    teacherQuestionsPer10Min: distribution(pick('teacherQuestionsPer10Min')),
    waitAtLeast3sShare: distribution(pick('waitAtLeast3sShare')),
    /** Questions per 10 min counted straight from the transcript, against the pipeline's figure. */
    questionRateMaxAbsDiff:
      Math.round(
        1000 *
          Math.max(
            0,
            ...lessons.map((l) =>
              Math.abs((l.teacherQuestionsPer10Min ?? 0) - l.transcriptQuestionsPer10Min),
            ),
          ),
      ) / 1000,
    lessonsWithBackwardTimes: lessons.filter((l) => l.backwardsTimes > 0).length,
    buildAndAnalyseMsPerLesson: lessons.length ? Math.round((buildMs / lessons.length) * 10) / 10 : null,
    perLesson: lessons,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const folder =
    process.argv[2] ?? path.resolve(import.meta.dirname, '../../../shared/data/transcripts/talkmoves');
  console.log(JSON.stringify(await run(folder)));
}
