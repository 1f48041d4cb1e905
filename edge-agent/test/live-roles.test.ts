import { rmSync } from 'node:fs';
import path from 'node:path';
import { validateMessage, type WindowV1 } from '@classroom/protocol';
import { describe, expect, it } from 'vitest';
import { evaluateLiveAudioFolders } from '../../scripts/eval/live-audio.ts';
import { LiveRoleHold } from '../src/audio/live-role-hold.ts';
import { LiveRoleStage } from '../src/audio/live-roles.ts';
import type { RoleSegment } from '../src/audio/role-types.ts';
import { loadProfile } from '../src/config/load-profile.ts';
import type { WindowStats } from '../src/metrics/windower.ts';
import { analyzeLive } from '../src/pipeline/analyze-live.ts';
import type { AgentMessage } from '../src/pipeline/types.ts';
import { audio, repoRoot } from './helpers.ts';
import { writeStudentsFirstLesson } from './students-first-lesson.ts';

/** A vowel-like tone: harmonics of f0 with a roll-off (as in roles.test.ts). */
function voice(f0: number, seconds: number, rate = 16_000): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) {
    let v = 0;
    for (let h = 1; h * f0 < 4000; h++) v += Math.sin((2 * Math.PI * h * f0 * i) / rate) / h;
    out[i] = 0.1 * v;
  }
  return out;
}

/** A closed 10 s window of silence, the `index`-th of the lesson. */
const quietWindow = (index: number): WindowStats => ({
  index,
  startS: index * 10,
  durationS: 10,
  coverageS: 10,
  speechS: 0,
  silenceS: 10,
  levelDbfs: null,
  levelDba: null,
});

const seconds = (roles: RoleSegment[], role: string, a: number, b: number) =>
  roles
    .filter((s) => s.role === role)
    .reduce((x, s) => x + Math.max(0, Math.min(b, s.endS) - Math.max(a, s.startS)), 0);

describe('live single-microphone roles (LiveRoleStage)', () => {
  it('decides segments as the lesson goes, before its end, and forgets everything at clear()', () => {
    // Teacher (low voice) 12 s, student (high) 4 s, teacher 8 s, student 3 s, 1 s pauses.
    const plan: [number, number][] = [
      [100, 12],
      [260, 4],
      [100, 8],
      [260, 3],
    ];
    const stage = new LiveRoleStage({ holdS: 5, reclusterS: 5 });
    stage.beginRun(0);
    const decided: RoleSegment[] = [];
    let t = 0;
    for (const [f0, d] of plan) {
      stage.pushAudio(voice(f0, d));
      stage.pushAudio(new Float32Array(16_000));
      stage.addSegments([{ startS: t, endS: t + d }]);
      t += d + 1;
      decided.push(...stage.decide(t - 5, t));
    }
    // Decided while streaming: everything before the last 5 s.
    expect(decided.at(-1)!.endS).toBeGreaterThan(20);
    decided.push(...stage.finish(t));
    expect(seconds(decided, 'teacher', 0, 12)).toBeGreaterThan(11);
    expect(seconds(decided, 'student', 13, 17)).toBeGreaterThan(3.5);
    expect(seconds(decided, 'teacher', 18, 26)).toBeGreaterThan(7.5);
    expect(seconds(decided, 'student', 27, 30)).toBeGreaterThan(2.5);
    expect(stage.stats.fits).toBeGreaterThanOrEqual(2);
    stage.clear();
    // A quiet minute holds no feature blocks once its time is decided.
    stage.beginRun(t);
    stage.pushAudio(new Float32Array(60 * 16_000));
    expect(stage.stats.heldBlocks).toBeGreaterThan(200);
    stage.decide(t + 59, t + 60);
    expect(stage.stats.heldBlocks).toBeLessThanOrEqual(4);
    stage.clear();
    expect(stage.finish(t)).toEqual([]);
  });

  it('holds each window holdS after its end, in order, and releases all at the lesson end', () => {
    const stage = new LiveRoleStage({ holdS: 30, firstDecisionS: 0 });
    const hold = new LiveRoleHold(stage);
    hold.push([quietWindow(0), quietWindow(1), quietWindow(2)]);
    expect(hold.due(39.9).windows).toEqual([]);
    expect(hold.due(40).windows.map((x) => x.index)).toEqual([0]);
    expect(hold.due(55).windows.map((x) => x.index)).toEqual([1]);
    expect(hold.finish(56).windows.map((x) => x.index)).toEqual([2]);
  });

  it('decides nothing before firstDecisionS, then every window whose hold is over at once', () => {
    const hold = new LiveRoleHold(new LiveRoleStage({ holdS: 30, firstDecisionS: 90 }));
    hold.push(Array.from({ length: 8 }, (_, index) => quietWindow(index)));
    // Window 0's hold ends at 40 s and window 5's at 90 s: none goes before the lesson is 90 s old.
    expect(hold.due(40).windows).toEqual([]);
    expect(hold.due(89.9).windows).toEqual([]);
    expect(hold.due(90).windows.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(hold.due(100).windows.map((x) => x.index)).toEqual([6]);
  });
});

describe('live roles through LiveAnalysis (a recording as a file-backed live source)', () => {
  it('demo lesson: streaming teacher F1 near the file pipeline, every window within the hold', async () => {
    const r = await evaluateLiveAudioFolders([path.join(repoRoot, 'scripts/demo-lesson')]);
    console.log('live roles, demo lesson', {
      live: r.live.teacher,
      liveDer: r.live.roleDer.der,
      offline: r.offline.teacher.f1,
      maxLagS: r.maxLagS,
    });
    // Measured 0.970-0.974 live (the fit times move with ffmpeg's chunking), 0.959 offline.
    expect(r.live.teacher.f1).toBeGreaterThanOrEqual(0.95);
    expect(r.live.roleDer.der).toBeLessThanOrEqual(0.13);
    expect(r.offline.teacher.f1).toBeGreaterThanOrEqual(0.92);
    // The first window waits for the 90 s first decision (lag 80 s); later ones hold 60 s plus
    // at most one chunk of audio before the next release.
    expect(r.maxLagS).toBeLessThanOrEqual(82);
  });

  it('a lesson that opens with students: the 90 s first decision keeps them from being called the teacher', async () => {
    const { folder, openingS } = await writeStudentsFirstLesson();
    expect(openingS).toBeGreaterThan(30);
    const early = await evaluateLiveAudioFolders([folder], { liveRoles: { firstDecisionS: 0 } });
    const r = await evaluateLiveAudioFolders([folder]);
    console.log('live roles, students-first lesson', {
      openingS,
      firstDecision0: early.live.teacher,
      firstDecision90: r.live.teacher,
      offline: r.offline.teacher.f1,
    });
    // Measured F1 0.803 deciding from the start, 0.872 with the 90 s first decision, 0.879 offline:
    // deciding early, the opening students were the only voice and went to the teacher.
    // A null (nothing scored) fails every comparison below.
    const [p0, p90] = [early.live.teacher.precision ?? 1, r.live.teacher.precision ?? 0];
    const [f0, f90, offline] = [
      early.live.teacher.f1 ?? 1,
      r.live.teacher.f1 ?? 0,
      r.offline.teacher.f1 ?? 1,
    ];
    expect(p0).toBeLessThan(p90);
    expect(f90 - f0).toBeGreaterThanOrEqual(0.04);
    expect(f90).toBeGreaterThanOrEqual(0.85);
    expect(f90).toBeGreaterThanOrEqual(offline - 0.03);
    rmSync(folder, { recursive: true, force: true });
  });

  it('AMI and pyannote with a short hold (10 s): streaming roles no worse than a little under offline', async () => {
    const r = await evaluateLiveAudioFolders([audio('ami'), audio('pyannote-sample')], {
      // Decided from the start: with the default 90 s first decision these 30 s clips never stream.
      liveRoles: { holdS: 10, reclusterS: 10, firstDecisionS: 0 },
    });
    console.log('live roles, AMI + pyannote, hold 10 s', {
      live: r.live.teacher,
      offline: r.offline.teacher.f1,
    });
    expect(r.live.files).toBe(13);
    // Measured 0.855 live = offline: the split gate reports every clip all-teacher (0.827 live,
    // 0.835 offline before it); a floor on the streaming path, not on the split.
    expect(r.live.teacher.f1).toBeGreaterThanOrEqual(0.8);
    expect(r.offline.teacher.f1).toBeGreaterThanOrEqual(0.81);
  });

  it('profile audio.liveRoles.enabled false: windows at once, roles null, "disabled"', async () => {
    const profile = await loadProfile();
    profile.audio.liveRoles = { enabled: false, holdS: 60, reclusterS: 30 };
    const messages: AgentMessage[] = [];
    let clockMs = 1_000_000;
    const live = analyzeLive(
      { kind: 'url', url: path.join(repoRoot, 'scripts/demo-lesson/lesson.ogg') },
      {
        profile,
        now: () => clockMs,
        capture: { maxStarts: 1, maxLagS: 1e6 },
        sink: (m) => void messages.push(m),
      },
    );
    await live.start();
    while (live.analysedS < 229) await new Promise((r) => setTimeout(r, 50));
    // Without a hold the closed windows have gone out before the lesson ends (229 s, 23 windows).
    expect(messages.filter((m) => m.kind === 'metrics').length).toBeGreaterThanOrEqual(20);
    await new Promise((r) => setTimeout(r, 200));
    clockMs += live.analysedS * 1000;
    await live.stop();
    const windows = messages.filter((m) => m.kind === 'metrics').map((m) => m.message as WindowV1);
    expect(windows.length).toBe(23);
    for (const w of windows) {
      expect(() => validateMessage(w)).not.toThrow();
      expect(w.audio!.roles).toBeNull();
      expect(w.unavailable.roles).toBe('disabled');
    }
    expect(live.liveRoleStats).toBeNull();
  });
});
