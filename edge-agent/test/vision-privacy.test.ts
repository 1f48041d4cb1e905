import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatorFor, type WindowV1 } from '@classroom/protocol';
import type { AgentMessage } from '../src/pipeline/types.ts';
import { DEFAULT_VISION_SETTINGS } from '../src/vision/settings-schema.ts';
import { dataDir, ffmpeg, repoRoot, tempDir } from './helpers.ts';

/** Every file under a folder, recursively (names only: what appeared during the run). */
function listAll(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/** Leaves of a JSON value with their paths. */
function leaves(value: unknown, at = ''): [string, unknown][] {
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => leaves(v, `${at}.${k}`));
  return [[at, value]];
}

// [PRIV-1] A real classroom photo with a canary stripe pattern, as a 12 s H.264 lesson with a tone:
// the vision stage sees frames, yet only schema-valid numbers leave it and nothing reaches a disk.
describe('vision privacy', () => {
  it('publishes numbers only and writes no file while analysing video', () => {
    const fixtures = tempDir('vision-privacy-fixtures-');
    const video = path.join(fixtures, 'canary.mp4');
    ffmpeg([
      ...['-loop', '1', '-i', path.join(dataDir, 'vision/ccnu-classroom/images/0209.jpg')],
      ...['-f', 'lavfi', '-i', 'sine=frequency=300:duration=12'],
      ...['-t', '12', '-vf', 'scale=1280:720,drawbox=x=0:y=0:w=64:h=720:color=0xC0FFEE@1:t=fill'],
      ...[
        '-r',
        '5',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-pix_fmt',
        'yuv420p',
        '-c:a',
        'aac',
        '-shortest',
        video,
      ],
    ]);
    const base = JSON.parse(readFileSync(path.join(repoRoot, 'device-profiles/generic-x86-64.json'), 'utf8'));
    const profile = path.join(fixtures, 'vision-privacy.json');
    const vision = structuredClone(DEFAULT_VISION_SETTINGS);
    if (vision.backend.type === 'tfjs-wasm') vision.backend.pose = 'movenet-lightning'; // fast enough for CI
    vision.intervalS = 5;
    writeFileSync(profile, JSON.stringify({ ...base, id: 'vision-privacy', vision, notes: {} }));

    const tmp = tempDir('vision-privacy-tmp-');
    const cwd = tempDir('vision-privacy-cwd-');
    const state = path.join(tempDir('vision-privacy-state-'), 'agent');
    mkdirSync(state);
    const child = spawnSync(
      path.join(repoRoot, 'node_modules/.bin/tsx'),
      [path.join(repoRoot, 'edge-agent/test/fixtures/vision-privacy-child.ts'), video, profile],
      {
        cwd,
        // tsx's compile cache would land in TMPDIR: off, so any file there is the agent's.
        env: {
          ...process.env,
          TMPDIR: tmp,
          TMP: tmp,
          TEMP: tmp,
          EDGE_AGENT_STATE_DIR: state,
          TSX_DISABLE_CACHE: '1',
        },
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      },
    );
    expect(child.status, child.stderr).toBe(0);
    // onnxruntime (Silero VAD, not vision) leaves a 51-byte session id (.ses) and an empty
    // mat-debug-<pid>.log in TMPDIR, and tsx an empty IPC folder: allowed by name and size only.
    const known = /^(\.ses|mat-debug-\d+\.log|tsx-\d+)$/;
    for (const name of listAll(tmp)) {
      expect(name).toMatch(known);
      const st = statSync(path.join(tmp, name));
      expect(st.isDirectory() || st.size < 1024, name).toBe(true);
    }
    expect(listAll(cwd)).toEqual([]);
    expect(listAll(state)).toEqual([]);

    const messages = child.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AgentMessage);
    const windows = messages.filter((m) => m.kind === 'metrics').map((m) => m.message as WindowV1);
    expect(windows).toHaveLength(2);
    for (const m of messages) {
      const check = validatorFor(m.message.schema)!;
      expect(check.Check(m.message), JSON.stringify([...check.Errors(m.message)][0])).toBe(true);
      expect(JSON.stringify(m.message).length).toBeLessThan(2048);
    }
    for (const w of windows) {
      // The photo shows 28 students: the section is filled, with numbers (or null) only.
      expect(w.vision, JSON.stringify(w.unavailable)).not.toBeNull();
      expect(w.vision!.framesAnalysed).toBeGreaterThan(0);
      expect(w.vision!.personsVisibleMean).toBeGreaterThanOrEqual(5);
      for (const [at, v] of leaves(w.vision)) expect(typeof v === 'number' || v === null, at).toBe(true);
    }
    const text = child.stdout.toLowerCase();
    expect(text).not.toMatch(/c0ffee|keypoint|"box"|base64|data:image/);
  });
});
