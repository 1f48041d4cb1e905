import { englishTokens, stripPunctuation } from './text.ts';

/**
 * TalkMoves teacher categories (Suresh et al.; coding manual in the TalkMoves data set), spelled
 * as the enum keys sent in `speech.categoryCounts`. Rule-based on purpose: the TalkMoves labels
 * are CC BY-NC-SA, so nothing learned from them ships [evaluation only].
 */
export const TALK_MOVES = [
  'none',
  'keepingTogether',
  'gettingStudentsToRelate',
  'restating',
  'revoicing',
  'marking',
  'context',
  'pressForAccuracy',
  'pressForReasoning',
] as const;
export type TalkMove = (typeof TALK_MOVES)[number];

const REASONING =
  /\b(why|how come|how do you know|how did you (know|get|figure|decide|find)|explain|what makes you|convince|prove|justify|reason|what's your thinking|what is your thinking|how are you thinking)\b/;
const RELATE =
  /\b(agree|disagree|add on|add to|what do you think about what|who can (explain|restate|repeat|say)|someone else|anyone else|anybody else|somebody else|same or different|in your own words|compare (your|with)|who did it (a )?different|did anyone (get|do) (something|it) different)\b/;
const REVOICE =
  /\b(so you're saying|you're saying|so what you're saying|are you saying|so you said|you said|so you think|you mean|he's saying|she's saying|he said|she said)\b/;
const TOGETHER =
  /\b(everyone|everybody|raise your hands?|thumbs up|turn and talk|with your partner|are we all|all eyes|eyes up here|with me|make sense|does that make sense|are you ready|is that clear|any questions|got it)\b/;
const CONTEXT =
  /\b(today we|we're going to|we are going to|yesterday|last time|remember when|in real life|homework|worksheet|page \w+)\b/;
const ACCURACY_ASK =
  /\b(what did you get|what is|what's|how many|how much|which one|show me|tell me|what number|what do we call|what did you)\b/;

/** Share of the teacher's tokens found in the student's last utterance. */
function overlap(teacher: readonly string[], student: readonly string[]): number {
  if (teacher.length === 0 || student.length === 0) return 0;
  const s = new Set(student);
  return teacher.filter((t) => s.has(t)).length / teacher.length;
}

/**
 * Teacher talk move for one English utterance. `previousStudent` is the text of the student
 * utterance just before it, held in memory only for this call [PRIV-1].
 */
export function tagTalkMove(text: string, isQuestion: boolean, previousStudent: string | null): TalkMove {
  const bare = stripPunctuation(text);
  const tokens = englishTokens(text);
  if (tokens.length === 0) return 'none';
  const student = previousStudent === null ? [] : englishTokens(previousStudent);
  if (REASONING.test(bare)) return 'pressForReasoning';
  if (RELATE.test(bare)) return 'gettingStudentsToRelate';
  if (REVOICE.test(bare) && student.length > 0) return 'revoicing';
  const share = overlap(tokens, student);
  if (student.length >= 2 && share >= 0.8 && tokens.length <= student.length + 2) return 'restating';
  if (student.length >= 3 && share >= 0.6) return 'revoicing';
  if (TOGETHER.test(bare)) return 'keepingTogether';
  if (isQuestion || ACCURACY_ASK.test(bare)) return 'pressForAccuracy';
  if (CONTEXT.test(bare)) return 'context';
  return 'none';
}
