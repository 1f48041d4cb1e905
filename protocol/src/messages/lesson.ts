import { Type, type Static } from '@sinclair/typebox';
import { envelopeFields } from './envelope.ts';
import { Count, Identifier } from '../ids.ts';

export const SUBJECTS = [
  'chinese',
  'math',
  'english',
  'physics',
  'chemistry',
  'biology',
  'history',
  'geography',
  'politics',
  'science',
  'music',
  'art',
  'pe',
  'it',
  'other',
] as const;

export const Subject = Type.Union(
  SUBJECTS.map((s) => Type.Literal(s)),
  { description: 'Subject code from the timetable.' },
);

/** Where a lesson's input came from: a recorded file, a live source, or the timetable. */
export const LessonSource = Type.Union([Type.Literal('file'), Type.Literal('live')]);

/** The fields lesson/1 and lesson/2 share (everything but `schema` and v2's `teacherId`). */
const lessonFields = {
  ...envelopeFields,
  event: Type.Union([Type.Literal('start'), Type.Literal('end')]),
  lessonId: Identifier('Lesson id, unique per device.'),
  classId: Type.Union([Identifier('Class (group of students) code from the timetable.'), Type.Null()]),
  subject: Type.Union([Subject, Type.Null()]),
  grade: Type.Union([Type.Integer({ minimum: 1, maximum: 12 }), Type.Null()]),
  source: LessonSource,
  windowS: Type.Number({ exclusiveMinimum: 0, maximum: 3600, description: 'Window length, s.' }),
  windowCount: Type.Union([
    Count('Windows the device produced for the lesson (end event only).'),
    Type.Null(),
  ]),
  endReason: Type.Union([
    Type.Literal('complete'),
    Type.Literal('stopped'),
    Type.Literal('source-error'),
    Type.Literal('timetable'),
    Type.Null(),
  ]),
};

/** The previous lesson version: still accepted by the cloud (STYLE 3), no longer sent by the agent. */
export const LessonV1 = Type.Object(
  { schema: Type.Literal('lesson/1'), ...lessonFields },
  {
    additionalProperties: false,
    $id: 'lesson/1',
    description:
      'Lesson boundary: start, and end with the number of windows so the cloud can tell a complete lesson.',
  },
);
export type LessonV1 = Static<typeof LessonV1>;

/**
 * lesson/2 = lesson/1 + `teacherId`, so a teacher can follow their own lessons over time [PRIV-7].
 * The id is the school's pseudonymous staff code from the timetable (e.g. `T0412`), never a name
 * [PRIV-2]: the identifier pattern leaves no room for spaces or non-ASCII text.
 */
export const LessonV2 = Type.Object(
  {
    schema: Type.Literal('lesson/2'),
    ...lessonFields,
    teacherId: Type.Union([
      Identifier(
        "Teacher's pseudonymous staff code from the school's timetable, never a name [PRIV-2]; null when the period names none.",
      ),
      Type.Null(),
    ]),
  },
  {
    additionalProperties: false,
    $id: 'lesson/2',
    description:
      "Lesson boundary as lesson/1, plus the teacher's pseudonymous staff code from the timetable (or null).",
  },
);
export type LessonV2 = Static<typeof LessonV2>;

/** Any lesson version the cloud accepts. */
export type LessonMessage = LessonV1 | LessonV2;
