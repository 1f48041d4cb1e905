/* global document, fetch, window, echarts */
/**
 * What every page shares: the header (navigation by role, who is signed in, sign-out, language
 * switch), API calls that send the session cookie and go to the sign-in page on 401, number and
 * time formatting in the school's zone, and ECharts set-up (served from this process, no CDN
 * [PRIV-10]).
 */
import { applyLanguage, currentLang, SCHOOL_TIME_ZONE } from './i18n.js';

/** Which pages each role may open [PRIV-9]; with no sign-in (open API) every page is shown. */
const NAV = [
  { href: '/', key: 'navLessons', roles: ['teacher', 'school_leader'] },
  { href: '/cohort', key: 'navCohort', roles: ['school_leader', 'researcher', 'district'] },
  { href: '/fleet', key: 'navFleet', roles: ['admin', 'it'] },
];

export class HttpError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** GET (or send) JSON; a 401 from a signed-out session goes to the sign-in page. */
export async function api(path, init = {}) {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  const type = res.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await res.json() : await res.text();
  if (res.status === 401 && !path.startsWith('/api/me') && !path.startsWith('/api/login')) {
    const next = window.location.pathname + window.location.search;
    window.location.href = `/login?next=${encodeURIComponent(next)}`;
    throw new HttpError(401, body);
  }
  if (!res.ok) throw new HttpError(res.status, body);
  return body;
}

/** The signed-in user (`/api/me`), `null` when signed out, `undefined` where sign-in does not exist. */
async function whoAmI() {
  try {
    const res = await fetch('/api/me', { credentials: 'same-origin' });
    if (res.status === 404) return undefined;
    if (!res.ok) return null;
    const body = await res.json();
    return body.user ?? body;
  } catch {
    return undefined;
  }
}

/**
 * Language, header and user for a page. Resolves to { lang, t, user } once the header is filled.
 * `page` is the nav entry to mark as current.
 */
export async function setupPage(page) {
  const lang = currentLang();
  const t = applyLanguage(lang);
  const user = await whoAmI();
  const nav = document.getElementById('nav');
  if (nav) {
    nav.setAttribute('aria-label', t('appName'));
    const ul = document.createElement('ul');
    for (const item of NAV) {
      if (user && !item.roles.includes(user.role)) continue;
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = item.href;
      a.textContent = t(item.key);
      if (item.href === page) a.setAttribute('aria-current', 'page');
      li.append(a);
      ul.append(li);
    }
    nav.append(ul);
  }
  const who = document.getElementById('who');
  if (who) {
    if (user) {
      const span = document.createElement('span');
      span.textContent = t('signedInAs', { name: user.username ?? '', role: t(`role_${user.role}`) });
      const out = document.createElement('button');
      out.type = 'button';
      out.id = 'logout';
      out.textContent = t('navLogout');
      out.addEventListener('click', async () => {
        await fetch('/api/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => {});
        window.location.href = '/login';
      });
      who.append(span, out);
    } else if (user === null) {
      const a = document.createElement('a');
      a.href = `/login?next=${encodeURIComponent(window.location.pathname)}`;
      a.textContent = t('navLogin');
      who.append(a);
    }
  }
  return { lang, t, user };
}

export function showState(t, key, params) {
  const state = document.getElementById('state');
  state.hidden = false;
  state.textContent = t(key, params);
}

/** An error from `api` as a state line: 403 "not for your role", 404 "not found", else "could not load". */
export function showError(t, err, notFoundKey = 'loadError') {
  if (err instanceof HttpError && err.status === 401) return;
  if (err instanceof HttpError && err.status === 403) showState(t, 'forbidden');
  else if (err instanceof HttpError && err.status === 404) showState(t, notFoundKey);
  else showState(t, 'loadError');
}

export function el(name, attrs = {}, ...children) {
  const node = document.createElement(name);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = String(v);
    else if (k === 'className') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

/** A date and time in the school's zone. */
export function formatDateTime(lang, ms, opts = { dateStyle: 'medium', timeStyle: 'short' }) {
  if (ms === null || ms === undefined) return '—';
  return new Intl.DateTimeFormat(lang, { ...opts, timeZone: SCHOOL_TIME_ZONE }).format(new Date(ms));
}

/** mm:ss from the lesson start. */
export function clock(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export const pct = (x, digits = 1) =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)} %`;
export const fixed = (x, digits = 2) => (x === null || x === undefined ? '—' : Number(x).toFixed(digits));

/** How each lesson metric is shown. */
export const METRIC_FORMAT = {
  teacherShareOfTalk: (v) => pct(v),
  studentTurnsPer10Min: (v) => fixed(v, 1),
  longestMonologueS: (v) => fixed(v, 1),
  teacherQuestionsPer10Min: (v) => fixed(v, 1),
  waitAtLeast3sShare: (v) => pct(v),
  stRt: (v) => fixed(v, 2),
  stCh: (v) => fixed(v, 2),
  openQuestionShare: (v) => pct(v),
  higherOrderQuestionShare: (v) => pct(v),
};
export const formatMetric = (id, v) => (METRIC_FORMAT[id] ?? ((x) => fixed(x, 2)))(v);

/** Colours with ≥ 3:1 contrast against white for chart marks (WCAG 1.4.11). */
export const COLOURS = {
  teacher: '#1d4e89',
  student: '#b35900',
  overlap: '#6b3fa0',
  silence: '#aab4c0',
  unattributed: '#4a5563',
  accent: '#0b57d0',
  hands: '#b35900',
  headsUp: '#1d6b3a',
  highlight: 'rgba(255, 196, 0, 0.35)',
};

const charts = [];

/** An ECharts instance on `container` (SVG renderer: crisp in print), resized with the page. */
export function chart(container, option) {
  const c = echarts.init(container, null, { renderer: 'svg' });
  c.setOption({ animation: false, aria: { enabled: true }, textStyle: { fontFamily: 'inherit' }, ...option });
  charts.push(c);
  return c;
}

function resizeAll() {
  for (const c of charts) c.resize();
}
window.addEventListener('resize', resizeAll);
window.matchMedia('print').addEventListener('change', resizeAll);
window.addEventListener('beforeprint', resizeAll);
window.addEventListener('afterprint', resizeAll);

/** A lesson-compare/1 answer as a table: one row per metric, one column per lesson. */
export function compareTable(t, body, headers, withDifference = true) {
  const head = el('tr', {}, el('th', { scope: 'col', text: t('colMetric') }));
  for (const h of headers) head.append(el('th', { scope: 'col', text: h }));
  if (withDifference) head.append(el('th', { scope: 'col', text: t('colDifference') }));
  const tbody = el('tbody');
  for (const m of body.metrics) {
    const tr = el(
      'tr',
      { 'data-metric': m.metric },
      el('th', { scope: 'row', text: t(`metric_${m.metric}`) }),
    );
    for (const v of m.values)
      tr.append(el('td', { text: v === null ? t('unavailable') : formatMetric(m.metric, v) }));
    const d = m.differences[m.differences.length - 1];
    if (withDifference)
      tr.append(
        el('td', {
          text: d === null || d === undefined ? '—' : `${d > 0 ? '+' : ''}${formatMetric(m.metric, d)}`,
        }),
      );
    tbody.append(tr);
  }
  return el('table', { className: 'compare-table' }, el('thead', {}, head), tbody);
}
