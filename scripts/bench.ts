/**
 * `npm run bench`: speed and memory figures, printed as one JSON object on stdout. Every figure is
 * measured in this run on this machine; ratios compare figures from the same run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { ffmpegPath } from '@classroom/edge-agent';

const root = path.resolve(import.meta.dirname, '..');
const shared = path.resolve(root, '../shared/data');
const tmp = mkdtempSync(path.join(tmpdir(), 'bench-'));
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

function runJson(script: string, args: string[]): unknown {
  const out = execFileSync(tsx, [path.join(root, script), ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const last = out
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (!last) throw new Error(`${script} printed no JSON`);
  return JSON.parse(last);
}

function timeCommand(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(tsx, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return (performance.now() - t0) / 1000;
}

// `npm run bench -- scale` runs only the named sections; no names runs them all.
const only = new Set(process.argv.slice(2));
const want = (name: string) => only.size === 0 || only.has(name);

const sections: Record<string, unknown> = {
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
};
try {
  if (want('audioStage')) {
    // A 45-minute lesson as classroom recorders write it (AAC): the demo lesson looped 12 times.
    const long = path.join(tmp, 'lesson-45min.m4a');
    execFileSync(ffmpegPath(), [
      '-hide_banner',
      '-loglevel',
      'error',
      '-stream_loop',
      '11',
      '-i',
      path.join(root, 'scripts/demo-lesson/lesson.ogg'),
      '-t',
      '2700',
      '-ac',
      '1',
      '-c:a',
      'aac',
      '-b:a',
      '48k',
      long,
    ]);
    sections.audioStage = {
      speech60s: runJson('scripts/bench/audio-stage.ts', [path.join(shared, 'audio/silero/speech-60s.wav')]),
      lesson45min: runJson('scripts/bench/audio-stage.ts', [long]),
    };
  }
  if (want('demo'))
    sections.demo = {
      wallS: Number(timeCommand(['scripts/demo.ts', '--once', '--dir', path.join(tmp, 'demo')]).toFixed(2)),
    };
  // Lesson diagnostics: report build for a 45-minute lesson; cohort percentiles over 10,000 lessons.
  if (want('diagnostics')) sections.diagnostics = runJson('scripts/bench/diagnostics.ts', []);
  // Speech recognition: whisper.cpp real-time factor per thread count (tiny-shaped model).
  if (want('asr')) sections.asr = runJson('scripts/bench/asr.ts', []);
  // Vision: CPU ms per analysed 1080p frame by stage and the pose reuse share, per clip (a still
  // photo, two rooms' photo sequences with real motion, a street walked through), for the default
  // pose model and the faster one; `noReuse*`: the still clip with the pose motion gate off.
  if (want('vision'))
    sections.vision = {
      thunder: runJson('scripts/bench/vision-frame.ts', []),
      lightning: runJson('scripts/bench/vision-frame.ts', ['--pose', 'movenet-lightning']),
      noReuseThunder: runJson('scripts/bench/vision-frame.ts', ['--no-reuse', '--clips', 'still']),
      noReuseLightning: runJson('scripts/bench/vision-frame.ts', [
        ...['--no-reuse', '--clips', 'still', '--pose', 'movenet-lightning'],
      ]),
    };
  // District scale [issue 11]: Mosquitto + PostgreSQL on 127.0.0.1, 5,000 simulated classrooms
  // for BENCH_SCALE_S (default 60) s, the maximum ingest rates, and a semester cohort query.
  if (want('scale')) sections.scale = runJson('scripts/bench/scale.ts', []);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log(JSON.stringify(sections, null, 2));
