import { randomBytes } from 'node:crypto';

/**
 * A lesson id that is unique per device and says nothing about the file: the file name may hold
 * a teacher's or class's name, which must not ride on the wire [PRIV-2].
 */
export function newLessonId(startMs: number): string {
  const stamp = new Date(startMs).toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `L${stamp}-${randomBytes(2).toString('hex')}`;
}
