import type { TalkMove } from '@classroom/protocol';
import { loadWordList } from './model-files.ts';
import { englishTokens, stripPunctuation } from './text.ts';

// The categories are the wire protocol's (`speech.categoryCounts` keys), in TalkMoves numbering.
// Rule-based on purpose: the TalkMoves labels are CC BY-NC-SA, so nothing learned from them
// ships [evaluation only].
export { TALK_MOVES, type TalkMove } from '@classroom/protocol';

const REASONING =
  /\b(why|how come|how do you know|how did you (know|get|figure|decide|find)|explain|what makes you|convince|prove|justify|reason|what's your thinking|what is your thinking|how are you thinking)\b/;
// A reason word only presses when it asks: in a question, or in a request to explain. Said in
// a statement ("that's why", "this is how you prove it") it explains, which is not coded.
const REASONING_REQUEST =
  /^(?:(?:okay|ok|so|and|now|please|alright|all right) )*(explain|tell (me|us|the class|our class|your partner|each other) (why|how))|\b(can|could|would|will) (you|somebody|someone|anybody|anyone) (please )?(explain|tell (me|us) (why|how)|prove|justify|convince)|\b(i want to know|i wonder) (why|how)\b/;
const BECAUSE = /\b(that's|that is|this is|reason|is) why\b/;
const RELATE =
  /(?<!\bi (?:'ll |'d |do )?)\b(agree|disagree)|\bwhat do (you|you guys|we) think (of|about) (that|this|it|his|her|their|what|\w+'s)\b|\b(is|was) (he|she|they) (right|correct)\b|\b(add on|add to|who can explain|(someone|anyone|anybody|somebody) else(?! need)|same or different|in your own words|compare (your|with)|who did it (a )?different|did anyone (get|do) (something|it) different|differently)\b/;
const REVOICE =
  /\b(so you're saying|you're saying|so what you're saying|are you saying|so you said|you said|so you think|you mean|he's saying|she's saying|he said|she said)\b/;
// Keeping everyone together, from the coding manual's examples: managing turns, attention,
// on-task checks, asking to read aloud or repeat, hearing a classmate. Bare "everyone",
// "with me", "got it", "eyes on me" were dropped: in TalkMoves they sit mostly in uncoded lines,
// as do "go ahead and <do something>" (106 of 120 on the design half) and "let's start with"
// (22 of 31), an instruction rather than a turn given. A check that opens "do you understand /
// know / remember / see …" keeps everyone together even with a wh-word after it (35 of 64 such
// lines the content-question rule sent to press for accuracy, 19 were).
const TOGETHER =
  /\b(raise your hands?|hands up|thumbs up|turn and talk|talk to your|talk (as a|with your|amongst|among)|are we all|are you with me|does that make sense|makes sense|make sense to|are you ready|is that clear|any questions|go ahead(?! and)|repeat|restate|read (it|the|that|this|out loud|aloud|with me)|did you hear|what did (he|she|they) (just )?say|are you (done|finished|listening|paying attention))\b|is your hand up|are you volunteering|something (else )?to (say|add|share)|high five|wave at me|^(go|ready|what|huh|understand)$|^(?:(?:okay|ok|so|and|now|well|alright|um|uh) )*do (you|we|they) (understand|know|remember|see|get|notice)\b/;
const ACCURACY_ASK =
  /\b(what did you get|what is|what's|how many|how much|which one|show me|tell me|tell us|what number|what do we call|what did you)\b/;
// A statement left open for the class to finish ("two times three is", "one fourth of sixteen
// is", "it will be"): a prompt for a short answer.
const CLOZE = /\b(is|are|be|equals|equal|times|plus|minus|over|of|to|by|as|gets|makes)$/;
// A question that asks for content presses for accuracy: a wh-word anywhere ("Marcus what did you
// write", "five what"), a request for an answer or example, a choice ("bigger or smaller"). The
// manual codes the other questions (yes/no, tags "..., right", declarative checks) as keeping
// everyone together.
const CONTENT_QUESTION =
  /\b(what|what's|whats|why|how|where|when|who|who's|which|whose)\b|\b(can|could|would|will) (you|somebody|someone|anybody|anyone|one of you) (please )?(tell|give|show|write|find|figure|make|draw|share|come|say what|put|explain|label|count|solve|name)\b|\b(idea|ideas|another way|any other)\b|\b\w+ or \w+/;

// Fillers and transcript notes the NCTE list lacks, and the words a teacher puts around a name
// when giving a student the turn ("okay Harmony", "go ahead Dan").
const FILLERS = new Set(
  'ok um uhm uh hm hmm mm huh ah aha haha wow hello hi inaudible laughter crosstalk'.split(' '),
);
const AROUND_NAME = new Set('okay ok so and alright all right yes go ahead please um uh now then'.split(' '));

/**
 * A short line that is a student's name, alone or with "okay"/"go ahead": the teacher giving the
 * turn, which the manual codes as keeping everyone together ("Shelly?"). A name is a word that is
 * in neither the common-word list nor the student's last utterance.
 */
function givesTurn(tokens: readonly string[], student: readonly string[]): boolean {
  if (tokens.length > 3) return false;
  const words = loadWordList('common-words-en');
  let names = 0;
  for (const t of tokens) {
    if (AROUND_NAME.has(t)) continue;
    if (words.has(t) || FILLERS.has(t) || /\d/.test(t) || student.includes(t) || t.length < 3) return false;
    names++;
  }
  return names > 0;
}

const FUNCTION_WORDS = new Set(
  "a an the and or but so is are was were be it its it's this that these those there i you he she we they me my your his her our their to of in on at for with um uh like yes yeah no okay ok oh well then just what do did does can i'm you're".split(
    ' ',
  ),
);
/**
 * The teacher's line is longer than the student's and carries at least half of its content words
 * ("Six." -> "positive six"): repeating and adding, which the manual codes as revoicing.
 */
const MIN_TAKEN = 0.5;
function takesUp(teacher: readonly string[], student: readonly string[]): boolean {
  const content = [...new Set(student.filter((t) => !FUNCTION_WORDS.has(t)))];
  if (content.length === 0 || teacher.length <= student.length) return false;
  const t = new Set(teacher);
  const kept = content.filter((w) => t.has(w)).length;
  return kept >= Math.max(1, Math.ceil(content.length * MIN_TAKEN));
}

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
  if (REASONING.test(bare) && (isQuestion || REASONING_REQUEST.test(bare)) && !BECAUSE.test(bare))
    return 'pressForReasoning';
  if (RELATE.test(bare)) return 'gettingStudentsToRelate';
  if (REVOICE.test(bare) && student.length > 0) return 'revoicing';
  const share = overlap(tokens, student);
  // Word for word, a one-word answer included ("Acute." -> "acute"), restates.
  if (student.length >= 1 && share >= 0.8 && tokens.length <= student.length + 2) return 'restating';
  if (student.length >= 3 && share >= 0.6) return 'revoicing';
  if (takesUp(tokens, student) && !isQuestion) return 'revoicing';
  if (TOGETHER.test(bare) || givesTurn(tokens, student)) return 'keepingTogether';
  if (isQuestion) return CONTENT_QUESTION.test(bare) ? 'pressForAccuracy' : 'keepingTogether';
  if (ACCURACY_ASK.test(bare) || (tokens.length <= 12 && CLOZE.test(bare))) return 'pressForAccuracy';
  return 'none';
}
