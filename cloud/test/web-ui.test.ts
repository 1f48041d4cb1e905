import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COHORT,
  COHORT_MATH_LESSONS,
  startWebFixture,
  type WebFixture,
  type WebUser,
} from './web-fixture.ts';

/**
 * The web UI in a real browser (Debian chromium driven by playwright-core) against a real cloud
 * with the demo lesson and a 14-lesson simulated cohort: each role signs in (where sign-in exists),
 * opens its pages, and the figures on screen are checked against the API's; language switch,
 * print to A4 PDF, screenshots, and axe-core on every page (no serious or critical violations).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM)
  console.warn(`web UI tests skipped: no chromium at ${CHROMIUM} (apt-get install chromium)`);
const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = join(ROOT, 'screenshots');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

describe.skipIf(!HAVE_CHROMIUM)('web UI in a real browser', () => {
  let f: WebFixture;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [f, browser] = await Promise.all([
      startWebFixture(),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  const userFor = (role: WebUser['role']) => f.users.find((u) => u.role === role);

  /** A fresh browser context signed in as `role` through the login page (where sign-in exists). */
  async function as(role: WebUser['role'] | null): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'zh-CN' });
    ctx.setDefaultTimeout(10_000);
    const page = await ctx.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    const user = role ? userFor(role) : undefined;
    if (user) {
      await page.goto(`${f.urls.httpUrl}/login`);
      await page.fill('#username', user.username);
      await page.fill('#password', user.password);
      await Promise.all([
        page.waitForURL((u) => !u.pathname.startsWith('/login')),
        page.click('button[type=submit]'),
      ]);
    }
    return { ctx, page };
  }

  async function open(page: Page, path: string): Promise<void> {
    await page.goto(`${f.urls.httpUrl}${path}`);
    await page.waitForSelector('body[data-ready]', { timeout: 15_000 });
  }

  async function api<T>(ctx: BrowserContext, path: string): Promise<T> {
    const res = await ctx.request.get(`${f.urls.httpUrl}${path}`);
    expect(res.status(), path).toBe(200);
    return (await res.json()) as T;
  }

  async function axe(page: Page, name: string): Promise<void> {
    // Evaluated through the debugging protocol: the page's CSP (no inline scripts) stays on.
    await page.evaluate(`${AXE}\n;true`);
    const violations = await page.evaluate(async () => {
      const w = window as unknown as {
        axe: { run: (o: unknown) => Promise<{ violations: AxeViolation[] }> };
      };
      const r = await w.axe.run({ resultTypes: ['violations'] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })),
      }));
    });
    const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad, `${name}: ${JSON.stringify(bad, null, 1)}`).toEqual([]);
  }

  const text = async (page: Page, selector: string) =>
    (await page.locator(selector).first().textContent())?.trim();

  it('teacher: lesson list and the demo lesson report match the API, findings link into the charts, PDF prints', async () => {
    const { ctx, page } = await as('teacher');
    await open(page, '/');
    const list = await api<{ lessons: { id: number }[] }>(ctx, '/api/lessons?limit=500');
    expect(await page.locator('#lessons tbody tr').count()).toBe(list.lessons.length);
    await axe(page, 'lesson list');

    const id = f.demoLessonId!;
    expect(id).not.toBeNull();
    await open(page, `/lessons/${id}`);
    expect(await page.getAttribute('body', 'data-ready')).toBe('true');
    const report = await api<{
      analysis: {
        windows: number;
        st: { rt: number; ch: number };
        metrics: Record<string, { value: number }>;
        findings: unknown[];
        engagement: { unavailable?: string };
      };
      windows: { received: number };
    }>(ctx, `/api/lessons/${id}/report`);
    const a = report.analysis;
    expect(await text(page, '[data-figure=stRt]')).toBe(a.st.rt.toFixed(2));
    expect(await text(page, '[data-figure=stCh]')).toBe(a.st.ch.toFixed(2));
    expect(await text(page, '[data-figure=teacherShareOfTalk]')).toBe(
      `${(a.metrics['teacherShareOfTalk']!.value * 100).toFixed(1)} %`,
    );
    expect(await text(page, '[data-figure=windowCount]')).toBe(String(a.windows));
    expect(await text(page, '[data-figure=windowsReceived]')).toBe(String(report.windows.received));
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    // The demo recording has no video: an "unavailable: reason" note, no vision chart with zeros.
    expect(a.engagement.unavailable).toBe('no-vision');
    expect(await page.locator('#vision-body [data-unavailable=no-vision]').count()).toBe(1);
    expect(await page.locator('#vision-chart').count()).toBe(0);
    expect(await page.locator('#vision-desc').isVisible()).toBe(false);
    expect(await page.locator('#talk-chart svg').count()).toBe(1);
    expect(await page.locator('#st-chart svg').count()).toBe(1);
    expect(await page.locator('#rtch-chart svg').count()).toBe(1);
    if (a.findings.length > 0) {
      const link = page.locator('.finding .evidence button').first();
      await link.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getAttribute('body', 'data-evidence')).toMatch(/^\d+-\d+$/);
      expect(await text(page, '#evidence-status')).not.toBe('');
    }
    await page.screenshot({ path: join(SHOTS, 'lesson-report-zh-CN.png'), fullPage: true });
    await axe(page, 'lesson report');

    // Print: a clean A4 PDF with at least one page.
    await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(SHOTS, 'lesson-report-print.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1200, height: 900 });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(1);
    writeFileSync(join(SHOTS, 'lesson-report.pdf'), pdf);

    // English, remembered on the next page.
    await Promise.all([page.waitForURL(/lang=en/), page.click('#lang-switch')]);
    await page.waitForSelector('body[data-ready]');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await text(page, '#title')).toMatch(/^Lesson report/);
    await page.screenshot({ path: join(SHOTS, 'lesson-report-en.png'), fullPage: true });
    await open(page, '/');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await text(page, 'h1')).toBe('My lessons');
    await ctx.close();
  });

  it('teacher: a lesson with vision data shows hands and heads-up, and compares with an earlier lesson', async () => {
    const { ctx, page } = await as('teacher');
    const id = f.cohortIds[10]!; // the test teacher's, with vision data and an earlier lesson (9)
    await open(page, `/lessons/${id}`);
    expect(await page.locator('#vision-chart svg').count()).toBe(1);
    // The figures are class estimates corrected for the rules' error rates, and the page says so.
    expect(await page.locator('#vision-desc').textContent()).toContain('全班层面的估计值');
    expect(await page.locator('.phase-band .phase').count()).toBeGreaterThanOrEqual(1);
    const q = await api<{
      analysis: {
        questions: { teacherQuestions: number; typeShares: { higherOrder: number } };
        discourse: { instructionTypes: { categories: { category: string; count: number; share: number }[] } };
      };
    }>(ctx, `/api/lessons/${id}/report`);
    expect(await text(page, '[data-figure=teacherQuestions]')).toBe(
      String(q.analysis.questions.teacherQuestions),
    );
    const higher = q.analysis.questions.typeShares.higherOrder;
    expect(higher).toBeGreaterThan(0);
    expect(await text(page, '[data-figure=higherOrderQuestionShare]')).toBe(`${(higher * 100).toFixed(1)} %`);
    // Instruction types: one row per DialogID category, counts and shares as the API gives them.
    const types = q.analysis.discourse.instructionTypes.categories;
    expect(await page.locator('#instruction-types tbody tr').count()).toBe(types.length);
    const guidance = types.find((c) => c.category === 'guidance')!;
    expect(guidance.count).toBeGreaterThan(0);
    expect(await text(page, '#instruction-types tr[data-category=guidance] th')).toBe('指导');
    expect(await text(page, '#instruction-types tr[data-category=guidance] td.num')).toBe(
      String(guidance.count),
    );
    expect(await text(page, '#instruction-types tr[data-category=guidance] td.share')).toBe(
      `${(guidance.share * 100).toFixed(1)} %`,
    );
    expect(await page.locator('#talk-moves').count()).toBe(0); // no English utterances in this lesson
    await page.waitForSelector('#compare-result table');
    const earlier = await page.locator('#compare-select').inputValue();
    const cmp = await api<{ metrics: { metric: string; values: (number | null)[] }[] }>(
      ctx,
      `/api/compare?lessons=${earlier},${id}`,
    );
    expect(await page.locator('#compare-result tbody tr').count()).toBe(cmp.metrics.length);
    const rt = cmp.metrics.find((m) => m.metric === 'stRt')!;
    expect(await text(page, '#compare-result tr[data-metric=stRt] td:nth-of-type(2)')).toBe(
      rt.values[1]!.toFixed(2),
    );
    await page.screenshot({ path: join(SHOTS, 'lesson-report-vision-zh-CN.png'), fullPage: true });
    await axe(page, 'lesson report with vision');
    await ctx.close();
  });

  it('researcher: cohort box plots show the API n and medians; table sorts; lessons compare side by side', async () => {
    const { ctx, page } = await as('researcher');
    // Researchers name schools by pseudonym [PRIV-4]: filter by subject and grade.
    const filter = 'subject=math&grade=7';
    await open(page, `/cohort?${filter}`);
    const cohort = await api<{ lessons: number; metrics: Record<string, { n: number; p50: number }> }>(
      ctx,
      `/api/cohort?${filter}`,
    );
    expect(cohort.lessons).toBe(COHORT_MATH_LESSONS);
    expect(await text(page, '[data-figure=lessons]')).toBe(String(cohort.lessons));
    const rt = cohort.metrics['stRt']!;
    expect(await text(page, '[data-metric=stRt] [data-stat=median]')).toBe(rt.p50.toFixed(2));
    expect(await text(page, '[data-metric=stRt] [data-stat=n]')).toBe(String(rt.n));
    const share = cohort.metrics['teacherShareOfTalk']!;
    expect(await text(page, '[data-metric=teacherShareOfTalk] [data-stat=median]')).toBe(
      `${(share.p50 * 100).toFixed(1)} %`,
    );
    expect(await page.locator('.boxplot svg').count()).toBeGreaterThanOrEqual(5);
    expect(await page.getAttribute('#export-csv', 'href')).toBe(`/api/export.csv?${filter}`);

    // Lesson table: by date (newest first) by default, never by a teacher metric [PRIV-7].
    const exp = await api<{ lessons: { lessonRef: string | number; startIso: string }[] }>(
      ctx,
      `/api/export.json?${filter}`,
    );
    const rows = page.locator('#lesson-table tbody tr');
    expect(await rows.count()).toBe(exp.lessons.length);
    const latest = Math.max(...exp.lessons.map((l) => Date.parse(l.startIso)));
    const firstRef = await rows.first().getAttribute('data-lesson');
    expect(Date.parse(exp.lessons.find((l) => String(l.lessonRef) === firstRef)!.startIso)).toBe(latest);
    expect(
      await page.locator('[data-sort]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-sort'))),
    ).toEqual(['date', 'subject', 'grade']);
    await page.click('[data-sort=date]');
    expect(await page.getAttribute('th:has([data-sort=date])', 'aria-sort')).toBe('ascending');

    for (const i of [0, 1, 2]) await rows.nth(i).locator('input[type=checkbox]').check();
    await page.click('#compare-selected');
    await page.waitForSelector('#compare-result table');
    expect(await page.locator('#compare-result thead th').count()).toBe(1 + 3);
    await page.screenshot({ path: join(SHOTS, 'cohort.png'), fullPage: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'cohort-top.png') });
    await axe(page, 'cohort');

    // A researcher has no lesson list of their own [PRIV-9]: the nav does not offer it.
    if (f.users.length) expect(await page.locator('#nav a[href="/"]').count()).toBe(0);
    await ctx.close();
  });

  it('IT: fleet page and device detail show the API figures; an enrolment token is created', async () => {
    const { ctx, page } = await as('admin');
    await open(page, '/fleet');
    const fleet = await api<{ devices: { deviceId: string; state: string; backlog: number | null }[] }>(
      ctx,
      '/api/devices',
    );
    expect(await page.locator('#device-table tbody tr').count()).toBe(fleet.devices.length);
    for (const d of fleet.devices) {
      const row = page.locator(`tr[data-device="${d.deviceId}"]`);
      expect(await row.locator('.badge').getAttribute('class')).toContain(`state-${d.state}`);
    }
    const cell = (device: string, col: string) => page.locator(`tr[data-device=${device}] [data-col=${col}]`);
    expect(await cell('web-dev-b', 'colBacklog').textContent()).toBe('120');
    expect(await cell('web-dev-b', 'colDevice').textContent()).toBe('web-dev-bsch-web · r202');
    // Each source's health, its reason as a label (never the bare code) and its reconnects.
    const camB = cell('web-dev-b', 'colCamera');
    expect(await camB.locator('[data-source-error]').getAttribute('data-source-error')).toBe('refused');
    expect(await camB.locator('[data-source-error]').textContent()).toBe('连接被拒绝');
    expect(await camB.locator('[data-reconnects]').textContent()).toBe('重连 0 次');
    const micB = cell('web-dev-b', 'colMic');
    expect(await micB.locator('[data-reconnects]').getAttribute('data-reconnects')).toBe('3');
    expect(await micB.locator('[data-reconnects]').textContent()).toBe('重连 3 次');
    expect(await micB.locator('[data-source-error]').textContent()).toBe('数据中断（连接仍在）');
    expect((await micB.textContent())?.startsWith('降级')).toBe(true);
    // Error codes by their label, the code as the tooltip.
    const err = cell('web-dev-b', 'colErrors').locator('[data-error-code=E_CAMERA_DOWN]');
    expect(await err.textContent()).toBe('摄像头故障');
    expect(await err.getAttribute('title')).toBe('E_CAMERA_DOWN');
    // An agent from before the fields: the health alone.
    expect(await cell('web-dev-a', 'colCamera').textContent()).toBe('降级');
    expect(await cell('web-dev-a', 'colMic').textContent()).toBe('正常');
    await page.fill('#t-school', 'sch-web');
    await page.fill('#t-room', 'r305');
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('#token-result p');
    expect(await page.locator('#token-value').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'fleet.png'), fullPage: true });
    // The grouped columns fit a 1200 px window: the table needs no sideways scrolling.
    const overflow = await page
      .locator('#fleet .table-scroll')
      .evaluate((box) => box.scrollWidth - box.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await axe(page, 'fleet');

    await page.click('tr[data-device=web-dev-a] a');
    await page.waitForSelector('body[data-ready]');
    expect(page.url()).toMatch(/\/fleet\/web-dev-a$/);
    expect(await page.locator('#device table tbody tr').count()).toBeGreaterThanOrEqual(1);
    expect(await text(page, '[data-figure=colBacklog]')).toBe('3');
    await page.screenshot({ path: join(SHOTS, 'device.png'), fullPage: true });
    await axe(page, 'device');

    // The offline device's detail in English: the same labels from the en catalogue, in the
    // figures and in its status history.
    await open(page, '/fleet/web-dev-b?lang=en');
    expect(await text(page, '[data-figure=colCamera] [data-source-error]')).toBe('connection refused');
    expect(await text(page, '[data-figure=colMic] [data-reconnects]')).toBe('reconnects: 3');
    expect(await text(page, '#device table tbody tr [data-source-error=refused]')).toBe('connection refused');
    await page.screenshot({ path: join(SHOTS, 'device-sources-en.png'), fullPage: true });
    await ctx.close();
  });

  it('sign-in page and role-limited pages: no serious accessibility violations', async () => {
    const { ctx, page } = await as(null);
    await open(page, '/login');
    await axe(page, 'login');
    if (f.users.length) {
      // A wrong password says so; the page stays.
      await page.fill('#username', 'web-teacher');
      await page.fill('#password', 'wrong-password-here');
      await page.click('button[type=submit]');
      await expect.poll(() => text(page, '#state')).not.toBe('');
    }
    await ctx.close();
    if (userFor('school_leader')) {
      // A school leader: their school's lessons and the research page, not the fleet [PRIV-9].
      const l = await as('school_leader');
      await open(l.page, '/');
      const mine = await api<{ lessons: unknown[] }>(l.ctx, '/api/lessons?limit=500');
      expect(await l.page.locator('#lessons tbody tr').count()).toBe(mine.lessons.length);
      expect(
        await l.page.locator('#nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
      ).toEqual(['/', '/cohort']);
      await l.ctx.close();
    }
    if (userFor('district')) {
      const d = await as('district');
      await open(d.page, `/cohort?school=${COHORT.school}`);
      expect(await d.page.locator('#nav a[href="/fleet"]').count()).toBe(0);
      await d.ctx.close();
    }
    expect(errors.filter((e) => !/status of 40[134]/.test(e))).toEqual([]);
  });
});
