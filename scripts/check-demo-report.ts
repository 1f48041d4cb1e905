// CI check of the report `npm run demo -- --once` wrote: all windows arrived, and the speech time
// the pipeline measured agrees with the demo lesson's true speaker turns (scripts/demo-lesson/lesson.rttm).
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'var/demo/report.json';
interface Report {
  reportSchema?: string;
  windows?: { expected?: number; received?: number };
  totals?: { speechS?: number | null };
  analysis?: { version?: string; windows?: number };
  timeline?: { missing?: string | null }[];
  gaps?: unknown[];
}
const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
const rttm = readFileSync(new URL('./demo-lesson/lesson.rttm', import.meta.url), 'utf8');

// Union of the true turns (group talk overlaps).
const turns = rttm
  .trim()
  .split('\n')
  .map((l) => l.split(/\s+/))
  .map((f) => [Number(f[3]), Number(f[3]) + Number(f[4])] as const)
  .sort((a, b) => a[0] - b[0]);
let truth = 0;
let end = -Infinity;
for (const [s, e] of turns) {
  if (s > end) {
    truth += e - s;
    end = e;
  } else if (e > end) {
    truth += e - end;
    end = e;
  }
}

const problems: string[] = [];
// lesson-report/2 adds the analysis to /1's fields; /3 adds `gaps` and lists missing windows in the
// timeline (flagged `missing`, figures null). /1 and /2 are still read (a report saved by an older build).
const schemas = ['lesson-report/1', 'lesson-report/2', 'lesson-report/3'];
if (!schemas.includes(report.reportSchema ?? '')) problems.push(`reportSchema is ${report.reportSchema}`);
const { expected, received } = report.windows ?? {};
if (report.reportSchema !== 'lesson-report/1' && report.analysis?.windows !== received) {
  problems.push(`analysis covers ${report.analysis?.windows} windows, not the ${received} received`);
}
if (!expected || received !== expected) problems.push(`windows received ${received} of ${expected}`);
if (report.reportSchema === 'lesson-report/3') {
  // The demo loses nothing: no gap record, and no timeline slot flagged missing.
  const flagged = (report.timeline ?? []).filter((e) => e.missing != null).length;
  if (flagged || report.gaps?.length) problems.push(`${flagged} missing slots, ${report.gaps?.length} gaps`);
  if (report.timeline?.length !== expected) problems.push(`timeline has ${report.timeline?.length} slots`);
}
const speech = report.totals?.speechS ?? NaN;
// espeak's voices have short internal pauses that a VAD rightly bridges or splits: 10 % tolerance.
if (!(Math.abs(speech - truth) <= 0.1 * truth))
  problems.push(`speech ${speech} s vs true ${truth.toFixed(1)} s`);
if (problems.length) {
  console.error(`demo report check failed: ${problems.join('; ')}`);
  process.exit(1);
}
console.log(
  `demo report ok: ${received} windows, speech ${speech.toFixed(1)} s (true ${truth.toFixed(1)} s)`,
);
