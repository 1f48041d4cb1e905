import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseRttm } from '../src/audio/rttm.ts';
import { decodeAll, repoRoot, tempDir, writeFloatWav } from './helpers.ts';

const DEMO = path.join(repoRoot, 'scripts/demo-lesson');
const RATE = 16_000;
/** Student turns this long or longer open the lesson, until they add up to MIN_OPENING_S. */
const MIN_TURN_S = 4;
const MIN_OPENING_S = 30;
const GAP_S = 1;

/**
 * A lesson that opens with half a minute of students talking (the demo lesson's own longer
 * student turns, 1 s apart), then the whole demo lesson: the case a live decision taken on the
 * first minute alone gets wrong, since the clustering hears one voice and calls it the teacher.
 * Written to a temp folder laid out like the eval's reference folders; returns the folder and
 * the opening's length, s.
 */
export async function writeStudentsFirstLesson(): Promise<{ folder: string; openingS: number }> {
  const lesson = await decodeAll(path.join(DEMO, 'lesson.ogg'));
  const turns = parseRttm(readFileSync(path.join(DEMO, 'lesson.rttm'), 'utf8'));
  const roles = JSON.parse(readFileSync(path.join(DEMO, 'lesson.roles.json'), 'utf8')) as Record<
    string,
    string
  >;
  const opening: typeof turns = [];
  for (const t of turns) {
    if (roles[t.speaker] !== 'student' || t.durS < MIN_TURN_S) continue;
    opening.push(t);
    if (opening.reduce((s, x) => s + x.durS, 0) >= MIN_OPENING_S) break;
  }
  const gap = Math.round(GAP_S * RATE);
  const pieces = opening.map((t) =>
    lesson.subarray(Math.round(t.startS * RATE), Math.round((t.startS + t.durS) * RATE)),
  );
  const openingSamples = pieces.reduce((n, p) => n + p.length + gap, 0);
  const out = new Float32Array(openingSamples + lesson.length);
  const rttm: string[] = [];
  let at = 0;
  for (const [i, p] of pieces.entries()) {
    out.set(p, at);
    rttm.push(rttmLine(at / RATE, p.length / RATE, opening[i]!.speaker));
    at += p.length + gap;
  }
  out.set(lesson, at);
  const openingS = at / RATE;
  for (const t of turns) rttm.push(rttmLine(t.startS + openingS, t.durS, t.speaker));
  const folder = tempDir('students-first-');
  writeFloatWav(path.join(folder, 'lesson.wav'), out, RATE);
  writeFileSync(path.join(folder, 'lesson.rttm'), rttm.join('\n') + '\n');
  writeFileSync(path.join(folder, 'lesson.roles.json'), JSON.stringify(roles));
  return { folder, openingS };
}

const rttmLine = (startS: number, durS: number, speaker: string) =>
  `SPEAKER lesson 1 ${startS.toFixed(3)} ${durS.toFixed(3)} <NA> <NA> ${speaker} <NA> <NA>`;
