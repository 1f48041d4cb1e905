/** Who spoke an utterance, as the audio stage's role attribution labels it (no identities [PRIV-5]). */
export type SpeakerRole = 'teacher' | 'student' | 'unknown';

/** Language of an utterance's text; picks the question cues and the classifier. */
export type Language = 'zh' | 'en';

/**
 * One utterance as ASR will produce it. The text lives in memory only: the discourse stage reads
 * it once and keeps nothing but enum labels and times [PRIV-1].
 */
export interface Utterance {
  text: string;
  role: SpeakerRole;
  /** Seconds from the lesson start. */
  startS: number;
  /** Seconds from the lesson start; >= startS. */
  endS: number;
}
