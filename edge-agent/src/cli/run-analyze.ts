import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { formatRttm } from '../audio/rttm.ts';
import { loadProfile } from '../config/load-profile.ts';
import { analyzeFile } from '../pipeline/analyze-file.ts';
import type { AgentMessage, AnalyzeFileOptions, AnalyzeSummary } from '../pipeline/types.ts';
import { loadIdentity, type Identity } from '../transport/identity.ts';
import { createPublisher, type Publisher } from '../transport/publisher.ts';
import { DurableSequence, MemorySequence, type SequenceSource } from '../transport/sequence.ts';
import { resolveStateDir } from '../transport/state-dir.ts';
import type { AnalyzeArgs } from './args.ts';
import { createProgressBar } from './progress.ts';

/**
 * `analyze`: everything that can refuse (profile, state, broker) is checked before decoding
 * starts, so a wrong flag costs nothing. A dry run (--no-publish) touches no state on disk.
 */
export async function runAnalyze(
  args: AnalyzeArgs,
  log: Logger,
  signal: AbortSignal,
): Promise<AnalyzeSummary> {
  const profile = await loadProfile(args.profile);
  let identity: Identity;
  let sequence: SequenceSource;
  let publisher: Publisher | null = null;
  if (args.publish) {
    const stateDir = resolveStateDir(args.stateDir);
    identity = loadIdentity(stateDir, args.device);
    sequence = new DurableSequence(stateDir);
    publisher = await createPublisher({
      brokerUrl: args.broker,
      address: { school: args.school ?? '', room: args.room ?? '', device: identity.deviceId },
      stateDir,
      identity,
      logger: log,
    });
  } else {
    identity = { deviceId: args.device ?? 'dry-run', epoch: Date.now() };
    sequence = new MemorySequence();
  }
  const progress = createProgressBar();
  const sink = async (out: AgentMessage) => {
    if (args.json) process.stdout.write(`${JSON.stringify(out.message)}\n`);
    if (publisher) await publisher.publish(out.kind, out.message);
  };
  const options: AnalyzeFileOptions = {
    profile,
    identity,
    sequence,
    sink,
    classId: args.classId,
    subject: args.subject,
    grade: args.grade,
    teacherId: args.teacherId,
    video: args.video,
    onProgress: (p) => progress.update(p),
    signal,
    logger: log,
    ...(args.lessonId !== undefined ? { lessonId: args.lessonId } : {}),
    ...(args.startMs !== undefined ? { startMs: args.startMs } : {}),
  };
  try {
    const { summary, roleSegments } = await analyzeFile(args.file, options);
    if (args.rttm !== undefined) {
      // Role segments are times and labels only; the file id is the recording's base name.
      const id = path.basename(args.file, path.extname(args.file));
      await writeFile(args.rttm, formatRttm(id, roleSegments ?? []));
    }
    return summary;
  } finally {
    progress.done();
    await publisher?.close();
  }
}
