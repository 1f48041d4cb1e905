import type { WindowV1 } from '@classroom/protocol';
import { describe, expect, it } from 'vitest';
import { configLiveOptions } from '../src/agent/live-options.ts';
import { parseAgentConfig } from '../src/agent/load-agent-config.ts';
import { loadProfile } from '../src/config/load-profile.ts';
import type { AgentError } from '../src/errors.ts';
import { analyzeLive } from '../src/pipeline/analyze-live.ts';
import type { AgentMessage } from '../src/pipeline/types.ts';
import { twoChannelLesson, untilAnalysed } from './helpers.ts';

const BASE = {
  version: 1,
  deviceId: 'dev-1',
  school: 'school-1',
  room: 'room-1',
  mqttUrl: 'mqtt://127.0.0.1:1883',
  username: 'dev-1',
  password: 'secret-pw',
};

const parse = (extra: Record<string, unknown>) =>
  parseAgentConfig(JSON.stringify({ ...BASE, ...extra }), '/etc/edge-agent/agent-config.json');

const errorOf = (extra: Record<string, unknown>) => {
  try {
    parse(extra);
  } catch (err) {
    return err as AgentError;
  }
  throw new Error('expected the config to be refused');
};

describe('agent-config.json teacherChannel', () => {
  it('validates: an index of the audio source, with its reason in notes', () => {
    const c = parse({
      audio: { kind: 'alsa', device: 'hw:1', channels: 2 },
      teacherChannel: 1,
      notes: { teacherChannel: 'The lapel receiver is wired to input 2 of the USB interface.' },
    });
    expect(configLiveOptions(c)).toEqual({ teacherChannel: 1 });
    expect(configLiveOptions(parse({ audio: { kind: 'alsa', device: 'hw:1' } }))).toEqual({});
  });

  it('refuses a channel the source does not have, a mono source, a wrong type, and stray notes', () => {
    const out = errorOf({ audio: { kind: 'alsa', device: 'hw:1', channels: 2 }, teacherChannel: 2 });
    expect(out.code).toBe('E_CONFIG_INVALID');
    expect(out.message).toMatch(/teacherChannel: 2 is not one of audio\.channels \(2\)/);
    expect(errorOf({ audio: { kind: 'pulse', device: 'default' }, teacherChannel: 0 }).message).toMatch(
      /2 or more/,
    );
    expect(errorOf({ teacherChannel: 0 }).message).toMatch(/no audio source/);
    expect(
      errorOf({ audio: { kind: 'alsa', device: 'hw:1', channels: 2 }, teacherChannel: '1' }).message,
    ).toMatch(/teacherChannel/);
    expect(errorOf({ notes: { teacherChanel: 'typo' } }).message).toMatch(
      /notes\.teacherChanel: names no field/,
    );
  });

  it('reaches the live analysis: roles from the channels, no voice clustering', async () => {
    // A 2-channel source: JFK on channel 0 (the lapel), a Mandarin student clip on channel 1.
    const file = twoChannelLesson();
    const config = parse({ audio: { kind: 'url', url: file, channels: 2 }, teacherChannel: 0 });
    const profile = await loadProfile();
    const messages: AgentMessage[] = [];
    let clockMs = 1_000_000;
    // As Agent.#startLesson builds it: the configured source and configLiveOptions(config).
    const live = analyzeLive(config.audio!, {
      profile,
      ...configLiveOptions(config),
      now: () => clockMs,
      capture: { maxStarts: 1, maxLagS: 1e6 },
      sink: (m) => void messages.push(m),
    });
    await live.start();
    await untilAnalysed(live);
    clockMs += live.analysedS * 1000;
    await live.stop();
    expect(live.liveRoleStats).toBeNull();
    const windows = messages.filter((m) => m.kind === 'metrics').map((m) => m.message as WindowV1);
    expect(windows.length).toBeGreaterThanOrEqual(2);
    const sum = (k: 'teacherS' | 'studentS') => windows.reduce((a, w) => a + (w.audio?.roles?.[k] ?? 0), 0);
    // JFK (11 s) is the teacher; the student's clip starts at 12 s on the other channel.
    expect(sum('teacherS')).toBeGreaterThan(7);
    expect(sum('studentS')).toBeGreaterThan(1.5);
    expect(live.roleSegments.find((s) => s.role === 'teacher')!.startS).toBeLessThan(2);
  });
});
