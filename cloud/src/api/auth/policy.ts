import type { Role } from '../../store/types.ts';

/**
 * THE access policy [PRIV-9]: every route the server answers, who may call it, and which scope
 * check narrows it. Applied once, in access-control.ts, before any router runs; a path not listed
 * here is answered 404 without reaching a handler (default deny), so a route added without a row
 * is unreachable rather than open.
 */
export type Who = 'public' | 'signed-in' | readonly Role[];

/**
 * Scope checks (scope.ts): lesson = one lesson the principal may see (teacher: own; leader: own
 * school); list = the lesson list narrowed the same way; compare = every listed lesson visible
 * (researchers: pseudonymised); cohort/export = the leader's own school, or de-identified with
 * k-anonymity and differencing checks for researchers and district; class/teacher = own class or
 * own staff code for teachers, own school for leaders.
 */
export type Scope = 'lesson' | 'list' | 'compare' | 'cohort' | 'export' | 'class' | 'teacher';

export interface PolicyRow {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Express-style: `:name` is one path segment; a trailing `/*` matches anything below. */
  path: string;
  who: Who;
  scope?: Scope;
  /** A read of lesson data: every call, allowed or denied, is audit-logged [PRIV-9]. */
  audit?: true;
}

const TEACHING: readonly Role[] = ['teacher', 'school_leader'];
const ADMIN: readonly Role[] = ['admin'];

export const POLICY: readonly PolicyRow[] = [
  // Operations, no personal data: health for load balancers, counters for Prometheus.
  { method: 'GET', path: '/api/health', who: 'public' },
  { method: 'GET', path: '/metrics', who: 'public' },
  // Sessions.
  { method: 'POST', path: '/api/login', who: 'public' },
  { method: 'POST', path: '/api/logout', who: 'signed-in' },
  { method: 'GET', path: '/api/me', who: 'signed-in' },
  // Lesson data: teachers their own, school leaders their school [PRIV-7, PRIV-9, fault 14].
  { method: 'GET', path: '/api/lessons', who: TEACHING, scope: 'list', audit: true },
  { method: 'GET', path: '/api/lessons/:id', who: TEACHING, scope: 'lesson', audit: true },
  { method: 'GET', path: '/api/lessons/:id/windows', who: TEACHING, scope: 'lesson', audit: true },
  { method: 'GET', path: '/api/lessons/:id/report', who: TEACHING, scope: 'lesson', audit: true },
  { method: 'GET', path: '/api/lessons/:id/percentiles', who: TEACHING, scope: 'lesson', audit: true },
  { method: 'GET', path: '/api/classes/:classId/trend', who: TEACHING, scope: 'class', audit: true },
  { method: 'GET', path: '/api/teachers/:teacherId/trend', who: TEACHING, scope: 'teacher', audit: true },
  // Comparisons and cohorts: researchers de-identified [PRIV-4], district rolled up only.
  {
    method: 'GET',
    path: '/api/compare',
    who: ['teacher', 'school_leader', 'researcher'],
    scope: 'compare',
    audit: true,
  },
  {
    method: 'GET',
    path: '/api/cohort',
    who: ['school_leader', 'researcher', 'district'],
    scope: 'cohort',
    audit: true,
  },
  {
    method: 'GET',
    path: '/api/export.csv',
    who: ['school_leader', 'researcher'],
    scope: 'export',
    audit: true,
  },
  {
    method: 'GET',
    path: '/api/export.json',
    who: ['school_leader', 'researcher'],
    scope: 'export',
    audit: true,
  },
  // IT / admin: devices, enrolment, users, audit, retention; never lesson content [PRIV-9].
  { method: 'GET', path: '/api/devices', who: ADMIN },
  { method: 'GET', path: '/api/devices/:deviceId', who: ADMIN },
  { method: 'PUT', path: '/api/devices/:deviceId/config', who: ADMIN },
  { method: 'POST', path: '/api/devices/:deviceId/revoke', who: ADMIN },
  { method: 'POST', path: '/api/enrolment-tokens', who: ADMIN },
  // A device enrols with a one-time token (the token is the credential; device-routes.ts checks it).
  { method: 'POST', path: '/api/enrol', who: 'public' },
  { method: 'GET', path: '/api/users', who: ADMIN },
  { method: 'POST', path: '/api/users', who: ADMIN },
  { method: 'PATCH', path: '/api/users/:userId', who: ADMIN },
  { method: 'POST', path: '/api/users/:userId/assignments', who: ADMIN },
  { method: 'GET', path: '/api/audit', who: ADMIN },
  { method: 'GET', path: '/api/retention/:school', who: ADMIN },
  { method: 'PUT', path: '/api/retention/:school', who: ADMIN },
  { method: 'POST', path: '/api/retention/run', who: ADMIN },
  { method: 'POST', path: '/api/erasure', who: ADMIN },
  // Web pages and static files: shells without data; their API calls go through the rows above.
  { method: 'GET', path: '/', who: 'public' },
  { method: 'GET', path: '/login', who: 'public' },
  { method: 'GET', path: '/lessons/:id', who: 'public' },
  // Web UI shells (issue #9): research, fleet and device pages; their data comes through the API rows.
  { method: 'GET', path: '/cohort', who: 'public' },
  { method: 'GET', path: '/fleet', who: 'public' },
  { method: 'GET', path: '/fleet/:deviceId', who: 'public' },
  { method: 'GET', path: '/static/*', who: 'public' },
];

export interface PolicyMatch {
  row: PolicyRow;
  params: Record<string, string>;
}

function compile(path: string): RegExp {
  const parts = path.split('/').map((seg) => {
    if (seg === '*') return '.*';
    if (seg.startsWith(':')) return `(?<${seg.slice(1)}>[^/]+)`;
    return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('/')}/?$`);
}

const COMPILED = POLICY.map((row) => ({ row, re: compile(row.path) }));

/** The row for a request; HEAD is checked as GET. Undefined: not a route (default deny). */
export function matchPolicy(method: string, path: string): PolicyMatch | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  for (const { row, re } of COMPILED) {
    if (row.method !== m) continue;
    const hit = re.exec(path);
    if (hit) return { row, params: { ...hit.groups } };
  }
  return undefined;
}
