import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseRttm, type RttmTurn } from '../../../edge-agent/src/audio/rttm.ts';
import type { Interval } from './frame-scores.ts';

const MEDIA = new Set(['.wav', '.flac', '.ogg', '.opus', '.mp3', '.m4a', '.aac', '.mp4', '.mkv', '.webm']);

/** One recording of a labelled folder and its references. */
export interface ReferenceFile {
  id: string;
  media: string;
  turns: RttmTurn[];
  /** Scored regions from the UEM; null: the whole file. */
  uem: Interval[] | null;
  /** Speaker → role from `<id>.roles.json` when present; otherwise the most talkative speaker is the teacher. */
  roles: Record<string, string> | null;
}

export interface ReferenceFolder {
  scored: ReferenceFile[];
  /** Media files with no reference (e.g. a silent recording): analysed, not scored. */
  unlabelled: string[];
  /** Ids listed or labelled whose media file is missing. */
  missing: string[];
}

/**
 * Reads a folder laid out like AMI's pyannote protocol files: media named `<id>.<ext>` (any rate
 * and sample format ffmpeg reads), `*.rttm` turns, `*.uem` regions (`<id> <channel> <start> <end>`),
 * `*.lst` ids to score. Without any .lst every id with RTTM turns is scored.
 */
export function readReferenceFolder(folder: string): ReferenceFolder {
  const names = readdirSync(folder).sort();
  const read = (ext: string) =>
    names.filter((n) => n.endsWith(ext)).map((n) => readFileSync(path.join(folder, n), 'utf8'));
  const turns = read('.rttm').flatMap(parseRttm);
  const byId = new Map<string, RttmTurn[]>();
  for (const t of turns) byId.set(t.file, [...(byId.get(t.file) ?? []), t]);
  const uem = new Map<string, Interval[]>();
  for (const line of read('.uem').flatMap((t) => t.split(/\r?\n/))) {
    const f = line.trim().split(/\s+/);
    const startS = Number(f[2]);
    const endS = Number(f[3]);
    if (f.length >= 4 && Number.isFinite(startS) && endS > startS)
      uem.set(f[0]!, [...(uem.get(f[0]!) ?? []), { startS, endS }]);
  }
  const listed = read('.lst').flatMap((t) =>
    t
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
  );
  const ids = [...new Set(listed.length ? listed : [...byId.keys()])];
  const media = new Map<string, string>();
  for (const n of names) {
    const ext = path.extname(n).toLowerCase();
    if (MEDIA.has(ext)) media.set(path.basename(n, path.extname(n)), path.join(folder, n));
  }
  const scored: ReferenceFile[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const file = media.get(id);
    if (!file) {
      missing.push(id);
      continue;
    }
    const rolesFile = path.join(folder, `${id}.roles.json`);
    scored.push({
      id,
      media: file,
      turns: byId.get(id) ?? [],
      uem: uem.get(id) ?? null,
      roles: existsSync(rolesFile)
        ? (JSON.parse(readFileSync(rolesFile, 'utf8')) as Record<string, string>)
        : null,
    });
  }
  const unlabelled = [...media.entries()].filter(([id]) => !ids.includes(id)).map(([, f]) => f);
  return { scored, unlabelled, missing };
}
