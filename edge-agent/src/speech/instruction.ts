import { loadModel } from './model-files.ts';

/**
 * DialogID teacher-instruction categories, in label order 0-8, spelled as the enum keys sent in
 * `speech.categoryCounts` (DialogID: 0 commending, 1 guidance, 2 summarization, 3 greeting,
 * 4 note-taking, 5 repeating, 6 reviewing, 7 example-giving, 8 others).
 */
export const INSTRUCTION_TYPES = [
  'commending',
  'guidance',
  'summarization',
  'greeting',
  'noteTaking',
  'repeating',
  'reviewing',
  'exampleGiving',
  'others',
] as const;
export type InstructionType = (typeof INSTRUCTION_TYPES)[number];

/** Chinese teacher utterance → DialogID category (hashed char 1-3-gram logistic regression). */
export function classifyInstruction(text: string): InstructionType {
  return loadModel('instruction-zh').predict(text) as InstructionType;
}
