import { FLANDERS_CATEGORIES, type FlandersCategory } from '@classroom/protocol';
import type { InstructionType } from './instruction.ts';
import type { TalkMove } from './talk-moves.ts';
import type { Language } from './types.ts';
import { stripPunctuation } from './text.ts';

/** The Flanders categories are the wire vocabulary of `speech.transitions`, kept in the protocol. */
export const FLANDERS = FLANDERS_CATEGORIES;
export type Flanders = FlandersCategory;

/** Flanders codes every 3 s: a silence of 3 s is one `silence` code, a 9 s utterance three codes. */
export const FLANDERS_INTERVAL_S = 3;

const ZH_FEELING = /(别紧张|不要紧张|没关系|不要着急|别着急|我理解|我知道你|不用怕|别怕|辛苦了)/u;
const ZH_CRITICISM = /(安静|不要说话|别说话|不要讲话|别讲话|坐好|坐端正|不许|说了多少遍|怎么又|注意纪律)/u;
const ZH_PRAISE = /(很好|非常好|真棒|太棒了|不错|真好|好极了|厉害|优秀|给他鼓掌|表扬)/u;
const EN_FEELING =
  /\b(don't worry|it's okay to|that's okay|i know it's hard|i understand how you|no worries|take your time)\b/;
const EN_CRITICISM =
  /\b(be quiet|stop talking|sit down|pay attention|that's wrong|no no|i said|not again|listen up)\b/;
const EN_PRAISE =
  /\b(good job|great job|nice job|well done|excellent|awesome|perfect|great|good thinking|nice work|beautiful|fantastic|very good|good)\b/;
const EN_DIRECTIONS =
  /^(?:(?:okay|ok|so|and|now|alright|all right) )*(open|write|take|turn|look|put|go|get|read|draw|show|try|listen|come|sit|stand|work|find|circle|use|do|let's|i want you to|you need to|make sure)\b/;

/** Teacher code: question, else the cue rules, else the instruction type or talk move. */
export function teacherCode(
  text: string,
  lang: Language,
  isQuestion: boolean,
  category: InstructionType | TalkMove,
): Flanders {
  if (isQuestion) return 'question';
  const bare = stripPunctuation(text);
  if (lang === 'zh') {
    const s = bare.replace(/ /g, '');
    if (ZH_FEELING.test(s)) return 'acceptFeeling';
    if (ZH_CRITICISM.test(s)) return 'criticism';
    if (category === 'commending' || ZH_PRAISE.test(s)) return 'praise';
    if (category === 'repeating') return 'usesIdeas';
    if (category === 'guidance' || category === 'noteTaking') return 'directions';
    return 'lecture';
  }
  if (EN_FEELING.test(bare)) return 'acceptFeeling';
  if (EN_CRITICISM.test(bare)) return 'criticism';
  if (category === 'restating' || category === 'revoicing') return 'usesIdeas';
  if (EN_PRAISE.test(bare)) return 'praise';
  if (EN_DIRECTIONS.test(bare) || category === 'keepingTogether') return 'directions';
  return 'lecture';
}

/**
 * Student code: a question or talk after non-eliciting teacher talk is initiation (9); talk after
 * a teacher question or direction, or continuing a response, is response (8).
 */
export function studentCode(isQuestion: boolean, previous: Flanders | null): Flanders {
  if (isQuestion) return 'studentInitiation';
  if (previous === 'question' || previous === 'directions' || previous === 'studentResponse') {
    return 'studentResponse';
  }
  return 'studentInitiation';
}
