import type { QUESTION_TYPES, SpeechSection } from '@classroom/protocol';
import { classifyInstruction } from './instruction.ts';
import { FLANDERS_INTERVAL_S, studentCode, teacherCode, type Flanders } from './flanders.ts';
import { analyseQuestions } from './question.ts';
import { tagTalkMove } from './talk-moves.ts';
import { detectLanguage, wordCount } from './text.ts';
import type { Language, Utterance } from './types.ts';
import { emptyBins, waitBin, waitEvent, type LastTurn } from './wait-time.ts';

export interface DiscourseOptions {
  /** Window length, s (the agent's window). */
  windowS: number;
  /** Language of the lesson; 'auto' decides per utterance from its script. Default 'auto'. */
  language?: Language | 'auto';
}

export interface ClosedSpeechWindow {
  index: number;
  speech: SpeechSection;
}

interface Tally {
  teacherQuestions: number;
  studentQuestions: number;
  questionTypes: Record<(typeof QUESTION_TYPES)[number], number>;
  waitTime1Bins: number[];
  waitTime2Bins: number[];
  categoryCounts: Record<string, number>;
  transitions: Record<string, number>;
  teacherWords: number;
  teacherS: number;
}

function emptyTally(): Tally {
  return {
    teacherQuestions: 0,
    studentQuestions: 0,
    questionTypes: { open: 0, closed: 0, recall: 0, higherOrder: 0 },
    waitTime1Bins: emptyBins(),
    waitTime2Bins: emptyBins(),
    categoryCounts: {},
    transitions: {},
    teacherWords: 0,
    teacherS: 0,
  };
}

/**
 * Turns utterances (text, role, times) into the protocol's `speech` section per fixed window.
 * Each utterance's text is read once inside `add` and never stored: only counts, enum keys and
 * times survive [PRIV-1]; the section carries class-level counts only [PRIV-2]. The one exception
 * is the last student utterance's text, kept in memory until the next teacher utterance so the
 * talk-move tagger can see a restatement; it is dropped at the latest when its window closes.
 *
 * Utterances must arrive in start order; each counts in the window where it starts, and a wait
 * counts in the window where the speech that ends it starts.
 */
export class DiscourseWindowAggregator {
  private index = 0;
  private tally = emptyTally();
  private last: LastTurn | null = null;
  private lastCode: Flanders | null = null;
  private lastEndS: number | null = null;
  private previousStudentText: string | null = null;

  constructor(private readonly options: DiscourseOptions) {
    if (!(options.windowS > 0)) throw new RangeError('windowS must be > 0');
  }

  /** Adds one utterance; returns the windows that closed before it started. */
  add(u: Utterance): ClosedSpeechWindow[] {
    const closed = this.closeUntil(u.startS);
    this.observe(u);
    return closed;
  }

  /**
   * The audio stopped here (a live source gap): what was said during the gap is unknown, so the
   * next utterance ends no wait, codes no silence and makes no transition from before the gap.
   */
  sourceGap(): void {
    this.last = null;
    this.lastCode = null;
    this.lastEndS = null;
    this.previousStudentText = null;
  }

  /** Closes every window that ends at or before `tS` (s from the lesson start). */
  closeUntil(tS: number): ClosedSpeechWindow[] {
    const out: ClosedSpeechWindow[] = [];
    while ((this.index + 1) * this.options.windowS <= tS) out.push(this.close());
    return out;
  }

  /** Closes the current (possibly partial) window, e.g. at the end of the lesson. */
  finish(): ClosedSpeechWindow {
    return this.close();
  }

  private close(): ClosedSpeechWindow {
    const t = this.tally;
    const speech: SpeechSection = {
      teacherQuestions: t.teacherQuestions,
      studentQuestions: t.studentQuestions,
      questionTypes: { ...t.questionTypes },
      waitTime1Bins: t.waitTime1Bins,
      waitTime2Bins: t.waitTime2Bins,
      categoryCounts: t.categoryCounts,
      transitions: t.transitions,
      teacherWordsPerMin:
        t.teacherS > 0 ? Math.min(1000, Math.round((t.teacherWords / t.teacherS) * 600) / 10) : null,
    };
    this.tally = emptyTally();
    this.previousStudentText = null; // text never outlives its window [PRIV-1]
    return { index: this.index++, speech };
  }

  private code(c: Flanders, n = 1): void {
    for (let i = 0; i < n; i++) {
      if (this.lastCode !== null) {
        const key = `${this.lastCode}>${c}`;
        this.tally.transitions[key] = (this.tally.transitions[key] ?? 0) + 1;
      }
      this.lastCode = c;
    }
  }

  private observe(u: Utterance): void {
    const t = this.tally;
    const durationS = Math.max(0, u.endS - u.startS);
    if (this.lastEndS !== null) {
      const silences = Math.floor((u.startS - this.lastEndS) / FLANDERS_INTERVAL_S);
      if (silences > 0 && u.role !== 'unknown') this.code('silence', silences);
    }
    this.lastEndS = Math.max(this.lastEndS ?? 0, u.endS);

    if (u.role === 'unknown') {
      // Speech by someone unattributed still ends wait time 1; it is not coded.
      const wait = waitEvent(this.last, { role: 'student', startS: u.startS });
      if (wait?.kind === 'wait1') t.waitTime1Bins[waitBin(wait.waitS)]! += 1;
      this.last = null;
      return;
    }
    const wait = waitEvent(this.last, { role: u.role, startS: u.startS });
    if (wait) (wait.kind === 'wait1' ? t.waitTime1Bins : t.waitTime2Bins)[waitBin(wait.waitS)]! += 1;

    const lang =
      this.options.language && this.options.language !== 'auto'
        ? this.options.language
        : detectLanguage(u.text);
    const q = analyseQuestions(u.text, lang);
    const codes = Math.max(1, Math.round(durationS / FLANDERS_INTERVAL_S));
    if (u.role === 'teacher') {
      t.teacherQuestions += q.questions;
      for (const type of q.types) {
        t.questionTypes[type.open ? 'open' : 'closed'] += 1;
        t.questionTypes[type.higherOrder ? 'higherOrder' : 'recall'] += 1;
      }
      const category =
        lang === 'zh'
          ? classifyInstruction(u.text)
          : tagTalkMove(u.text, q.questions > 0, this.previousStudentText);
      t.categoryCounts[category] = (t.categoryCounts[category] ?? 0) + 1;
      t.teacherWords += wordCount(u.text);
      t.teacherS += durationS;
      if (q.endsWithQuestion) {
        this.code(teacherCode(u.text, lang, false, category), codes - 1);
        this.code('question');
      } else {
        this.code(teacherCode(u.text, lang, q.questions > 0 && codes === 1, category), codes);
      }
      this.previousStudentText = null;
      this.last = { role: 'teacher', endS: u.endS, awaits: q.endsWithQuestion ? 'wait1' : null };
    } else {
      t.studentQuestions += q.questions;
      this.code(studentCode(q.questions > 0, this.lastCode), codes);
      this.previousStudentText = u.text;
      this.last = { role: 'student', endS: u.endS, awaits: q.endsWithQuestion ? null : 'wait2' };
    }
  }
}
