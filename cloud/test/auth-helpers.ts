import { addUser } from '../src/api/auth/user-routes.ts';
import type { Role, Store } from '../src/store/types.ts';

/** Test users, one per role (and a second teacher and leader for IDOR checks). */
export const PASSWORD = 'correct-horse-battery';

export interface TestUser {
  username: string;
  role: Role;
  school: string | null;
  classes?: string[];
  teacherCode?: string;
}

export const TEST_USERS: readonly TestUser[] = [
  { username: 'teacher-a', role: 'teacher', school: 'sch-001', classes: ['c7-2'], teacherCode: 'T-A' },
  { username: 'teacher-b', role: 'teacher', school: 'sch-001', classes: ['c9-9'], teacherCode: 'T-B' },
  { username: 'leader', role: 'school_leader', school: 'sch-001' },
  { username: 'leader-2', role: 'school_leader', school: 'sch-002' },
  { username: 'researcher', role: 'researcher', school: null },
  { username: 'district', role: 'district', school: null },
  { username: 'admin', role: 'admin', school: null },
];

export async function seedUsers(store: Store, users: readonly TestUser[] = TEST_USERS): Promise<void> {
  for (const u of users) {
    if (await store.getUserByName(u.username)) continue;
    await addUser(store, {
      username: u.username,
      password: PASSWORD,
      role: u.role,
      school: u.school,
      teacherCode: u.teacherCode ?? null,
      assignments: (u.classes ?? []).map((classId) => ({ school: u.school!, classId, subject: '' })),
    });
  }
}

/** Signs in over HTTP and returns the bearer token. */
export async function login(base: string, username: string, password = PASSWORD): Promise<string> {
  const res = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username}: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
