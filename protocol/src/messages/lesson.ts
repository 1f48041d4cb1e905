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

export const LessonV1 = Type.Object(
  {
    schema: Type.Literal('lesson/1'),
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
  },
  {
    additionalProperties: false,
    $id: 'lesson/1',
    description:
      'Lesson boundary: start, and end with the number of windows so the cloud can tell a complete lesson.',
  },
);
export type LessonV1 = Static<typeof LessonV1>;
