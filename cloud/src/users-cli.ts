import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { addUser } from './api/auth/user-routes.ts';
import { SqliteStore } from './store/sqlite-store.ts';
import type { Role, TeacherAssignment } from './store/types.ts';

/**
 * `npx tsx cloud/src/users-cli.ts add --username NAME --role ROLE [--school S] [--teacher-code T]
 * [--class SCHOOL/CLASS ...] [--db PATH]`: the first admin (and any user) without the API. The
 * password is read from CLOUD_USER_PASSWORD, or generated and printed once.
 */
const USAGE = `Usage: npx tsx cloud/src/users-cli.ts add --username <name> --role <teacher|school_leader|researcher|district|admin>
  [--school <id>] [--teacher-code <code>] [--class <school>/<classId> ...] [--db var/cloud.sqlite]
  Password: $CLOUD_USER_PASSWORD, else a generated one is printed.`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      db: { type: 'string', default: 'var/cloud.sqlite' },
      username: { type: 'string' },
      role: { type: 'string' },
      school: { type: 'string' },
      'teacher-code': { type: 'string' },
      class: { type: 'string', multiple: true },
    },
  });
  if (positionals[0] !== 'add' || !values.username || !values.role) {
    console.error(USAGE);
    process.exit(2);
  }
  const assignments: TeacherAssignment[] = (values.class ?? []).map((c) => {
    const [school, classId] = c.split('/');
    if (!school || !classId) throw new Error(`--class must be school/classId, not ${c}`);
    return { school, classId, subject: '' };
  });
  const generated = process.env['CLOUD_USER_PASSWORD'] === undefined;
  const password = process.env['CLOUD_USER_PASSWORD'] ?? randomBytes(15).toString('base64url');
  const store = new SqliteStore(values.db);
  await store.open();
  try {
    const user = await addUser(store, {
      username: values.username,
      password,
      role: values.role as Role,
      school: values.school ?? null,
      teacherCode: values['teacher-code'] ?? null,
      assignments,
    });
    console.log(`added ${user.username} (${user.role})${generated ? `; password: ${password}` : ''}`);
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  console.error(`users: ${(err as Error).message}`);
  process.exit(1);
});
