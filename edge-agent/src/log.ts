import { pino, type Logger } from 'pino';

/**
 * Structured logs on stderr, so stdout stays free for `--json` messages. Callers log numbers,
 * codes and ids only: never samples, frames or anything derived from them beyond figures [PRIV-1].
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'edge-agent', level, base: { pid: process.pid } }, pino.destination(2));
}

/** A logger that drops everything; the default for library calls and tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
