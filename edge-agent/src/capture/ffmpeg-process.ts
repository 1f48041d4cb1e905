import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { AgentError } from '../errors.ts';
import { ffmpegPath } from './ffmpeg-path.ts';
import { StderrTail } from './stderr-tail.ts';

export interface FfmpegRun {
  child: ChildProcessByStdio<null, Readable, Readable>;
  tail: StderrTail;
  /** Settles when the process has exited and its pipes are closed. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError: Error | null }>;
}

/** Starts ffmpeg with stdin closed and stderr captured into a bounded tail. */
export function runFfmpeg(args: string[], signal?: AbortSignal): FfmpegRun {
  const child = spawn(ffmpegPath(), args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    signal,
    killSignal: 'SIGKILL',
  });
  const tail = new StderrTail(20);
  child.stderr.on('data', (chunk: Buffer) => tail.push(chunk));
  const closed = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    spawnError: Error | null;
  }>((resolve) => {
    let spawnError: Error | null = null;
    child.on('error', (err) => {
      spawnError = err;
    });
    child.on('close', (code, sig) => resolve({ code, signal: sig, spawnError }));
  });
  return { child, tail, closed };
}

const NO_STREAM = /matches no streams|does not contain any stream|Output file #0 does not contain/;

/** Turns a failed run into an error with a stable code and the last lines ffmpeg printed. */
export function ffmpegFailure(
  what: string,
  file: string,
  tail: StderrTail,
  exit: { code: number | null; signal: NodeJS.Signals | null; spawnError: Error | null },
  noStreamCode: 'E_NO_AUDIO' | 'E_DECODE' = 'E_DECODE',
): AgentError {
  if (exit.spawnError) {
    const abort = exit.spawnError.name === 'AbortError';
    return new AgentError(abort ? 'E_ABORTED' : 'E_FFMPEG_MISSING', `${what}: ${exit.spawnError.message}`, {
      cause: exit.spawnError,
    });
  }
  const text = tail.text();
  const code = NO_STREAM.test(text) ? noStreamCode : 'E_DECODE';
  const status = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  return new AgentError(code, `${what} failed for ${file} (${status}); ffmpeg said:\n${text}`);
}

/** CPU milliseconds ffmpeg reports with `-benchmark` ("bench: utime=0.123s stime=0.010s rtime=..."). */
export function parseBenchCpuMs(lines: string[]): number | null {
  for (const line of lines) {
    const m = /bench: utime=([\d.]+)s stime=([\d.]+)s/.exec(line);
    if (m) return Math.round((Number(m[1]) + Number(m[2])) * 1000);
  }
  return null;
}
