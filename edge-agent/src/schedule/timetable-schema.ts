import { Type, type Static } from '@sinclair/typebox';
import { Subject } from '@classroom/protocol';

const HhMm = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'Local time, HH:MM.' });
const IsoDate = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
  description: 'Local date, YYYY-MM-DD.',
});
const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' });

export const Period = Type.Object(
  {
    id: Id,
    start: HhMm,
    /** An end earlier than the start means the period runs past midnight and belongs to its start day. */
    end: HhMm,
    /** ISO weekdays, 1 = Monday ... 7 = Sunday. */
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
      minItems: 1,
      maxItems: 7,
      uniqueItems: true,
    }),
    classId: Type.Optional(Id),
    subject: Type.Optional(Subject),
    grade: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })),
    /**
     * The school's pseudonymous staff code for the period's teacher (e.g. "T0412"), sent as
     * lesson/2's teacherId so teachers can follow their own lessons [PRIV-7]. Never a name [PRIV-2]:
     * the identifier pattern admits no spaces or non-ASCII characters.
     */
    teacherId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type Period = Static<typeof Period>;

/** The school's timetable: periods per weekday, holidays and make-up school days (调休). */
export const Timetable = Type.Object(
  {
    version: Type.Literal(1),
    /** IANA time zone of the school; Chinese schools run on Asia/Shanghai. */
    timezone: Type.String({ minLength: 1, maxLength: 64, default: 'Asia/Shanghai' }),
    periods: Type.Array(Period, { maxItems: 200 }),
    holidays: Type.Array(
      Type.Object({ from: IsoDate, to: IsoDate, name: Type.Optional(Id) }, { additionalProperties: false }),
      { maxItems: 200 },
    ),
    /** A weekend day that is a school day following another weekday's timetable (调休补课). */
    makeUpDays: Type.Array(
      Type.Object(
        { date: IsoDate, followsWeekday: Type.Integer({ minimum: 1, maximum: 7 }) },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);
export type Timetable = Static<typeof Timetable>;
