import { Router, type Request } from 'express';
import { IDENTIFIER_PATTERN } from '@classroom/protocol';
import { policyFor, runRetention } from '../retention/retention.ts';
import type { AuditOutcome, Store } from '../store/types.ts';
import { principalOf } from './auth/access-control.ts';
import { ApiError, parseIntParam } from './http-errors.ts';
import { identifierParam, onlyKnown } from './query-params.ts';

/**
 * Admin-only (see policy.ts): the audit log, retention policies and runs, and deletion of a
 * teacher's or a class's data on request [PRIV-8, PRIV-9]. None of these returns lesson content.
 */
const IDENT = new RegExp(IDENTIFIER_PATTERN);
const OUTCOMES: readonly AuditOutcome[] = ['allowed', 'denied', 'error', 'system'];

export function adminRoutes(store: Store, now: () => number): Router {
  const router = Router();

  router.get('/audit', async (req, res) => {
    onlyKnown(req.query, ['limit', 'offset', 'username', 'outcome']);
    const limit = parseIntParam(req.query['limit'], 'limit', 100, 1, 1000);
    const offset = parseIntParam(req.query['offset'], 'offset', 0, 0, 1_000_000_000);
    const username = identifierParam(req.query, 'username');
    const outcome = req.query['outcome'];
    if (outcome !== undefined && !OUTCOMES.includes(outcome as AuditOutcome)) bad('unknown outcome');
    const entries = await store.listAudit({
      limit,
      offset,
      ...(username !== undefined ? { username } : {}),
      ...(outcome !== undefined ? { outcome: outcome as AuditOutcome } : {}),
    });
    res.json({ entries, limit, offset });
  });

  router.get('/retention/:school', async (req, res) => {
    res.json(await policyFor(store, school(req)));
  });

  router.put('/retention/:school', async (req, res) => {
    const b = obj(req);
    const days = (v: unknown, name: string) => {
      if (!Number.isSafeInteger(v) || (v as number) < 1 || (v as number) > 36_500)
        bad(`${name} must be 1-36500 days`);
      return v as number;
    };
    const policy = {
      school: school(req),
      windowsDays: days(b['windowsDays'], 'windowsDays'),
      reportsDays: days(b['reportsDays'], 'reportsDays'),
    };
    if (policy.reportsDays < policy.windowsDays) bad('reportsDays must be at least windowsDays');
    await store.putRetentionPolicy(policy, now());
    await record(store, req, now(), 'retention-policy', `school:${policy.school}`, policy);
    res.json(policy);
  });

  router.post('/retention/run', async (req, res) => {
    const deleted = await runRetention(store, now());
    await record(store, req, now(), 'retention-run', 'all', deleted);
    res.json({ deleted });
  });

  // Deletion on request: {school, classId} or {teacher: username} [PRIV-8].
  router.post('/erasure', async (req, res) => {
    const b = obj(req);
    let deleted;
    let resource;
    if (typeof b['teacher'] === 'string') {
      const user = await store.getUserByName(b['teacher']);
      if (!user || user.role !== 'teacher') throw new ApiError(404, 'E_NOT_FOUND', 'no such teacher');
      deleted = await store.deleteLessonsOf({ teacher: { userId: user.id, teacherCode: user.teacherCode } });
      resource = `teacher:${user.username}`;
    } else if (typeof b['school'] === 'string' && typeof b['classId'] === 'string') {
      if (!IDENT.test(b['school']) || !IDENT.test(b['classId']))
        bad('school and classId must be identifiers');
      deleted = await store.deleteLessonsOf({ school: b['school'], classId: b['classId'] });
      resource = `class:${b['school']}/${b['classId']}`;
    } else {
      bad('give {teacher} or {school, classId}');
    }
    await record(store, req, now(), 'erasure', resource, deleted);
    res.json({ deleted });
  });

  return router;
}

function bad(message: string): never {
  throw new ApiError(400, 'E_BAD_QUERY', message);
}

function school(req: Request): string {
  const s = req.params['school'];
  if (typeof s !== 'string' || !IDENT.test(s)) bad('school must be an identifier');
  return s;
}

function obj(req: Request): Record<string, unknown> {
  const b = req.body as unknown;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) bad('a JSON object body is required');
  return b as Record<string, unknown>;
}

async function record(
  store: Store,
  req: Request,
  atMs: number,
  what: string,
  resource: string,
  detail: unknown,
) {
  const p = principalOf(req.res!);
  await store.appendAudit({
    atMs,
    userId: p.user.id,
    username: p.user.username,
    role: p.role,
    method: req.method,
    route: what,
    resource,
    outcome: 'system',
    status: 200,
    detail: JSON.stringify(detail),
  });
}
