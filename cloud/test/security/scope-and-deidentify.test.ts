import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture, type Fixture } from './fixture.ts';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => f.close());

const auditOf = async (username: string) =>
  (await f.store.listAudit({ limit: 1000, offset: 0, username })).map((e) => ({
    route: e.route,
    outcome: e.outcome,
    status: e.status,
    resource: e.resource,
  }));

describe('teachers and leaders see only their own lessons [PRIV-9, fault 14]', () => {
  it("refuses teacher A teacher B's lesson by id, in every lesson route, and logs each denial", async () => {
    const theirs = f.ids['s1-1']!;
    for (const suffix of ['', '/windows', '/report', '/percentiles']) {
      const res = await f.get(`/api/lessons/${theirs}${suffix}`, 'teacher-a');
      expect(res.status).toBe(403);
      expect(JSON.stringify(res.body)).not.toContain('c9-9');
    }
    const denied = (await auditOf('teacher-a')).filter((e) => e.outcome === 'denied');
    expect(denied.map((e) => e.resource)).toEqual(
      expect.arrayContaining([`/api/lessons/${theirs}`, `/api/lessons/${theirs}/report`]),
    );
    expect((await f.get(`/api/lessons/${f.ids['s1-0']}/report`, 'teacher-a')).status).toBe(200);
  });

  it('refuses it through compare, class trend, teacher trend and export', async () => {
    expect((await f.get(`/api/compare?lessons=${f.ids['s1-0']},${f.ids['s1-1']}`, 'teacher-a')).status).toBe(
      403,
    );
    expect((await f.get('/api/classes/c9-9/trend', 'teacher-a')).status).toBe(403);
    expect((await f.get('/api/teachers/T-B/trend', 'teacher-a')).status).toBe(403);
    expect((await f.get('/api/export.csv', 'teacher-a')).status).toBe(403);
    expect((await f.get('/api/export.json?school=sch-001', 'leader-2')).status).toBe(403);
  });

  it("lists only the teacher's own lessons, and only the leader's school", async () => {
    const mine = (await f.get('/api/lessons', 'teacher-a')).body.lessons.map((l: { id: number }) => l.id);
    expect(mine.sort()).toEqual([f.ids['s1-0'], f.ids['s1-12']].sort());
    const school = (await f.get('/api/lessons?limit=500', 'leader-2')).body.lessons;
    expect(school).toHaveLength(3);
    expect(school.every((l: { school: string }) => l.school === 'sch-002')).toBe(true);
    const exported = await f.get('/api/export.json', 'leader-2'); // own school only: 3 lessons < k
    expect(exported.body.lessons).toEqual([]);
    const cohort = await f.get('/api/cohort?grade=7', 'leader-2'); // forced to sch-002: none
    expect(cohort.body.lessons).toMatchObject({ suppressed: true });
  });
});

describe('researchers: de-identified, k lessons and k teachers, no differencing [PRIV-3, PRIV-4, fault 15]', () => {
  it('never gets a single lesson', async () => {
    for (const suffix of ['', '/windows', '/report', '/percentiles'])
      expect((await f.get(`/api/lessons/${f.ids['s1-0']}${suffix}`, 'researcher')).status).toBe(403);
    expect((await f.get('/api/lessons', 'researcher')).status).toBe(403);
  });

  it('gets cohort figures over 14 lessons of 12 teachers', async () => {
    const res = await f.get('/api/cohort?grade=7', 'researcher');
    expect(res.status).toBe(200);
    expect(res.body.lessons).toBe(14);
  });

  it('gets a cohort under k lessons suppressed', async () => {
    const res = await f.get('/api/cohort?grade=8', 'researcher');
    expect(res.body.lessons).toMatchObject({ suppressed: true, reason: 'fewer-than-min-lessons' });
    expect(JSON.stringify(res.body)).not.toMatch(/"n":\d/);
  });

  it('gets 10 lessons of a single teacher suppressed', async () => {
    const res = await f.get('/api/cohort?grade=9', 'researcher');
    expect(res.body.lessons).toMatchObject({ suppressed: true, reason: 'fewer-than-min-teachers' });
    expect(res.headers.get('x-classroom-suppressed')).toBe('fewer-than-min-teachers');
  });

  it('gets a second query that differs from an earlier one by one lesson suppressed', async () => {
    // Lessons from the 2nd day on: the 14 of grade 7 minus the first day's one.
    const res = await f.get('/api/cohort?grade=7&from=2026-01-06', 'researcher');
    expect(res.body.lessons).toMatchObject({ suppressed: true, reason: 'differencing' });
    const exp = await f.get('/api/export.json?grade=7&from=2026-01-06', 'researcher');
    expect(exp.body.lessons).toEqual([]);
    expect(exp.headers.get('x-classroom-suppressed')).toBe('differencing');
    // The same set again reveals nothing new: allowed.
    expect((await f.get('/api/cohort?grade=7', 'researcher')).body.lessons).toBe(14);
  });

  it('sees pseudonyms and months, never school, class, room or device ids, in export and compare', async () => {
    const res = await f.get('/api/export.json?grade=7', 'researcher');
    expect(res.body.lessons).toHaveLength(14);
    const text = JSON.stringify(res.body);
    for (const id of ['sch-001', 'c7-2', 'c9-9', 'dev-sch-001', '"r1"', '"A0"'])
      expect(text).not.toContain(id);
    const row = res.body.lessons[0];
    expect(row.school).toMatch(/^S-/);
    expect(row.classId).toMatch(/^C-/);
    expect(row.startIso).toBe('2026-01-01T00:00:00.000Z'); // month only
    expect(row.endIso).toBeNull();
    // Stable: the same school has the same pseudonym in every row and every query.
    expect(new Set(res.body.lessons.map((r: { school: string }) => r.school)).size).toBe(1);
    const bySchool = await f.get(`/api/cohort?school=${row.school}&grade=7`, 'researcher');
    expect(bySchool.body.lessons).toBe(14);
    const cmp = await f.get(`/api/compare?lessons=${f.ids['s1-0']},${f.ids['s1-1']}`, 'researcher');
    expect(cmp.status).toBe(200);
    expect(JSON.stringify(cmp.body)).not.toContain('sch-001');
    expect(cmp.body.lessons[0].school).toBe(row.school);
  });

  it('district sees cohort figures only', async () => {
    expect((await f.get('/api/cohort?grade=7', 'district')).body.lessons).toBe(14);
    expect((await f.get('/api/export.json?grade=7', 'district')).status).toBe(403);
    expect((await f.get(`/api/compare?lessons=${f.ids['s1-0']},${f.ids['s1-1']}`, 'district')).status).toBe(
      403,
    );
  });
});

describe('audit log [PRIV-9]', () => {
  it('records reads and denials with who, role, route, resource, when and outcome', async () => {
    await f.get(`/api/lessons/${f.ids['s1-0']}`, 'leader');
    await f.get(`/api/lessons/${f.ids['s2-0']}`, 'leader');
    await f.get(`/api/lessons/${f.ids['s1-0']}`);
    await new Promise((r) => setTimeout(r, 50)); // allowed reads are written when the answer is sent
    const res = await f.get('/api/audit?limit=1000', 'admin');
    expect(res.status).toBe(200);
    const entries = res.body.entries as {
      username: string | null;
      role: string;
      route: string;
      outcome: string;
      resource: string;
      atMs: number;
      status: number;
    }[];
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          username: 'leader',
          role: 'school_leader',
          route: 'GET /api/lessons/:id',
          resource: `/api/lessons/${f.ids['s1-0']}`,
          outcome: 'allowed',
          status: 200,
        }),
        expect.objectContaining({
          username: 'leader',
          resource: `/api/lessons/${f.ids['s2-0']}`,
          outcome: 'denied',
          status: 403,
        }),
        expect.objectContaining({
          username: null,
          resource: `/api/lessons/${f.ids['s1-0']}`,
          outcome: 'denied',
          status: 401,
        }),
      ]),
    );
    expect(entries.every((e) => e.atMs > 0)).toBe(true);
    expect((await f.get('/api/audit', 'leader')).status).toBe(403);
    const denials = await f.get('/api/audit?outcome=denied&username=leader', 'admin');
    expect(denials.body.entries.every((e: { outcome: string }) => e.outcome === 'denied')).toBe(true);
  });
});
