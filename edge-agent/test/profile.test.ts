import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_VAD_SETTINGS } from '../src/audio/vad-settings.ts';
import { defaultProfileId, loadAllProfiles, loadProfile } from '../src/config/load-profile.ts';
import { AgentError } from '../src/errors.ts';
import { repoRoot, tempDir } from './helpers.ts';

const base = () =>
  JSON.parse(readFileSync(path.join(repoRoot, 'device-profiles/generic-x86-64.json'), 'utf8')) as Record<
    string,
    unknown
  > & { audio: { vad: Record<string, unknown> }; notes: Record<string, string> };

async function errorFor(mutate: (p: ReturnType<typeof base>) => void): Promise<AgentError> {
  const p = base();
  mutate(p);
  const file = path.join(tempDir(), 'generic-x86-64.json');
  writeFileSync(file, JSON.stringify(p));
  const err = await loadProfile(file).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AgentError);
  expect((err as AgentError).code).toBe('E_PROFILE_INVALID');
  expect((err as AgentError).message).toContain(file);
  return err as AgentError;
}

describe('device profiles', () => {
  it('every shipped profile is valid, named after its file, and explains each value', async () => {
    const profiles = await loadAllProfiles();
    expect(profiles.map((p) => p.id).sort()).toEqual([
      'generic-arm64',
      'generic-x86-64',
      'intel-n100',
      'jetson-orin-nano',
      'raspberry-pi-5',
      'rockchip-rk3588',
    ]);
    for (const p of profiles) {
      expect(p.windowS).toBe(10);
      for (const key of ['audio.vad.threshold', 'audio.onnxThreads', 'video.fps', 'windowS']) {
        expect(p.notes[key], `${p.id} notes.${key}`).toBeTruthy();
      }
    }
  });

  it('the shipped VAD values are the tuned defaults', async () => {
    const { frameSamples: _f, ...vad } = (await loadProfile('generic-x86-64')).audio.vad;
    expect(vad).toEqual(DEFAULT_VAD_SETTINGS);
  });

  it('picks the profile by CPU', () => {
    expect(defaultProfileId('arm64')).toBe('generic-arm64');
    expect(defaultProfileId('x64')).toBe('generic-x86-64');
  });

  it('names the file and the field of a wrong value', async () => {
    const err = await errorFor((p) => {
      p.audio.vad.threshold = 1.5;
    });
    expect(err.message).toMatch(/audio\.vad\.threshold: .*1\.5/);
  });

  it('names an unknown field and lists every error at once', async () => {
    const err = await errorFor((p) => {
      p.audio.vad.treshold = 0.5;
      p.windowS = 2;
    });
    expect(err.message).toContain('audio.vad');
    expect(err.message).toContain('windowS');
  });

  it('rejects notes about fields that do not exist', async () => {
    const err = await errorFor((p) => {
      p.notes['video.colour'] = 'no such field';
    });
    expect(err.message).toContain('notes.video.colour');
  });

  it('says which profile is missing', async () => {
    const err = await loadProfile('no-such-box').catch((e: unknown) => e);
    expect((err as AgentError).code).toBe('E_PROFILE_NOT_FOUND');
  });
});
