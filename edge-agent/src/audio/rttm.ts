import type { RoleSegment, SpeakerRole } from './role-types.ts';

/** One RTTM SPEAKER line's fields that matter here. */
export interface RttmTurn {
  file: string;
  startS: number;
  durS: number;
  speaker: string;
}

const ROLE_LABEL: Record<SpeakerRole, string> = {
  teacher: 'TEACHER',
  student: 'STUDENT',
  overlap: 'OVERLAP',
};

/**
 * NIST RTTM, one `SPEAKER <file> 1 <start> <dur> <NA> <NA> <speaker> <NA> <NA>` line per role
 * segment, speaker TEACHER / STUDENT / OVERLAP, for comparison with human labels (md-eval,
 * pyannote.metrics, dscore). The file id has its white space replaced, since fields are spaces.
 */
export function formatRttm(fileId: string, segments: RoleSegment[]): string {
  const id = fileId.replace(/\s+/g, '_') || 'lesson';
  return segments
    .filter((s) => s.endS > s.startS)
    .map(
      (s) =>
        `SPEAKER ${id} 1 ${s.startS.toFixed(3)} ${(s.endS - s.startS).toFixed(3)} <NA> <NA> ${ROLE_LABEL[s.role]} <NA> <NA>\n`,
    )
    .join('');
}

/** Reads the SPEAKER lines of an RTTM file; other line types and comments are skipped. */
export function parseRttm(text: string): RttmTurn[] {
  const out: RttmTurn[] = [];
  for (const line of text.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f[0] !== 'SPEAKER' || f.length < 8) continue;
    const startS = Number(f[3]);
    const durS = Number(f[4]);
    if (!Number.isFinite(startS) || !Number.isFinite(durS) || durS <= 0) continue;
    out.push({ file: f[1]!, startS, durS, speaker: f[7]! });
  }
  return out;
}
