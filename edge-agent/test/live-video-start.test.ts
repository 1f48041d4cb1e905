import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeviceProfile } from '../src/config/profile-schema.ts';
import { analyzeLive } from '../src/pipeline/analyze-live.ts';
import { DEFAULT_VISION_SETTINGS } from '../src/vision/settings-schema.ts';
import { repoRoot } from './helpers.ts';

/** The x86 profile with vision on the fast pose model, 1 fps. */
function visionProfile(): DeviceProfile {
  const base = JSON.parse(
    readFileSync(path.join(repoRoot, 'device-profiles/generic-x86-64.json'), 'utf8'),
  ) as DeviceProfile;
  const vision = structuredClone(DEFAULT_VISION_SETTINGS);
  if (vision.backend.type === 'tfjs-wasm') vision.backend.pose = 'movenet-lightning';
  return { ...base, video: { ...base.video, fps: 1 }, vision };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('live lesson start that fails', () => {
  it('frees the vision worker thread when the lesson start fails after the models loaded', async () => {
    // Every worker the lesson talks to, caught as it is asked to load the models.
    const workers = new Set<Worker>();
    const post = Worker.prototype.postMessage;
    vi.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (this: Worker, ...args) {
      workers.add(this);
      return post.apply(this, args);
    });
    const logs: string[] = [];
    const logger = pino(
      { level: 'warn' },
      new Writable({ write: (chunk: Buffer, _enc, done) => (logs.push(chunk.toString()), done()) }),
    );
    const sent: string[] = [];
    const live = analyzeLive(
      // Never opened: the start fails before the audio capture.
      { kind: 'url', url: 'http://127.0.0.1:9/never' },
      {
        profile: visionProfile(),
        speech: false,
        liveRoles: { enabled: false },
        logger,
        video: { kind: 'url', url: 'http://127.0.0.1:9/camera' },
        sink: (m) => {
          sent.push(m.kind);
          // As a full outbox or a broken disk does to the lesson start message.
          throw Object.assign(new Error('outbox write failed'), { code: 'E_OUTBOX' });
        },
      },
    );
    await expect(live.start()).rejects.toThrow(/outbox write failed/);
    // The models had loaded (no "unavailable" warning) and the start got as far as the sink.
    expect(logs.join('')).not.toMatch(/vision models unavailable/);
    expect(sent).toEqual(['lesson']);
    expect(workers.size).toBe(1);
    // threadId is -1 once the thread has stopped running (Node's worker_threads).
    expect([...workers].map((w) => w.threadId)).toEqual([-1]);
    expect(live.videoHealth()).toBeNull();
    expect(live.health()).toBeNull();
  }, 60_000);
});
