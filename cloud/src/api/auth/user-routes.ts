import { Router, type Request } from 'express';
import { IDENTIFIER_PATTERN } from '@classroom/protocol';
import { hashPassword } from '../../broker/credentials.ts';
import { ROLES, type Role, type Store, type TeacherAssignment, type UserRow } from '../../store/types.ts';
import { ApiError, parseId } from '../http-errors.ts';
import { USERNAME } from './login-routes.ts';

/**
 * Admin-only user management (the policy table limits these to `admin`): create, list, change
 * role / school / disabled / password (each change bumps the token version, so the user's current
 * tokens stop working [fault 16]), and a teacher's classes.
 */
export const MIN_PASSWORD = 12;
const IDENT = new RegExp(IDENTIFIER_PATTERN);

export function publicUser(u: UserRow) {
  return {
    id: u.id,
    username: u.username,
    role: u.role,
    school: u.school,
    teacherCode: u.teacherCode,
    disabled: u.disabled,
  };
}

export interface NewUserInput {
  username: string;
  password: string;
  role: Role;
  school?: string | null;
  teacherCode?: string | null;
  assignments?: TeacherAssignment[];
}

/** Validates and stores a user (API, CLI, demo and tests share this). */
export async function addUser(store: Store, input: NewUserInput, nowMs = Date.now()): Promise<UserRow> {
  if (!USERNAME.test(input.username)) bad('username must be 1-64 letters, digits or _ . @ -');
  if (input.password.length < MIN_PASSWORD || input.password.length > 256)
    bad(`password must be ${MIN_PASSWORD}-256 characters`);
  if (!ROLES.includes(input.role)) bad(`role must be one of ${ROLES.join(', ')}`);
  const school = input.school ?? null;
  if (school !== null && !IDENT.test(school)) bad('school must be an identifier');
  if ((input.role === 'school_leader' || input.role === 'teacher') && school === null)
    bad('teachers and school leaders need a school');
  const teacherCode = input.teacherCode ?? null;
  if (teacherCode !== null && !IDENT.test(teacherCode)) bad('teacherCode must be an identifier');
  if (await store.getUserByName(input.username)) throw new ApiError(409, 'E_BAD_QUERY', 'username taken');
  const user = await store.createUser(
    {
      username: input.username,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      school,
      teacherCode,
    },
    nowMs,
  );
  for (const a of input.assignments ?? []) await store.addTeacherAssignment(user.id, assignment(a));
  return user;
}

export function userRoutes(store: Store, now: () => number): Router {
  const router = Router();

  router.get('/users', async (_req, res) => {
    res.json({ users: (await store.listUsers()).map(publicUser) });
  });

  router.post('/users', async (req, res) => {
    const b = body(req);
    const user = await addUser(
      store,
      {
        username: str(b['username'], 'username'),
        password: str(b['password'], 'password'),
        role: str(b['role'], 'role') as Role,
        school: optStr(b['school'], 'school'),
        teacherCode: optStr(b['teacherCode'], 'teacherCode'),
        assignments: Array.isArray(b['assignments']) ? (b['assignments'] as unknown[]).map(assignment) : [],
      },
      now(),
    );
    res.status(201).json({ user: publicUser(user) });
  });

  router.patch('/users/:userId', async (req, res) => {
    const id = parseId(req.params['userId']);
    const b = body(req);
    const role = b['role'] === undefined ? undefined : str(b['role'], 'role');
    if (role !== undefined && !ROLES.includes(role as Role)) bad(`role must be one of ${ROLES.join(', ')}`);
    if (b['disabled'] !== undefined && typeof b['disabled'] !== 'boolean')
      bad('disabled must be true or false');
    const password = b['password'] === undefined ? undefined : str(b['password'], 'password');
    if (password !== undefined && password.length < MIN_PASSWORD)
      bad(`password must be ${MIN_PASSWORD}+ characters`);
    const school = b['school'] === undefined ? undefined : optStr(b['school'], 'school');
    if (typeof school === 'string' && !IDENT.test(school)) bad('school must be an identifier');
    const user = await store.updateUser(
      id,
      {
        ...(role !== undefined ? { role: role as Role } : {}),
        ...(school !== undefined ? { school } : {}),
        ...(typeof b['disabled'] === 'boolean' ? { disabled: b['disabled'] } : {}),
        ...(password !== undefined ? { passwordHash: await hashPassword(password) } : {}),
      },
      now(),
    );
    if (!user) throw new ApiError(404, 'E_NOT_FOUND', 'no such user');
    res.json({ user: publicUser(user) });
  });

  router.post('/users/:userId/assignments', async (req, res) => {
    const id = parseId(req.params['userId']);
    const user = await store.getUser(id);
    if (!user) throw new ApiError(404, 'E_NOT_FOUND', 'no such user');
    await store.addTeacherAssignment(id, assignment(req.body));
    res.status(201).json({ assignments: await store.listTeacherAssignments(id) });
  });

  return router;
}

function bad(message: string): never {
  throw new ApiError(400, 'E_BAD_QUERY', message);
}

function body(req: Request): Record<string, unknown> {
  const b = req.body as unknown;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) bad('a JSON object body is required');
  return b as Record<string, unknown>;
}

function str(v: unknown, name: string): string {
  if (typeof v !== 'string' || v.length > 256) bad(`${name} must be a string`);
  return v;
}

function optStr(v: unknown, name: string): string | null {
  return v === undefined || v === null ? null : str(v, name);
}

function assignment(v: unknown): TeacherAssignment {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const school = str(o['school'], 'school');
  const classId = str(o['classId'], 'classId');
  const subject = o['subject'] === undefined ? '' : str(o['subject'], 'subject');
  if (!IDENT.test(school) || !IDENT.test(classId) || (subject !== '' && !IDENT.test(subject)))
    bad('assignment fields must be identifiers');
  return { school, classId, subject };
}
