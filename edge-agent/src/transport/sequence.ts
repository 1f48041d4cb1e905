import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AgentError } from '../errors.ts';
import { writeFileAtomicSync } from './atomic-write.ts';

export interface SequenceSource {
  next(): number;
}

/**
 * A per-device message counter that survives restarts: next() writes the following value to disk
 * (temp file, fsync, rename) before it returns, so a number handed out is never handed out again,
 * even after a crash; a crash can at worst skip one. With the epoch, it is the cloud's
 * idempotency key.
 */
export class DurableSequence implements SequenceSource {
  readonly #file: string;
  #next: number;

  constructor(stateDir: string) {
    this.#file = path.join(stateDir, 'sequence.json');
    this.#next = readNext(this.#file);
  }

  next(): number {
    const value = this.#next;
    writeFileAtomicSync(this.#file, `${JSON.stringify({ next: value + 1 })}\n`);
    this.#next = value + 1;
    return value;
  }

  /** The value the next call will return (for status and tests). */
  peek(): number {
    return this.#next;
  }
}

/** A counter in memory, for `--no-publish` dry runs and tests. */
export class MemorySequence implements SequenceSource {
  #next: number;
  constructor(start = 0) {
    this.#next = start;
  }
  next(): number {
    return this.#next++;
  }
}

function readNext(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new AgentError('E_STATE_DIR', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let next: unknown;
  try {
    next = (JSON.parse(text) as { next?: unknown }).next;
  } catch {
    next = undefined;
  }
  if (typeof next !== 'number' || !Number.isSafeInteger(next) || next < 0) {
    // Restarting at 0 would collide with messages already sent under this epoch.
    throw new AgentError('E_STATE_DIR', `${file} is damaged; it must hold {"next": <integer>}`);
  }
  return next;
}
