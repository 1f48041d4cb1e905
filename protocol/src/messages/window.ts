import { Type, type Static } from '@sinclair/typebox';
import { envelopeFields } from './envelope.ts';
import { Count, Identifier, Ratio, Seconds } from '../ids.ts';

/** Why a section of a window is missing: reports show "unavailable", never zero. */
export const UnavailableReason = Type.Union(
  [
    Type.Literal('not-implemented'),
    Type.Literal('disabled'),
    Type.Literal('no-source'),
    Type.Literal('no-model'),
    Type.Literal('model-mismatch'),
    Type.Literal('source-gap'),
    Type.Literal('too-few-people'),
    Type.Literal('error'),
  ],
  { description: 'Why a figure is null.' },
);
export type UnavailableReason = Static<typeof UnavailableReason>;

/** Student speech segment durations, binned so no per-utterance series leaves the device [PRIV-2]. */
export const STUDENT_TURN_BIN_EDGES_S = [2, 5, 15] as const;
/** Wait-time histogram bin edges in seconds: <1, 1-3, 3-5, 5-10, >=10 (Rowe's 3 s threshold is an edge). */
export const WAIT_TIME_BIN_EDGES_S = [1, 3, 5, 10] as const;

const Bins = (n: number, description: string) =>
  Type.Array(Count('count in bin'), { minItems: n, maxItems: n, description });

export const AudioRoles = Type.Object(
  {
    teacherS: Seconds('Seconds with only the teacher speaking.'),
    studentS: Seconds('Seconds with only students speaking.'),
    overlapS: Seconds('Seconds with teacher and students speaking at once.'),
    teacherToStudent: Count('Changes of speaker from teacher to student.'),
    studentToTeacher: Count('Changes of speaker from student to teacher.'),
    studentTurns: Count('Student speech segments starting in this window.'),
    studentTurnBins: Bins(
      STUDENT_TURN_BIN_EDGES_S.length + 1,
      'Student segment durations: <2, 2-5, 5-15, >=15 s.',
    ),
    longestTeacherS: Seconds('Longest uninterrupted teacher speech run ending in this window.'),
  },
  { additionalProperties: false },
);

export const AudioSection = Type.Object(
  {
    speechS: Seconds('Seconds of voice activity (any speaker).'),
    silenceS: Seconds('Seconds analysed without voice activity.'),
    levelDbfs: Type.Union([Type.Number({ minimum: -200, maximum: 0 }), Type.Null()], {
      description: 'Mean sound level, dBFS (RMS).',
    }),
    levelDba: Type.Union([Type.Number({ minimum: -200, maximum: 200 }), Type.Null()], {
      description: 'A-weighted level estimate, dB relative to full scale.',
    }),
    roles: Type.Union([AudioRoles, Type.Null()], {
      description: 'Speaker-role split; null when unavailable.',
    }),
  },
  { additionalProperties: false },
);

export const QUESTION_TYPES = ['open', 'closed', 'recall', 'higherOrder'] as const;

/**
 * The keys of `speech.categoryCounts`: a Chinese teacher utterance is counted under its DialogID
 * instruction type, an English one under its TalkMoves teacher talk move. The two lists share no
 * name, so a window may hold both (a bilingual lesson).
 *
 * DialogID categories in its label order 0-8 (0 commending, 1 guidance, 2 summarization,
 * 3 greeting, 4 note-taking, 5 repeating, 6 reviewing, 7 example-giving, 8 others).
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

/**
 * TalkMoves teacher categories (Suresh et al., TalkMoves coding manual) in its numbering 1-9;
 * `none` is an utterance with no talk move. `marking` and `context` are in the data set's
 * numbering but the device's rules never give them.
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

/**
 * Flanders Interaction Analysis Categories (Flanders, "Analyzing Teaching Behavior", 1970), in
 * FIAC order 1-10: the names on both sides of a `speech.transitions` key ("from>to"), coded by
 * the device and read back into a matrix by the cloud. Teacher talk 1-7: indirect influence 1-4
 * (accepts feeling, praises, uses students' ideas, asks questions), direct influence 5-7
 * (lectures, gives directions, criticises); student talk 8-9 (response, initiation); 10 silence
 * or confusion.
 */
export const FLANDERS_CATEGORIES = [
  'acceptFeeling',
  'praise',
  'usesIdeas',
  'question',
  'lecture',
  'directions',
  'criticism',
  'studentResponse',
  'studentInitiation',
  'silence',
] as const;
export type FlandersCategory = (typeof FLANDERS_CATEGORIES)[number];

export const SpeechSection = Type.Object(
  {
    teacherQuestions: Count('Questions asked by the teacher.'),
    studentQuestions: Count('Questions asked by students.'),
    questionTypes: Type.Object(
      Object.fromEntries(QUESTION_TYPES.map((t) => [t, Count(`Teacher questions of type ${t}.`)])),
      { additionalProperties: false },
    ),
    waitTime1Bins: Bins(
      WAIT_TIME_BIN_EDGES_S.length + 1,
      'Wait after a teacher question: <1, 1-3, 3-5, 5-10, >=10 s.',
    ),
    waitTime2Bins: Bins(
      WAIT_TIME_BIN_EDGES_S.length + 1,
      'Wait after a student answer: <1, 1-3, 3-5, 5-10, >=10 s.',
    ),
    categoryCounts: Type.Record(Type.String({ pattern: '^[a-z][a-zA-Z]{0,31}$' }), Count('utterances'), {
      description:
        'Teacher utterances per category: DialogID instruction types (Chinese) and TalkMoves talk moves (English), enum names only.',
    }),
    transitions: Type.Record(
      Type.String({ pattern: '^[a-z][a-zA-Z]{0,31}>[a-z][a-zA-Z]{0,31}$' }),
      Count('transitions'),
      {
        description: 'Flanders-style transition counts, key "from>to" over interaction categories.',
      },
    ),
    teacherWordsPerMin: Type.Union([Type.Number({ minimum: 0, maximum: 1000 }), Type.Null()]),
    asrSkippedSegments: Type.Optional(
      Count(
        'Speech segments starting in this window that ASR skipped because it fell behind real time (live lessons); the counts above leave them out. Absent: none skipped.',
      ),
    ),
  },
  { additionalProperties: false },
);

export const TeacherZone = Type.Union([
  Type.Literal('podium'),
  Type.Literal('board'),
  Type.Literal('aisle'),
  Type.Literal('back'),
]);

export const VisionSection = Type.Object(
  {
    framesAnalysed: Count('Frames analysed in this window.'),
    personsVisibleMean: Type.Number({ minimum: 0, maximum: 500, description: 'Mean students visible.' }),
    handsRaisedPeak: Type.Union([
      Count(
        "Peak hands raised (an estimate corrected for the rule's measured error rates where the device profile's vision.adjustedCounts is on, rounded).",
      ),
      Type.Null(),
    ]),
    handsRaisedMean: Type.Union([
      Type.Number({
        minimum: 0,
        maximum: 500,
        description: 'Mean hands raised per analysed frame (estimated as the peak).',
      }),
      Type.Null(),
    ]),
    standingPeak: Type.Union([Count('Peak students standing.'), Type.Null()]),
    headsUpRatio: Type.Union([
      Ratio(
        'Share of visible students with head up, facing the front (estimated as hands raised, where rates for the pose model exist).',
      ),
      Type.Null(),
    ]),
    teacherZoneS: Type.Union([
      Type.Object(
        { podium: Seconds('s'), board: Seconds('s'), aisle: Seconds('s'), back: Seconds('s') },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
    teacherMovedM: Type.Union([Type.Number({ minimum: 0, maximum: 10_000 }), Type.Null()]),
  },
  { additionalProperties: false },
);

export const WindowV1 = Type.Object(
  {
    schema: Type.Literal('window/1'),
    ...envelopeFields,
    lessonId: Identifier('Lesson this window belongs to.'),
    index: Count('Window index within the lesson, from 0.'),
    durationS: Type.Number({ exclusiveMinimum: 0, maximum: 3600, description: 'Nominal window length, s.' }),
    coverageS: Seconds(
      'Seconds of the window actually analysed; less than durationS where the source had a gap.',
    ),
    audio: Type.Union([AudioSection, Type.Null()]),
    speech: Type.Union([SpeechSection, Type.Null()]),
    vision: Type.Union([VisionSection, Type.Null()]),
    unavailable: Type.Object(
      {
        audio: Type.Optional(UnavailableReason),
        roles: Type.Optional(UnavailableReason),
        speech: Type.Optional(UnavailableReason),
        vision: Type.Optional(UnavailableReason),
      },
      { additionalProperties: false, description: 'Reason for each null section.' },
    ),
  },
  { additionalProperties: false, $id: 'window/1', description: 'Aggregates of one fixed time window.' },
);
export type WindowV1 = Static<typeof WindowV1>;
export type AudioSection = Static<typeof AudioSection>;
export type AudioRoles = Static<typeof AudioRoles>;
export type SpeechSection = Static<typeof SpeechSection>;
export type VisionSection = Static<typeof VisionSection>;
