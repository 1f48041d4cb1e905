import { createHmac } from 'node:crypto';

/**
 * Stable keyed pseudonyms for researcher-facing outputs [PRIV-4]: HMAC-SHA256 under a per-project
 * key, so the same school, class, room, teacher or device always maps to the same code, and
 * nobody without the key can map a code back or confirm a guess.
 */
export type PseudonymKind = 'school' | 'class' | 'room' | 'device' | 'teacher' | 'lesson';

const PREFIX: Record<PseudonymKind, string> = {
  school: 'S',
  class: 'C',
  room: 'R',
  device: 'D',
  teacher: 'T',
  lesson: 'L',
};

export class Pseudonymizer {
  constructor(readonly key: Buffer) {}

  /** Classes and rooms are named within a school, so their pseudonym covers the school too. */
  code(kind: PseudonymKind, value: string, within = ''): string {
    const mac = createHmac('sha256', this.key).update(`${kind}\u0000${within}\u0000${value}`).digest();
    return `${PREFIX[kind]}-${mac.subarray(0, 9).toString('base64url')}`;
  }

  maybe(kind: PseudonymKind, value: string | null, within = ''): string | null {
    return value === null ? null : this.code(kind, value, within);
  }
}
