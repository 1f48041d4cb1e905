import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const evalCli = (...args: string[]) =>
  spawnSync(TSX, [path.join(ROOT, 'scripts', 'eval.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

// `npm run eval` is how accuracy is checked on folders nobody here has seen: a wrong path or an
// unknown task must say so in one line, not as a stack trace from inside the evaluation.
describe('npm run eval', () => {
  it('names a missing folder in one line and exits 1', () => {
    const r = evalCli('vision', '/no/such/folder');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe('eval vision: no such file or folder: /no/such/folder');
  });

  it('lists the tasks for an unknown one and exits 2', () => {
    const r = evalCli('no-such-task');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^usage: npm run eval -- <task> \[args\]\ntasks: .*\baudio\b.*\bvision\b/);
  });

  it('prints its metrics as JSON on stdout', () => {
    const r = evalCli('instructions', path.join(ROOT, '..', 'shared/data/transcripts/dialogid-zh/dev.csv'));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { accuracy: number };
    expect(out.accuracy).toBeGreaterThan(0.75);
  });
});
