import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INSTRUCTION_TYPES, SOURCE_ERROR_CODES, STATUS_ERROR_CODES, TALK_MOVES } from '@classroom/protocol';
import { METRIC_IDS } from '../src/diagnostics/analysis/metrics.ts';
import { PUBLIC_DIR } from '../src/api/web-routes.ts';

/**
 * The UI's message catalogues: zh-CN and en have the same keys, and every key the pages use
 * (data-i18n attributes, t('…') calls, and the keys built from API values) exists in both.
 */
type Catalogue = Record<string, string | Record<string, string>>;
const { MESSAGES } = (await import(pathToFileURL(join(PUBLIC_DIR, 'i18n.js')).href)) as {
  MESSAGES: Record<'zh-CN' | 'en', Catalogue>;
};
const files = readdirSync(PUBLIC_DIR).filter((f) => f.endsWith('.html') || f.endsWith('.js'));
const source = (f: string) => readFileSync(join(PUBLIC_DIR, f), 'utf8');

function keysOf(c: Catalogue): string[] {
  return Object.entries(c)
    .flatMap(([k, v]) => (typeof v === 'string' ? [k] : Object.keys(v).map((s) => `${k}.${s}`)))
    .sort();
}

/** Keys used literally in the pages and scripts. */
function usedKeys(): Set<string> {
  const used = new Set<string>();
  for (const f of files) {
    // Comments out: they show how t() is called, e.g. t('key').
    const text = source(f)
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    for (const m of text.matchAll(/data-i18n(?:-label)?="(\w+)"/g)) used.add(m[1]!);
    for (const m of text.matchAll(/\bt\(\s*'(\w+)'/g)) used.add(m[1]!);
    // Keys named in tables of columns and navigation entries.
    for (const m of text.matchAll(/\blabel:\s*'(\w+)'/g)) used.add(m[1]!);
    for (const m of text.matchAll(/\bkey:\s*'(nav\w+)'/g)) used.add(m[1]!);
    for (const m of text.matchAll(/'(col[A-Z]\w*)'/g)) used.add(m[1]!);
  }
  return used;
}

/** Keys built from values the API returns (t(`metric_${id}`) and the like). */
const DYNAMIC: Record<string, readonly string[]> = {
  metric_: METRIC_IDS,
  cat_: [...INSTRUCTION_TYPES, ...TALK_MOVES],
  phase_: ['lecture', 'questioning', 'discussion', 'practice', 'mixed'],
  reason_: ['no_audio', 'no_roles', 'no_speech', 'no_transitions', 'no_vision', 'suppressed'],
  state_: ['online', 'offline', 'stale', 'unknown'],
  health_: ['ok', 'degraded', 'down', 'absent'],
  sourceError_: SOURCE_ERROR_CODES.map((c) => c.replace(/-/g, '_')),
  statusError_: STATUS_ERROR_CODES,
  role_: ['teacher', 'school_leader', 'researcher', 'district', 'admin'],
  suppress_: ['fewer_than_min_lessons', 'fewer_than_min_teachers', 'differencing'],
  mode: ['Lecture', 'Dialogue', 'Practice', 'Mixed'],
  device_: [
    'not_implemented',
    'disabled',
    'no_source',
    'no_model',
    'model_mismatch',
    'source_gap',
    'too_few_people',
    'error',
  ],
};

describe('web UI message catalogues', () => {
  it('zh-CN and en have exactly the same keys, none empty', () => {
    expect(keysOf(MESSAGES.en)).toEqual(keysOf(MESSAGES['zh-CN']));
    for (const lang of ['zh-CN', 'en'] as const)
      for (const [k, v] of Object.entries(MESSAGES[lang]))
        if (typeof v === 'string') expect(v.trim(), `${lang}.${k}`).not.toBe('');
  });

  it('every key the pages use exists in both catalogues', () => {
    const used = usedKeys();
    for (const [prefix, values] of Object.entries(DYNAMIC)) for (const v of values) used.add(`${prefix}${v}`);
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((k) => !(k in MESSAGES['zh-CN']) || !(k in MESSAGES.en));
    expect(missing).toEqual([]);
  });

  it('every source error code status/1 can carry has a label in both languages, and no label is left over', () => {
    // The fleet page shows cameraError and micError by these labels: a code added to the protocol
    // without one would reach IT as a bare key.
    const labelled = (lang: 'zh-CN' | 'en') =>
      Object.keys(MESSAGES[lang])
        .filter((k) => k.startsWith('sourceError_'))
        .sort();
    const expected = SOURCE_ERROR_CODES.map((c) => `sourceError_${c.replace(/-/g, '_')}`).sort();
    for (const lang of ['zh-CN', 'en'] as const) expect(labelled(lang), lang).toEqual(expected);
    expect(MESSAGES['zh-CN']['sourceError_refused']).toBe('连接被拒绝');
    expect(MESSAGES.en['sourceError_refused']).toBe('connection refused');
    // Labels tell the codes apart: two codes with one label would send IT to the wrong fix.
    for (const lang of ['zh-CN', 'en'] as const)
      expect(new Set(expected.map((k) => MESSAGES[lang][k])).size, lang).toBe(expected.length);
  });

  it('every error code this agent puts in status/1 has a distinct label in both languages', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const keys = Object.keys(MESSAGES[lang]).filter((k) => k.startsWith('statusError_'));
      expect(keys.sort(), lang).toEqual(STATUS_ERROR_CODES.map((c) => `statusError_${c}`).sort());
      expect(new Set(keys.map((k) => MESSAGES[lang][k])).size, lang).toBe(keys.length);
    }
    expect(MESSAGES['zh-CN']['statusError_E_CAMERA_DOWN']).toBe('摄像头故障');
  });

  it('placeholders match between the languages', () => {
    for (const [k, zh] of Object.entries(MESSAGES['zh-CN'])) {
      if (typeof zh !== 'string') continue;
      const en = MESSAGES.en[k] as string;
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(en), k).toEqual(names(zh));
    }
  });

  it('pages load no script or style from outside this server [PRIV-10]', () => {
    for (const f of files.filter((x) => x.endsWith('.html')))
      expect(source(f), f).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});
