import { describe, expect, it } from 'vitest';
import { isQuestion, tagTalkMove, type TalkMove } from '../src/speech/index.ts';

/** The tagger as the aggregator calls it: question detection on the same text first. */
function tag(teacher: string, student: string | null = null): TalkMove {
  return tagTalkMove(teacher, isQuestion(teacher, 'en'), student);
}

// One line per rule, in the coding manual's sense of each move (the lines are our own, not the
// manual's). Accuracy on the human-coded TalkMoves lessons is in speech-accuracy.test.ts.
describe('teacher talk moves', () => {
  it.each<[string, string | null, TalkMove]>([
    // Yes/no questions, tags and turn-giving keep everyone together; content questions press for accuracy.
    ['is twelve a multiple of four?', null, 'keepingTogether'],
    ['so that gives us ten, right?', null, 'keepingTogether'],
    ['Marcus?', null, 'keepingTogether'],
    ['okay go ahead Priya', null, 'keepingTogether'],
    ['turn and talk to your partner', null, 'keepingTogether'],
    ['does that make sense', null, 'keepingTogether'],
    ['what is seven times eight?', null, 'pressForAccuracy'],
    ['Marcus, what did you write for number three?', null, 'pressForAccuracy'],
    ['is it bigger or smaller than a half?', null, 'pressForAccuracy'],
    ['can you show me where a quarter goes on the line?', null, 'pressForAccuracy'],
    ['three times four is', null, 'pressForAccuracy'],
    // Reasons are pressed for in a question or a request, not when a reason is given.
    ['why does that work?', null, 'pressForReasoning'],
    ['please explain your thinking', null, 'pressForReasoning'],
    ["that's why we line up the decimals", null, 'none'],
    // Relating to a classmate's idea; the teacher's own agreement is not a prompt.
    ['do you agree with what she found?', null, 'gettingStudentsToRelate'],
    ["what do you think about Charlie's answer?", 'It is nine.', 'gettingStudentsToRelate'],
    ['is she right?', 'Twelve.', 'gettingStudentsToRelate'],
    ['what do you think?', 'Twelve.', 'pressForAccuracy'],
    // An instruction is not a turn given; a comprehension check keeps everyone together.
    ['go ahead and flip to the next page', null, 'none'],
    ['go ahead', 'Can I say it?', 'keepingTogether'],
    ['do you know what a factor is?', null, 'keepingTogether'],
    ['I agree with that', null, 'none'],
    // Repeating the student word for word restates; repeating and adding revoices.
    ['a rectangle', 'a rectangle', 'restating'],
    ['six', 'Six.', 'restating'],
    ['so you multiplied the denominator by two', 'I multiplied the denominator.', 'revoicing'],
    ['positive six', 'Six.', 'revoicing'],
    // Not coded: acknowledgements, evaluations, explanations.
    ['okay', null, 'none'],
    ['good job', null, 'none'],
    ['a fraction has a numerator and a denominator', null, 'none'],
    ['today we are going to learn about area', null, 'none'],
  ])('%s (after %s) -> %s', (teacher, student, expected) => {
    expect(tag(teacher, student)).toBe(expected);
  });
});
