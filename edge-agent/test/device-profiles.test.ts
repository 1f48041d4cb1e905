import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAllProfiles } from '../src/config/load-profile.ts';
import { loadManifest } from '../src/models/manifest.ts';
import { DEFAULT_PROFILES_DIR } from '../src/paths.ts';

// zigbee-herdsman-converters style [style 2]: every hardware variant is a data file, checked here
// in one place: schema, unique ids, notes naming real fields, and model references that resolve.

const EXPECTED = [
  'generic-arm64',
  'generic-x86-64',
  'intel-n100',
  'jetson-orin-nano',
  'raspberry-pi-5',
  'rockchip-rk3588',
];

describe('device-profiles/', () => {
  it('holds a valid profile for every id the doctor can recommend', async () => {
    // loadAllProfiles validates each file: schema, id = file name, each note key names a field.
    const profiles = await loadAllProfiles();
    const ids = profiles.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(EXPECTED));
    expect(readdirSync(DEFAULT_PROFILES_DIR).filter((f) => f.endsWith('.json'))).toHaveLength(ids.length);
  });

  it('explains every value a profile sets, and names only models in the manifest', async () => {
    const manifest = await loadManifest();
    const modelIds = new Set(manifest.models.map((m: { id: string }) => m.id));
    for (const p of await loadAllProfiles()) {
      for (const key of [
        'audio.onnxThreads',
        'audio.vad.frameSamples',
        'video.fps',
        'video.keyframesOnly',
        'video.width',
        'windowS',
      ])
        expect(p.notes[key], `${p.id}: notes.${key}`).toBeTruthy();
      if (p.speech) {
        expect(p.notes['speech.model'], `${p.id}: notes.speech.model`).toBeTruthy();
        expect(modelIds.has(p.speech.model), `${p.id}: ${p.speech.model} in models/manifest.json`).toBe(true);
      }
    }
  });
});
