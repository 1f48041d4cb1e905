/** Who is speaking in a stretch of the lesson; silence is the absence of a segment. */
export type SpeakerRole = 'teacher' | 'student' | 'overlap';

/** A stretch of one role, s from the lesson start. Stays on the device [PRIV-2]. */
export interface RoleSegment {
  startS: number;
  endS: number;
  role: SpeakerRole;
}
