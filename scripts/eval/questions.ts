/**
 * Question detection and teacher talk moves on a TalkMoves-style JSON Lines folder.
 *
 * Questions: each sentence of the human transcript that ends with a terminator is one case; the
 * label is "ends with '?'", and the detector sees the sentence with all punctuation removed (as
 * unpunctuated ASR would give it). Reported for all sentences and for teacher sentences, and at
 * utterance level (label: the utterance ends with '?').
 * Talk moves: the rule-based tagger on every teacher utterance with a teacher_move label.
 *
 *   npx tsx scripts/eval/questions.ts ../shared/data/transcripts/talkmoves
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyseQuestions, classifyQuestion, isQuestion } from '../../edge-agent/src/speech/question.ts';
import { tagTalkMove, TALK_MOVES, type TalkMove } from '../../edge-agent/src/speech/talk-moves.ts';
import { splitSentences, stripPunctuation, terminator } from '../../edge-agent/src/speech/text.ts';

interface Row {
  role: string;
  text: string | null;
  teacher_move: string | null;
}

class Counts {
  tp = 0;
  fp = 0;
  fn = 0;
  n = 0;
  add(pred: boolean, gold: boolean): void {
    this.n++;
    if (pred && gold) this.tp++;
    else if (pred) this.fp++;
    else if (gold) this.fn++;
  }
  report() {
    const p = this.tp / Math.max(1, this.tp + this.fp);
    const r = this.tp / Math.max(1, this.tp + this.fn);
    const r4 = (x: number) => Number(x.toFixed(4));
    return {
      n: this.n,
      questions: this.tp + this.fn,
      precision: r4(p),
      recall: r4(r),
      f1: r4(p + r > 0 ? (2 * p * r) / (p + r) : 0),
    };
  }
}

/** TalkMoves teacher_move strings ("8 - press for  accuracy", "3 - Getting SS to relate", "1") by their number. */
export function talkMoveLabel(raw: string | null): TalkMove | null {
  const m = /^\s*([1-9])/.exec(raw ?? '');
  return m ? TALK_MOVES[Number(m[1]) - 1]! : null;
}

interface Lesson {
  file: string;
  rows: Row[];
}

export function readFolder(folder: string, limitFiles?: number): Lesson[] {
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  return files.slice(0, limitFiles ?? files.length).map((file) => ({
    file,
    rows: readFileSync(path.join(folder, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim().length > 0)
      .map((l) => JSON.parse(l) as Row),
  }));
}

/**
 * The half a transcript falls in, by the parity of the first byte of the SHA-256 of its file
 * name: the talk-move rules were revised reading errors on the `design` half only, so `heldout`
 * shows how the revision carries over to transcripts whose errors were not read.
 */
export function talkMoveHalf(file: string): 'design' | 'heldout' {
  return createHash('sha256').update(file).digest()[0]! % 2 === 0 ? 'design' : 'heldout';
}

export function talkmoves(lessons: Row[][], options: { punctuated?: boolean } = {}) {
  const k = TALK_MOVES.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const rows of lessons) {
    let student: string | null = null;
    for (const r of rows) {
      const text = r.text ?? '';
      if (r.role === 'student') student = text;
      if (r.role !== 'teacher') continue;
      const gold = talkMoveLabel(r.teacher_move);
      // By default the tagger sees unpunctuated text, as from ASR without punctuation; with
      // `punctuated` it sees the transcribers' punctuation, as from ASR that punctuates well.
      const seen = options.punctuated ? text : stripPunctuation(text);
      const pred = tagTalkMove(
        seen,
        analyseQuestions(seen, 'en').questions > 0,
        student === null ? null : stripPunctuation(student),
      );
      student = null;
      if (gold) confusion[TALK_MOVES.indexOf(gold)]![TALK_MOVES.indexOf(pred)]! += 1;
    }
  }
  const perClassF1: Record<string, number> = {};
  const support: Record<string, number> = {};
  TALK_MOVES.forEach((name, c) => {
    const tp = confusion[c]![c]!;
    const fp = confusion.reduce((s, row) => s + row[c]!, 0) - tp;
    const fn = confusion[c]!.reduce((s, v) => s + v, 0) - tp;
    support[name] = tp + fn;
    perClassF1[name] = Number((tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn)).toFixed(4));
  });
  // Classes with fewer than 100 teacher labels ('marking', and 'context', which TalkMoves puts on
  // very few teacher rows) are left out of the macro average.
  const scored = TALK_MOVES.filter((m) => support[m]! >= 100);
  const macro = scored.reduce((s, m) => s + perClassF1[m]!, 0) / scored.length;
  const n = confusion.flat().reduce((a, b) => a + b, 0);
  const correct = confusion.reduce((s, row, i) => s + row[i]!, 0);
  return {
    utterances: n,
    accuracy: Number((correct / Math.max(1, n)).toFixed(4)),
    macroF1: Number(macro.toFixed(4)),
    macroF1Classes: scored,
    perClassF1,
    support,
    confusion: { rows: 'gold', columns: 'predicted', labels: TALK_MOVES, matrix: confusion },
  };
}

/**
 * A proxy check of the English higher-order rule, as TalkMoves codes no question types: teacher
 * questions (human '?') coded "press for reasoning" count as higher-order and those coded "press
 * for accuracy" as recall; the rule sees the question sentences without punctuation, and an
 * utterance is higher-order when any of them is.
 */
export function higherOrderProxy(lessons: Row[][]) {
  const counts = new Counts();
  for (const rows of lessons) {
    for (const r of rows) {
      const gold = r.role === 'teacher' ? talkMoveLabel(r.teacher_move) : null;
      if (gold !== 'pressForReasoning' && gold !== 'pressForAccuracy') continue;
      const questions = splitSentences(r.text ?? '').filter((s) => terminator(s) === 'question');
      if (questions.length === 0) continue;
      const pred = questions.some((s) => classifyQuestion(stripPunctuation(s), 'en').higherOrder);
      counts.add(pred, gold === 'pressForReasoning');
    }
  }
  return counts.report();
}

export async function run(target: string, options: { limitFiles?: number } = {}): Promise<object> {
  const started = Date.now();
  const lessons = readFolder(target, options.limitFiles);
  const transcripts = lessons.map((l) => l.rows);
  const all = new Counts();
  const teacher = new Counts();
  // Sentences of three words or more: without the bare "okay?", "right?", names and numbers,
  // which text alone cannot tell from statements (docs/accuracy.md).
  const longer = new Counts();
  const utterances = new Counts();
  const teacherUtterances = new Counts();
  for (const rows of transcripts) {
    for (const r of rows) {
      const text = r.text ?? '';
      for (const s of splitSentences(text)) {
        const end = terminator(s);
        if (end === null) continue;
        const pred = isQuestion(stripPunctuation(s), 'en');
        all.add(pred, end === 'question');
        if (r.role === 'teacher') teacher.add(pred, end === 'question');
        if (stripPunctuation(s).split(' ').length >= 3) longer.add(pred, end === 'question');
      }
      if (stripPunctuation(text).length === 0) continue;
      const pred = isQuestion(stripPunctuation(text), 'en');
      const gold = text.trim().endsWith('?');
      utterances.add(pred, gold);
      if (r.role === 'teacher') teacherUtterances.add(pred, gold);
    }
  }
  return {
    task: 'question detection (punctuation removed) and teacher talk moves',
    folder: path.basename(target),
    lessons: lessons.length,
    questions: {
      sentences: { all: all.report(), teacher: teacher.report(), threeWordsOrMore: longer.report() },
      utterances: { all: utterances.report(), teacher: teacherUtterances.report() },
    },
    talkmoves: talkmoves(transcripts),
    talkmovesPunctuated: (({ accuracy, macroF1, perClassF1 }) => ({ accuracy, macroF1, perClassF1 }))(
      talkmoves(transcripts, { punctuated: true }),
    ),
    talkmovesByHalf: Object.fromEntries(
      (['design', 'heldout'] as const).map((half) => {
        const part = lessons.filter((l) => talkMoveHalf(l.file) === half);
        const r = talkmoves(part.map((l) => l.rows));
        return [
          half,
          {
            lessons: part.length,
            utterances: r.utterances,
            accuracy: r.accuracy,
            macroF1: r.macroF1,
            perClassF1: r.perClassF1,
          },
        ];
      }),
    ),
    higherOrderProxy: higherOrderProxy(transcripts),
    seconds: (Date.now() - started) / 1000,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: npx tsx scripts/eval/questions.ts <talkmoves-style-folder>');
    process.exit(2);
  }
  console.log(JSON.stringify(await run(target), null, 2));
}
