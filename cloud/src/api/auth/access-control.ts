import type { Request, RequestHandler, Response } from 'express';
import type { AuditOutcome } from '../../store/types.ts';
import { ApiError } from '../http-errors.ts';
import type { Auth, Principal } from './auth.ts';
import { matchPolicy, type PolicyRow } from './policy.ts';
import { checkScope, setView } from './scope.ts';

/**
 * The one gate every request passes, before any router [PRIV-9]: find the route's policy row
 * (none: 404, default deny), authenticate (401), check the role (403) and the scope (403), leave
 * the View for the handler, and audit-log every read of lesson data and every denial. Other route
 * files need nothing of their own: a row in policy.ts is all a new route needs.
 */
export function accessControl(auth: Auth): RequestHandler {
  return (req, res, next) => {
    gate(auth, req, res).then(
      (err) => next(err),
      (err: unknown) => next(err),
    );
  };
}

async function gate(auth: Auth, req: Request, res: Response): Promise<ApiError | undefined> {
  const match = matchPolicy(req.method, req.path);
  if (!match) return new ApiError(404, 'E_NOT_FOUND', 'no such route');
  const { row, params } = match;
  if (row.who === 'public') return undefined;
  const principal = await auth.authenticate(req);
  if (!principal) {
    await audit(auth, req, row, undefined, 'denied', 401, 'not signed in');
    return new ApiError(401, 'E_UNAUTHENTICATED', 'sign in first');
  }
  res.locals['principal'] = principal;
  if (row.who !== 'signed-in' && !row.who.includes(principal.role)) {
    await audit(auth, req, row, principal, 'denied', 403, `role ${principal.role}`);
    return new ApiError(403, 'E_FORBIDDEN', 'not allowed for this role');
  }
  const scope = await checkScope(auth.store, row.scope, principal, req, params);
  if (!scope.ok) {
    await audit(auth, req, row, principal, 'denied', 403, scope.reason);
    return new ApiError(403, 'E_FORBIDDEN', 'not allowed: outside your scope');
  }
  setView(res, scope.view);
  if (row.audit) {
    // The read's outcome is known once the handler has answered.
    res.once('finish', () => {
      const outcome: AuditOutcome =
        res.statusCode < 400 ? 'allowed' : res.statusCode === 403 ? 'denied' : 'error';
      const detail = res.getHeader('X-Classroom-Suppressed');
      void audit(
        auth,
        req,
        row,
        principal,
        outcome,
        res.statusCode,
        typeof detail === 'string' ? detail : null,
      );
    });
  }
  return undefined;
}

export function principalOf(res: Response): Principal {
  const p = res.locals['principal'] as Principal | undefined;
  if (!p) throw new Error('no principal: the route is missing from the access policy');
  return p;
}

async function audit(
  auth: Auth,
  req: Request,
  row: PolicyRow,
  p: Principal | undefined,
  outcome: AuditOutcome,
  status: number,
  detail: string | null,
): Promise<void> {
  await auth.store.appendAudit({
    atMs: auth.now(),
    userId: p?.user.id ?? null,
    username: p?.user.username ?? null,
    role: p?.role ?? null,
    method: req.method,
    route: `${row.method} ${row.path}`,
    resource: req.originalUrl.slice(0, 300),
    outcome,
    status,
    detail,
  });
}
