#!/usr/bin/env node
import { AgentError } from './errors.ts';
import { createLogger } from './log.ts';
import { USAGE, parseCommand } from './cli/args.ts';
import { EXIT, exitCodeFor } from './cli/exit-codes.ts';
import { runAnalyze } from './cli/run-analyze.ts';
import { runDoctorCommand } from './cli/doctor-command.ts';
import { runAgentCommand, runEnrollCommand, runValidateConfigCommand } from './cli/agent-commands.ts';
import { runAnalyzeImage } from './cli/run-analyze-image.ts';

/** Entry point: `npx tsx edge-agent/src/cli.ts analyze <file> [options]` (see USAGE). */
async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'doctor') return runDoctorCommand(argv.slice(1));
  if (argv[0] === 'run') return runAgentCommand(argv.slice(1));
  if (argv[0] === 'enroll' || argv[0] === 'enrol') return runEnrollCommand(argv.slice(1));
  if (argv[0] === 'validate-config') return runValidateConfigCommand(argv.slice(1));
  if (argv[0] === 'analyze-image') {
    await runAnalyzeImage(argv.slice(1));
    return EXIT.ok;
  }
  const parsed = parseCommand(argv);
  if (parsed.command === 'help') {
    process.stderr.write(`${USAGE}\n`);
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  const { args } = parsed;
  const log = createLogger(args.logLevel);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const summary = await runAnalyze(args, log, controller.signal);
  const t = summary.timings;
  process.stderr.write(
    `analysed ${summary.durationS.toFixed(1)} s: ${summary.windows} windows, ${summary.speechS.toFixed(1)} s speech, ` +
      `${summary.messages} messages; ${summary.speedX}× real time (decode ${t.decodeMs ?? '?'} ms CPU, VAD ${t.vadMs} ms)\n`,
  );
  return EXIT.ok;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // The message is ours (codes, paths, ffmpeg's last lines); never audio or text from the lesson.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`edge-agent: ${message}\n`);
    if (err instanceof AgentError && err.code === 'E_USAGE') process.stderr.write(`${USAGE}\n`);
    process.exitCode = exitCodeFor(err);
  },
);
