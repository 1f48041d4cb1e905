import type { InstructionType } from '@classroom/protocol';
import { loadModel } from './model-files.ts';

// The categories are the wire protocol's (`speech.categoryCounts` keys), in DialogID label order.
export { INSTRUCTION_TYPES, type InstructionType } from '@classroom/protocol';

/** Chinese teacher utterance → DialogID category (hashed char 1-3-gram logistic regression). */
export function classifyInstruction(text: string): InstructionType {
  return loadModel('instruction-zh').predict(text) as InstructionType;
}
