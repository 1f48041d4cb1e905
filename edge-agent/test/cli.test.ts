import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateMessage } from '@classroom/protocol';
import { audio, repoRoot, tempDir } from './helpers.ts';

const cli = (args: string[]) =>
  spawnSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'edge-agent/src/cli.ts', ...args],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: 'warn' },
    },
  );

describe('cli', () => {
  it('analyze --json --no-publish prints one valid message per line on stdout', () => {
    const r = cli([
      'analyze',
      audio('mandarin/funasr-sample.wav'),
      '--json',
      '--no-publish',
      '--subject',
      'math',
    ]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    const schemas = lines.map((l) => validateMessage(JSON.parse(l)).schema);
    expect(schemas).toEqual(['lesson/2', 'window/1', 'lesson/2']);
    expect(r.stderr).toMatch(/analysed 6\.0 s: 1 windows/);
  });

  it('--teacher puts the staff code on lesson/2 and refuses a name [PRIV-2]', () => {
    const r = cli([
      'analyze',
      audio('mandarin/funasr-sample.wav'),
      '--json',
      '--no-publish',
      '--teacher',
      'T0412',
    ]);
    expect(r.status).toBe(0);
    const lessons = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { schema: string; teacherId?: unknown })
      .filter((m) => m.schema === 'lesson/2');
    expect(lessons.map((m) => m.teacherId)).toEqual(['T0412', 'T0412']);
    const bad = cli(['analyze', audio('ami/empty.wav'), '--no-publish', '--teacher', 'Wang Li']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--teacher');
  });

  it('exits 3 with the code for a file that is not media', () => {
    const r = cli(['analyze', path.join(repoRoot, 'package.json'), '--no-publish']);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('E_DECODE');
    expect(r.stdout).toBe('');
  });

  it('exits 2 with usage for missing publish flags, 5 when the broker is unreachable', () => {
    expect(cli(['analyze', audio('ami/empty.wav')]).status).toBe(2);
    const r = cli([
      ...['analyze', audio('ami/empty.wav'), '--school', 's1', '--room', 'r1', '--device', 'd1'],
      ...['--state-dir', tempDir(), '--broker', 'mqtt://127.0.0.1:1'],
    ]);
    expect(r.status).toBe(5);
    expect(r.stderr).toContain('E_BROKER_UNREACHABLE');
  });

  it('exits 4 for an invalid profile file', () => {
    const r = cli([
      'analyze',
      audio('ami/empty.wav'),
      '--no-publish',
      '--profile',
      path.join(repoRoot, 'package.json'),
    ]);
    expect(r.status).toBe(4);
    expect(r.stderr).toContain('E_PROFILE_INVALID');
  });
});
