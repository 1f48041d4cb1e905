import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as runInstructions } from '../../scripts/eval/instructions.ts';
import { run as runQuestions } from '../../scripts/eval/questions.ts';
import { run as runQuestionsZh } from '../../scripts/eval/questions-zh.ts';
import { analyseQuestions, classifyInstruction, isQuestion } from '../src/speech/index.ts';

const DATA = path.resolve(import.meta.dirname, '../../../shared/data/transcripts');

// Floors sit a little below the figures measured on these fixed subsets (docs/accuracy.md has
// the whole-set figures): first 40 TalkMoves lessons, first 2,000 DialogID dev rows.
describe('discourse accuracy floors', () => {
  it('question detection on TalkMoves, punctuation removed (40 lessons)', async () => {
    const r = (await runQuestions(path.join(DATA, 'talkmoves'), { limitFiles: 40 })) as {
      questions: { sentences: { all: { f1: number; precision: number }; teacher: { f1: number } } };
      talkmoves: { macroF1: number; accuracy: number };
      talkmovesByHalf: Record<'design' | 'heldout', { lessons: number; macroF1: number }>;
    };
    expect(r.questions.sentences.all.f1).toBeGreaterThanOrEqual(0.71); // measured 0.736
    expect(r.questions.sentences.all.precision).toBeGreaterThanOrEqual(0.81); // measured 0.839
    expect(r.questions.sentences.teacher.f1).toBeGreaterThanOrEqual(0.72); // measured 0.748
    // Talk-move rules revised on 2026-12-02 reading errors on the design half only: 0.412 -> 0.611
    // on these 40 lessons (whole set 0.456 -> 0.656; its held-out half 0.451 -> 0.643, with the
    // changes of 2026-12-03).
    expect(r.talkmoves.macroF1).toBeGreaterThanOrEqual(0.59); // measured 0.612
    expect(r.talkmoves.accuracy).toBeGreaterThanOrEqual(0.73); // measured 0.751
    expect(r.talkmovesByHalf.heldout.lessons).toBe(24);
    expect(r.talkmovesByHalf.heldout.macroF1).toBeGreaterThanOrEqual(0.59); // measured 0.617
  });

  it('DialogID instruction types on dev (2,000 rows; never trained on)', async () => {
    const r = (await runInstructions(path.join(DATA, 'dialogid-zh/dev.csv'), { limit: 2000 })) as {
      accuracy: number;
      macroF1: number;
    };
    expect(r.accuracy).toBeGreaterThanOrEqual(0.78); // measured 0.801
    expect(r.macroF1).toBeGreaterThanOrEqual(0.77); // measured 0.790
  });

  it('Chinese question detection against the developer-labelled DialogID dev sentences', async () => {
    type S = { precision: number; recall: number; f1: number; sentences: number };
    const r = (await runQuestionsZh(path.join(DATA, 'dialogid-zh/dev.csv'))) as {
      asrMark: S;
      labelled: Record<'design' | 'heldout' | 'heldout2' | 'heldout3' | 'all', S>;
    };
    expect([
      r.labelled.design.sentences,
      r.labelled.heldout.sentences,
      r.labelled.heldout2.sentences,
      r.labelled.heldout3.sentences,
    ]).toEqual([500, 300, 300, 300]);
    // Each held-out set was labelled before the cue change checked on it: heldout 0.769 -> 0.802
    // (吗/吧), heldout2 0.785 -> 0.809 (wh-word last); the repeated-denial fix, read off heldout2's
    // errors: 0.814 and 0.821; then request objects, any A-not-A and mid-sentence tags, read off the
    // first three sets: 0.850 / 0.864, and heldout3, labelled before it: 0.821 -> 0.841.
    expect(r.labelled.heldout.f1).toBeGreaterThanOrEqual(0.83);
    expect(r.labelled.heldout2.f1).toBeGreaterThanOrEqual(0.84);
    expect(r.labelled.heldout3.f1).toBeGreaterThanOrEqual(0.82);
    expect(r.labelled.design.f1).toBeGreaterThanOrEqual(0.87); // measured 0.889
    expect(r.asrMark.f1).toBeGreaterThanOrEqual(0.67); // measured 0.684 (was 0.639)
  });

  it('Chinese question types against the developer-labelled DialogID dev questions', async () => {
    type S = { f1: number; sentences: number };
    const r = (await runQuestionsZh(path.join(DATA, 'dialogid-zh/dev.csv'))) as {
      types: Record<'design' | 'heldout', { open: S; higherOrder: S }>;
    };
    expect(r.types.heldout.open.sentences).toBe(99);
    // heldout labelled before the type cues were changed: open 0.571 -> 0.783, higher 0.444 -> 0.696
    expect(r.types.heldout.open.f1).toBeGreaterThanOrEqual(0.75);
    expect(r.types.heldout.higherOrder.f1).toBeGreaterThanOrEqual(0.65);
    expect(r.types.design.open.f1).toBeGreaterThanOrEqual(0.75); // measured 0.780
    expect(r.types.design.higherOrder.f1).toBeGreaterThanOrEqual(0.72); // measured 0.755
  });

  it('committed weights stay small (< 1 MB together)', () => {
    const dir = path.resolve(import.meta.dirname, '../src/speech/models');
    const bytes = ['instruction-zh', 'question-zh', 'question-en'].reduce(
      (s, n) => s + statSync(path.join(dir, `${n}.json`)).size,
      0,
    );
    expect(bytes).toBeLessThan(1_000_000);
  });
});

describe('question cues', () => {
  it.each([
    ['这个是不是等于三', true],
    ['你们同意吗', true],
    ['为什么要通分', true],
    ['有没有不同的方法', true],
    ['请同学们打开书本', false],
    // 吗 asks wherever it stands once punctuation is gone; sentence-final 吧 asks only as a tag
    ['那你能说一下这道题怎么做吗我听一下', true],
    ['这个好理解吧', true],
    ['这个没有问题吧', true],
    ['你给我讲吧', false],
    ['我们先休息五分钟喝口水吧', false],
    ['好吧', false],
    ['你干吗去了', true],
    ['那角acby和谁相等', true],
    ['我们从什么时候开始上这个课', false],
    ['没有没有没有这个是复习用的', false],
    ['吗啡是一种药', false],
    // any A-not-A, 么 for 吗, 没 left open at the end, tags mid-sentence
    ['你们还记不记得上节课的公式', true],
    ['这个单词写对了么我们往下看', true],
    ['大家都看到没', true],
    ['这一步清楚吧我们接着往下做', true],
    // a wh-word or A-not-A that is the object of a request is no question, unless one ends it
    ['你说一下为什么选c', false],
    ['我们来看一下这是什么样的图形', false],
    ['看看还有没有别的答案', false],
    ['你说一下为什么选c好不好', true],
    ['你看这个是不是等于三', true],
    ['do you agree with her', true],
    ['can you explain how you got that', true],
    ['what is seven times eight', true],
    ['you divided both sides by two right', true],
    ['this one looks bigger doesn’t it', true],
    ['so then how many are left over', true],
    ["oh that's okay", false],
    ['yes you are right', false],
    ["that's a nice way to do it", false],
    ['open your books to page twelve', false],
  ] as const)('%s → %s', (text, expected) => {
    expect(isQuestion(text)).toBe(expected);
  });

  it('types: why/how-do-you-know questions are open and higher-order; yes/no ones closed recall', () => {
    expect(analyseQuestions('Why does that work?').types).toEqual([{ open: true, higherOrder: true }]);
    expect(analyseQuestions('Is it eight?').types).toEqual([{ open: false, higherOrder: false }]);
    expect(analyseQuestions('你是怎么想的？').types).toEqual([{ open: true, higherOrder: true }]);
    expect(analyseQuestions('三加四等于几？').types).toEqual([{ open: false, higherOrder: false }]);
    // A conditional or a comparison word inside a yes/no question does not make it higher-order
    expect(analyseQuestions('如果我稀释的话是不是一样？').types).toEqual([
      { open: false, higherOrder: false },
    ]);
    expect(analyseQuestions('这两种方法有什么区别？').types).toEqual([{ open: true, higherOrder: true }]);
    expect(analyseQuestions('这个除数要怎么求？').types).toEqual([{ open: true, higherOrder: true }]);
    expect(analyseQuestions('这个人大概是一个什么样的？').types).toEqual([
      { open: true, higherOrder: false },
    ]);
  });

  it('instruction types: a clear commendation and a clear note-taking instruction', () => {
    expect(classifyInstruction('非常好，你真棒')).toBe('commending');
    expect(classifyInstruction('把这个记到笔记本上')).toBe('noteTaking');
  });
});
