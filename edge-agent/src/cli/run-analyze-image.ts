import { parseArgs } from 'node:util';
import { AgentError } from '../errors.ts';
import { clampCount, clampShare } from '../vision/adjusted-count.ts';
import { analyzeImage } from '../vision/analyze-image.ts';

export const ANALYZE_IMAGE_USAGE = `usage: edge-agent analyze-image <file> [--json] [--profile <id|file>]

  Prints the people found (box, flags: handRaised, standing, headUp, teacher) and the frame's
  figures: the flagged counts and, as a window would carry them, their estimates corrected for the
  rules' measured error rates. Nothing is written or sent; keypoints are printed only with --keypoints.`;

const r1 = (v: number) => Math.round(v * 10) / 10;
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** `edge-agent analyze-image <file> [--json]`: one photo through the vision stage, on stdout only. */
export async function runAnalyzeImage(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        keypoints: { type: 'boolean', default: false },
        profile: { type: 'string' },
      },
    });
  } catch (err) {
    throw new AgentError('E_USAGE', (err as Error).message);
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length) throw new AgentError('E_USAGE', ANALYZE_IMAGE_USAGE);
  const r = await analyzeImage(file, parsed.values.profile);
  const persons = r.persons.map((p) => ({
    box: [r1(p.box.x), r1(p.box.y), r1(p.box.w), r1(p.box.h)],
    score: Math.round(p.score * 100) / 100,
    handRaised: p.handRaised,
    standing: p.standing,
    headUp: p.headUp,
    teacher: p.teacher,
    ...(parsed.values.keypoints
      ? { keypoints: p.keypoints.map((k) => [r1(k.x), r1(k.y), Math.round(k.score * 100) / 100]) }
      : {}),
  }));
  const frame = {
    students: r.students,
    handsRaised: r.handsRaised,
    standing: r.standing,
    headsUpRatio: r.headsUpRatio === null ? null : round3(r.headsUpRatio),
    teacherZone: r.teacher?.zone ?? null,
    // What a window would carry: the flags corrected for the rules' error rates (adjusted-count.ts).
    estimates: r.estimates && {
      handsRaised: round3(clampCount(r.estimates.handsRaised, r.students)),
      headsUpRatio: r.estimates.headsUpRatio === null ? null : round3(clampShare(r.estimates.headsUpRatio)),
    },
  };
  if (parsed.values.json) {
    process.stdout.write(
      `${JSON.stringify({ width: r.width, height: r.height, persons, frame, timingsMs: r.timingsMs })}\n`,
    );
  } else {
    process.stdout.write(
      `${persons.length} people, ${frame.students} students: ${frame.handsRaised} hands raised, ` +
        `${frame.standing} standing, heads up ${frame.headsUpRatio ?? 'n/a'}, teacher ${frame.teacherZone ?? 'not seen'}` +
        (frame.estimates
          ? `; estimated ${frame.estimates.handsRaised} hands raised, heads up ${frame.estimates.headsUpRatio ?? 'n/a'}`
          : '') +
        '\n',
    );
  }
}
