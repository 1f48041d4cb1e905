import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentError } from '../src/errors.ts';
import { loadIdentity } from '../src/transport/identity.ts';
import { DurableSequence } from '../src/transport/sequence.ts';
import { tempDir } from './helpers.ts';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof AgentError ? e.code : e;
  }
  return 'no error';
};

describe('durable sequence', () => {
  it('persists across re-opening and never repeats', () => {
    const dir = tempDir();
    const seen: number[] = [];
    for (let run = 0; run < 3; run++) {
      const seq = new DurableSequence(dir); // a "restart": a fresh counter over the same folder
      for (let i = 0; i < 5; i++) seen.push(seq.next());
    }
    expect(seen).toEqual([...Array(15).keys()]);
    expect(JSON.parse(readFileSync(path.join(dir, 'sequence.json'), 'utf8'))).toEqual({ next: 15 });
  });

  it('refuses a damaged counter file instead of restarting at 0', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'sequence.json'), '\0\0\0');
    expect(code(() => new DurableSequence(dir))).toBe('E_STATE_DIR');
  });
});

describe('identity', () => {
  it('is created once with the first-run epoch and then kept', () => {
    const dir = tempDir();
    const first = loadIdentity(dir, 'dev-a', () => 1_700_000_000_000);
    expect(first).toEqual({ deviceId: 'dev-a', epoch: 1_700_000_000_000 });
    expect(loadIdentity(dir, undefined, () => 1)).toEqual(first);
    expect(loadIdentity(dir, 'dev-a', () => 1)).toEqual(first);
  });

  it('generates a valid device id when none is given', () => {
    expect(loadIdentity(tempDir()).deviceId).toMatch(/^edge-[0-9a-f]{8}$/);
  });

  it('refuses to re-label a state directory as another device', () => {
    const dir = tempDir();
    loadIdentity(dir, 'dev-a');
    expect(code(() => loadIdentity(dir, 'dev-b'))).toBe('E_IDENTITY_MISMATCH');
  });

  it('refuses a device id that is not a valid topic level', () => {
    expect(code(() => loadIdentity(tempDir(), 'a/b'))).toBe('E_USAGE');
  });
});
