/**
 * `npm run eval -- audio <folder> [<folder> ...]`: speech detection and speaker-role attribution
 * of the edge agent's audio stage against human RTTM labels (see docs/accuracy.md). Prints per
 * file and pooled: speech/non-speech frame accuracy (10 ms frames, within the UEM), teacher
 * precision / recall / F1 per frame (reference teacher: the speaker who talks most, or the roles
 * file), and a role diarization error rate with roles teacher / student.
 */
import path from 'node:path';
import { analyzeFile, loadProfile, SileroVad } from '../../edge-agent/src/index.ts';
import type { RoleAttributionSettings } from '../../edge-agent/src/audio/role-attribution.ts';
import {
  FRAME_S,
  STUDENT,
  TEACHER,
  addCounts,
  emptyCounts,
  mark,
  metrics,
  score,
  type Counts,
} from './lib/frame-scores.ts';
import { readReferenceFolder, type ReferenceFile } from './lib/reference-folder.ts';

export interface AudioEvalOptions {
  roleSettings?: Partial<RoleAttributionSettings>;
}

export async function evaluateAudioFolders(folders: string[], options: AudioEvalOptions = {}) {
  const profile = await loadProfile();
  const vad = await SileroVad.create({ frameSamples: profile.audio.vad.frameSamples });
  const files: unknown[] = [];
  const unlabelled: unknown[] = [];
  let pooled = emptyCounts();
  let audioS = 0;
  let attributionMs = 0;
  let featuresMs = 0;
  try {
    for (const folder of folders) {
      const ref = readReferenceFolder(folder);
      for (const f of ref.scored) {
        const { counts, durationS, timings } = await scoreFile(f, vad, profile, options);
        pooled = addCounts(pooled, counts);
        audioS += durationS;
        attributionMs += timings.attributionMs;
        featuresMs += timings.featuresMs;
        files.push({ file: path.relative(process.cwd(), f.media), ...metrics(counts) });
      }
      for (const media of ref.unlabelled) unlabelled.push(await describeUnlabelled(media, vad, profile));
      if (ref.missing.length) unlabelled.push({ folder, missingMedia: ref.missing });
    }
  } finally {
    await vad.close();
  }
  const perMin = (ms: number) => Math.round((ms / 1000 / (audioS / 60)) * 10_000) / 10_000;
  return {
    folders: folders.map((f) => path.relative(process.cwd(), f) || '.'),
    pooled: { files: files.length, ...metrics(pooled) },
    cpuSecondsPerLessonMinute: { voiceFeatures: perMin(featuresMs), roleAttribution: perMin(attributionMs) },
    files,
    unlabelled,
  };
}

async function scoreFile(
  f: ReferenceFile,
  vad: SileroVad,
  profile: Awaited<ReturnType<typeof loadProfile>>,
  options: AudioEvalOptions,
): Promise<{ counts: Counts; durationS: number; timings: { attributionMs: number; featuresMs: number } }> {
  const result = await analyzeFile(f.media, {
    startMs: 0,
    vad,
    profile,
    video: false,
    ...(options.roleSettings ? { roleSettings: options.roleSettings } : {}),
  });
  const durationS = result.summary.durationS;
  const n = Math.round(durationS / FRAME_S);
  const scored = new Uint8Array(n);
  for (const iv of f.uem ?? [{ startS: 0, endS: durationS }]) mark(scored, iv);
  const teachers = teacherSpeakers(f, scored);
  const refRoles = new Uint8Array(n);
  for (const t of f.turns)
    mark(
      refRoles,
      { startS: t.startS, endS: t.startS + t.durS },
      teachers.has(t.speaker) ? TEACHER : STUDENT,
    );
  const hypSpeech = new Uint8Array(n);
  for (const s of result.segments) mark(hypSpeech, s);
  const hypRoles = new Uint8Array(n);
  for (const s of result.roleSegments ?? [])
    mark(hypRoles, s, s.role === 'teacher' ? TEACHER : s.role === 'student' ? STUDENT : TEACHER | STUDENT);
  return {
    counts: score(scored, refRoles, hypRoles, hypSpeech),
    durationS,
    timings: result.summary.timings,
  };
}

/** The roles file's teachers, else the one speaker with the most speech inside the scored region. */
export function teacherSpeakers(f: ReferenceFile, scored: Uint8Array): Set<string> {
  if (f.roles)
    return new Set(
      Object.entries(f.roles)
        .filter(([, r]) => r === 'teacher')
        .map(([s]) => s),
    );
  const talk = new Map<string, number>();
  for (const t of f.turns) {
    const frames = new Uint8Array(scored.length);
    mark(frames, { startS: t.startS, endS: t.startS + t.durS });
    let n = 0;
    for (let i = 0; i < frames.length; i++) if (frames[i] && scored[i]) n++;
    talk.set(t.speaker, (talk.get(t.speaker) ?? 0) + n);
  }
  const top = [...talk.entries()].sort((a, b) => b[1] - a[1])[0];
  return new Set(top ? [top[0]] : []);
}

/** A recording without labels (e.g. a silent lesson): what the agent made of it, or its error code. */
async function describeUnlabelled(
  media: string,
  vad: SileroVad,
  profile: Awaited<ReturnType<typeof loadProfile>>,
) {
  const file = path.relative(process.cwd(), media);
  try {
    const r = await analyzeFile(media, { startMs: 0, vad, profile, video: false });
    const roleS = (role: string) =>
      Math.round(
        (r.roleSegments ?? []).filter((s) => s.role === role).reduce((a, s) => a + s.endS - s.startS, 0) *
          1000,
      ) / 1000;
    return {
      file,
      durationS: r.summary.durationS,
      speechS: r.summary.speechS,
      teacherS: roleS('teacher'),
      studentS: roleS('student'),
      windows: r.summary.windows,
    };
  } catch (err) {
    return { file, error: (err as { code?: string }).code ?? (err as Error).message };
  }
}

export async function run(...args: string[]): Promise<unknown> {
  if (args.length === 0) throw new Error('usage: npm run eval -- audio <folder> [<folder> ...]');
  return evaluateAudioFolders(args.map((a) => path.resolve(a)));
}
