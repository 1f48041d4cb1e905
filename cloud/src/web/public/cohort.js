/* global document, window, URLSearchParams, console */
/**
 * Researchers' cohort builder: a filter (school, subject, grade, dates) kept in the URL, the
 * /api/cohort distributions as one box plot per metric (suppressed under 10 lessons [PRIV-3]),
 * export links for the same filter, and the lessons as a table sorted by date, subject or grade —
 * never by a teacher metric [PRIV-7] — from which up to 4 can be compared side by side. Labels are
 * whatever the API returns (pseudonyms for researchers [PRIV-4]).
 */
import { MESSAGES, subjectName } from './i18n.js';
import {
  api,
  chart,
  COLOURS,
  compareTable,
  el,
  formatDateTime,
  formatMetric,
  setupPage,
  showError,
} from './common.js';

const { lang, t } = await setupPage('/cohort');
document.title = `${t('cohortTitle')} · ${t('appName')}`;
const FIELDS = ['school', 'subject', 'grade', 'from', 'to'];
const MAX_COMPARE = 4;

const subjectSel = document.getElementById('f-subject');
subjectSel.append(el('option', { value: '', text: t('anyOption') }));
for (const code of Object.keys(MESSAGES['zh-CN'].subjects))
  subjectSel.append(el('option', { value: code, text: subjectName(lang, code) }));
const gradeSel = document.getElementById('f-grade');
gradeSel.append(el('option', { value: '', text: t('anyOption') }));
for (let g = 1; g <= 12; g++)
  gradeSel.append(el('option', { value: String(g), text: t('gradeN', { n: g }) }));

const form = document.getElementById('filter');
const initial = new URLSearchParams(window.location.search);
for (const f of FIELDS) if (initial.get(f)) form.elements[f].value = initial.get(f);

function filterQuery() {
  const q = new URLSearchParams();
  for (const f of FIELDS) {
    const v = String(form.elements[f].value ?? '').trim();
    if (v) q.set(f, v);
  }
  return q;
}

let rows = [];
let sort = { key: 'date', dir: 'desc' };
const selected = new Set();

const COLUMNS = [
  { key: 'select', label: 'colSelect' },
  { key: 'lesson', label: 'colLesson' },
  { key: 'date', label: 'colStart', sortable: true, value: (r) => Date.parse(r.startIso ?? '') || 0 },
  { key: 'subject', label: 'colSubject', sortable: true, value: (r) => subjectName(lang, r.subject) },
  { key: 'grade', label: 'colGrade', sortable: true, value: (r) => r.grade ?? 0 },
  { key: 'school', label: 'colSchool' },
  { key: 'windows', label: 'colWindows' },
];

function renderHead() {
  const tr = document.querySelector('#lesson-table thead tr');
  tr.replaceChildren();
  for (const c of COLUMNS) {
    const th = el('th', { scope: 'col' });
    if (c.sortable) {
      const active = sort.key === c.key;
      th.setAttribute('aria-sort', active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      const b = el('button', {
        type: 'button',
        className: 'sort-button',
        'data-sort': c.key,
        text: `${t(c.label)}${active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}`,
      });
      b.addEventListener('click', () => {
        sort = { key: c.key, dir: active && sort.dir === 'asc' ? 'desc' : 'asc' };
        renderHead();
        renderRows();
        document.querySelector(`[data-sort="${c.key}"]`).focus();
      });
      th.append(b);
    } else th.textContent = t(c.label);
    tr.append(th);
  }
}

function renderRows() {
  const col = COLUMNS.find((c) => c.key === sort.key);
  const sorted = [...rows].sort((a, b) => {
    const va = col.value(a);
    const vb = col.value(b);
    const d = typeof va === 'string' ? va.localeCompare(vb, lang) : va - vb;
    return sort.dir === 'asc' ? d : -d;
  });
  const body = document.querySelector('#lesson-table tbody');
  body.replaceChildren();
  for (const r of sorted) {
    const ref = String(r.lessonRef);
    const box = el('input', { type: 'checkbox', id: `sel-${ref}`, value: ref, checked: selected.has(ref) });
    box.addEventListener('change', () => {
      if (box.checked && selected.size >= MAX_COMPARE) {
        box.checked = false;
        document.getElementById('table-state').textContent = t('compareLimit');
        return;
      }
      if (box.checked) selected.add(ref);
      else selected.delete(ref);
    });
    const label = el('label', {
      for: `sel-${ref}`,
      className: 'visually-hidden',
      text: `${t('colSelect')} ${ref}`,
    });
    body.append(
      el(
        'tr',
        { 'data-lesson': ref },
        el('td', {}, box, label),
        el('td', { text: r.lessonId ? `${ref} · ${r.classId ?? ''}` : ref }),
        el('td', { text: r.startIso ? formatDateTime(lang, Date.parse(r.startIso)) : t('unknown') }),
        el('td', { text: subjectName(lang, r.subject) }),
        el('td', {
          text: r.grade === null || r.grade === undefined ? t('unknown') : t('gradeN', { n: r.grade }),
        }),
        el('td', { text: r.school ?? t('unknown') }),
        el('td', { text: `${r.windowsReceived ?? '—'} / ${r.windowsExpected ?? '—'}` }),
      ),
    );
  }
}

/** Why a figure is withheld, in words (reason codes from the API). */
function suppressedText(s, minLessons) {
  const key = `suppress_${String(s.reason ?? 'fewer-than-min-lessons').replace(/-/g, '_')}`;
  const text = t(key, { n: s.minLessons ?? minLessons });
  return text === key ? t('cohortSuppressed', { n: s.minLessons ?? minLessons }) : text;
}

function renderBoxplots(cohort) {
  const box = document.getElementById('boxplots');
  box.replaceChildren();
  for (const [id, m] of Object.entries(cohort.metrics)) {
    const name = t(`metric_${id}`);
    const fig = el('figure', { className: 'boxplot', 'data-metric': id });
    const cap = el('figcaption', {}, el('strong', { text: name }));
    fig.append(cap);
    if (m.suppressed) {
      cap.append(
        el('span', {
          className: 'meta',
          text: ` — ${suppressedText(m, cohort.minLessons)}`,
        }),
      );
      box.append(fig);
      continue;
    }
    cap.append(
      el('span', { className: 'stat', text: ` ${t('statN')} = ` }),
      el('span', { 'data-stat': 'n', text: String(m.n) }),
      el('span', { className: 'stat', text: ` · ${t('median')} = ` }),
      el('span', { 'data-stat': 'median', text: formatMetric(id, m.p50) }),
    );
    const div = el('div', {
      className: 'echart mini',
      role: 'img',
      tabindex: '0',
      'aria-label': `${name}: ${t('median')} ${formatMetric(id, m.p50)}, n ${m.n}`,
    });
    fig.append(div);
    box.append(fig);
    chart(div, {
      grid: { left: 16, right: 16, top: 8, bottom: 28 },
      tooltip: { trigger: 'item' },
      xAxis: {
        type: 'value',
        scale: true,
        splitNumber: 4,
        axisLabel: { hideOverlap: true, formatter: (v) => formatMetric(id, v) },
      },
      yAxis: { type: 'category', data: [name], show: false },
      series: [
        {
          name,
          type: 'boxplot',
          itemStyle: { color: '#dbe7f6', borderColor: COLOURS.teacher, borderWidth: 2 },
          data: [[m.p10, m.p25, m.p50, m.p75, m.p90]],
        },
      ],
    });
  }
}

async function load() {
  const q = filterQuery();
  const qs = q.toString();
  window.history.replaceState(null, '', qs ? `/cohort?${qs}` : '/cohort');
  document.getElementById('export-csv').href = `/api/export.csv${qs ? `?${qs}` : ''}`;
  document.getElementById('export-json').href = `/api/export.json${qs ? `?${qs}` : ''}`;
  const state = document.getElementById('state');
  state.hidden = false;
  state.textContent = t('loading');
  const figures = document.getElementById('cohort-figures');
  figures.replaceChildren();
  try {
    const cohort = await api(`/api/cohort${qs ? `?${qs}` : ''}`);
    document.getElementById('intro').textContent = t('cohortIntro', { n: cohort.minLessons });
    const n =
      typeof cohort.lessons === 'number'
        ? String(cohort.lessons)
        : suppressedText(cohort.lessons, cohort.minLessons);
    figures.append(
      el('div', {}, el('dt', { text: t('cohortLessons') }), el('dd', { 'data-figure': 'lessons', text: n })),
    );
    renderBoxplots(cohort);
    state.hidden = true;
  } catch (err) {
    showError(t, err);
  }
  try {
    const exp = await api(`/api/export.json${qs ? `?${qs}` : ''}`);
    rows = exp.lessons ?? [];
    document.getElementById('table-state').textContent = exp.suppressed
      ? suppressedText({ reason: exp.reason }, exp.minLessons ?? 10)
      : '';
    // Schools as the API names them (pseudonyms for researchers [PRIV-4]) for the school field.
    const schools = document.getElementById('school-options');
    for (const s of new Set(rows.map((r) => r.school).filter(Boolean)))
      if (![...schools.options].some((o) => o.value === s)) schools.append(el('option', { value: s }));
  } catch {
    rows = [];
  }
  selected.clear();
  renderHead();
  renderRows();
  document.body.dataset.ready = 'true';
}

document.getElementById('compare-selected').addEventListener('click', async () => {
  const result = document.getElementById('compare-result');
  result.replaceChildren();
  if (selected.size < 2) return;
  const ids = [...selected].slice(0, MAX_COMPARE);
  try {
    const body = await api(`/api/compare?lessons=${ids.map(encodeURIComponent).join(',')}`);
    const headers = body.lessons.map(
      (l) => `${l.id ?? l.lessonRef ?? ''} · ${formatDateTime(lang, l.startMs, { dateStyle: 'medium' })}`,
    );
    result.append(compareTable(t, body, headers, false));
  } catch (err) {
    result.append(el('p', { text: t('loadError') }));
    console.error(err);
  }
});

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  document.body.dataset.ready = 'false';
  void load();
});
document.getElementById('intro').textContent = t('cohortIntro', { n: 10 });
// A researcher's queries are compared with each other (differencing guard [PRIV-3]): nothing is
// asked until a filter is chosen, so opening the page does not spend a query.
if (FIELDS.some((f) => initial.get(f))) void load();
else {
  document.getElementById('state').textContent = t('cohortChoose');
  renderHead();
  document.body.dataset.ready = 'true';
}
