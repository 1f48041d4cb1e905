import type { Request, Response } from 'express';
import { IDENTIFIER_PATTERN } from '@classroom/protocol';
import { MIN_COHORT_LESSONS } from '../../diagnostics/cohort.ts';
import type { LessonRow, Store, TeacherAssignment, TeacherRef } from '../../store/types.ts';
import { ApiError, parseId } from '../http-errors.ts';
import { lessonListParam } from '../query-params.ts';
import type { Principal } from './auth.ts';
import type { Scope } from './policy.ts';

/**
 * The scope half of the policy: after the role check, what this principal may see of this route.
 * The result, a View, is left in res.locals for the handler, which must narrow its query by it;
 * a handler that finds no View fails closed (500), never open.
 */
export interface View {
  principal: Principal;
  /** Only this school's lessons (school leaders). */
  school?: string;
  /** Only this teacher's lessons (teachers). */
  teacher?: TeacherRef;
  /** Researchers and district: pseudonyms, coarse periods, k-anonymity on teachers too [PRIV-4]. */
  deidentify: boolean;
  /** Minimum distinct teachers behind a shown figure; 0 = not applied. */
  minTeachers: number;
  /** Refuse a query whose lesson set differs from an earlier one by fewer than k lessons [fault 15]. */
  differencing: boolean;
}

const IDENT = new RegExp(IDENTIFIER_PATTERN);

export type ScopeResult = { ok: true; view: View } | { ok: false; reason: string };

const VIEW_KEY = 'accessView';

export function setView(res: Response, view: View): void {
  res.locals[VIEW_KEY] = view;
}

export function viewOf(res: Response): View {
  const v = res.locals[VIEW_KEY] as View | undefined;
  if (!v) throw new Error('no access view: the route is missing from the access policy');
  return v;
}

export function teacherRef(p: Principal): TeacherRef {
  return { userId: p.user.id, teacherCode: p.user.teacherCode };
}

/** Whether a teacher taught this lesson: by teacherId when the lesson has one, else by class. */
export function teaches(p: Principal, assignments: readonly TeacherAssignment[], l: LessonRow): boolean {
  if (l.teacherId !== null) return p.user.teacherCode !== null && l.teacherId === p.user.teacherCode;
  return assignments.some(
    (a) => a.school === l.school && a.classId === l.classId && (a.subject === '' || a.subject === l.subject),
  );
}

export async function canSeeLesson(store: Store, p: Principal, l: LessonRow): Promise<boolean> {
  if (p.role === 'school_leader') return p.user.school !== null && l.school === p.user.school;
  if (p.role === 'teacher') return teaches(p, await store.listTeacherAssignments(p.user.id), l);
  return false; // researchers, district and admin never see a single lesson [PRIV-9, fault 15]
}

function dec(s: string | undefined): string {
  try {
    return decodeURIComponent(s ?? '');
  } catch {
    return '';
  }
}

const base = (p: Principal): View => ({
  principal: p,
  deidentify: false,
  minTeachers: 0,
  differencing: false,
});

/** Runs the row's scope check. Malformed ids fall through to the handler, which answers 400. */
export async function checkScope(
  store: Store,
  scope: Scope | undefined,
  p: Principal,
  req: Request,
  params: Record<string, string>,
): Promise<ScopeResult> {
  const view = base(p);
  const deny = (reason: string): ScopeResult => ({ ok: false, reason });
  const own = (): ScopeResult => {
    if (p.role === 'school_leader') {
      if (p.user.school === null) return deny('school leader without a school');
      return { ok: true, view: { ...view, school: p.user.school } };
    }
    if (p.role === 'teacher') return { ok: true, view: { ...view, teacher: teacherRef(p) } };
    return { ok: true, view };
  };
  switch (scope) {
    case undefined:
      return { ok: true, view };
    case 'list':
      return own();
    case 'lesson': {
      let id: number;
      try {
        id = parseId(decodeURIComponent(params['id'] ?? ''));
      } catch {
        return own(); // the handler answers 400
      }
      const lesson = await store.getLesson(id);
      if (!lesson) return own(); // the handler answers 404
      return (await canSeeLesson(store, p, lesson)) ? own() : deny(`lesson ${id} is not the caller's`);
    }
    case 'compare': {
      if (p.role === 'researcher') return { ok: true, view: { ...view, deidentify: true } };
      let ids: number[];
      try {
        ids = lessonListParam(req.query as Record<string, unknown>);
      } catch {
        return own();
      }
      for (const id of ids) {
        const lesson = await store.getLesson(id);
        if (lesson && !(await canSeeLesson(store, p, lesson)))
          return deny(`lesson ${id} is not the caller's`);
      }
      return own();
    }
    case 'cohort':
    case 'export': {
      if (p.role === 'school_leader') {
        const asked = req.query['school'];
        // A malformed value is the handler's 400; a well-formed other school is refused here.
        if (typeof asked === 'string' && IDENT.test(asked) && asked !== p.user.school)
          return deny('another school');
        return own();
      }
      // researcher, district: de-identified, k lessons and k teachers, no differencing [PRIV-3, PRIV-4]
      return {
        ok: true,
        view: { ...view, deidentify: true, minTeachers: MIN_COHORT_LESSONS, differencing: true },
      };
    }
    case 'class': {
      if (p.role !== 'teacher') return own();
      const classId = dec(params['classId']);
      const mine = (await store.listTeacherAssignments(p.user.id)).filter((a) => a.classId === classId);
      const first = mine[0];
      if (!first) return deny(`class ${classId.slice(0, 40)} is not the caller's`);
      return { ok: true, view: { ...view, school: first.school, teacher: teacherRef(p) } };
    }
    case 'teacher': {
      if (p.role !== 'teacher') return own();
      const code = dec(params['teacherId']);
      if (p.user.teacherCode === null || code !== p.user.teacherCode) return deny('another teacher');
      return own();
    }
  }
}

/** A 403 for handlers that find, after validation, that the view does not cover the request. */
export function forbidden(message: string): ApiError {
  return new ApiError(403, 'E_FORBIDDEN', message);
}
