export type { Utterance, SpeakerRole, Language } from './types.ts';
export { DiscourseWindowAggregator, type DiscourseOptions, type ClosedSpeechWindow } from './aggregator.ts';
export {
  analyseQuestions,
  isQuestion,
  classifyQuestion,
  type QuestionAnalysis,
  type QuestionType,
} from './question.ts';
export { classifyInstruction, INSTRUCTION_TYPES, type InstructionType } from './instruction.ts';
export { tagTalkMove, TALK_MOVES, type TalkMove } from './talk-moves.ts';
export { FLANDERS, FLANDERS_INTERVAL_S, type Flanders } from './flanders.ts';
export { waitBin } from './wait-time.ts';
