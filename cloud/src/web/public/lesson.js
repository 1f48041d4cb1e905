/* global document, window, console */
/**
 * The lesson report (lesson-report/2): diagnostics, findings linked into the charts, phases band,
 * talk by role, S-T curve and Rt–Ch mode regions, questions and wait time, hands and heads-up
 * (or an "unavailable: reason" note, never zeros), comparison with an earlier lesson, and the
 * window-level speech/silence timeline. Times in the school's zone.
 */
import { subjectName } from './i18n.js';
import { drawLegend, drawTimeline } from './timeline.js';
import { renderDiscourse } from './lesson-discourse.js';
import {
  baseGrid,
  duration,
  figure,
  isUnavailable,
  lang,
  minutes,
  setLessonStart,
  sinceStart,
  t,
  timeAxis,
  timeCharts,
  unavailableNote,
} from './lesson-page.js';
import { renderQuestions } from './lesson-questions.js';
import { renderVision } from './lesson-vision.js';
import {
  api,
  chart,
  clock,
  compareTable,
  COLOURS,
  el,
  fixed,
  formatDateTime,
  formatMetric,
  pct,
  showError,
} from './common.js';

const MODE_KEY = {
  lecture: 'modeLecture',
  dialogue: 'modeDialogue',
  practice: 'modePractice',
  mixed: 'modeMixed',
};
function renderHeader(report) {
  const { lesson } = report;
  const subject = subjectName(lang, lesson.subject);
  document.getElementById('title').textContent = `${t('reportTitle')}: ${subject}`;
  document.title = `${t('reportTitle')} · ${subject} · ${t('appName')}`;
  const grade = lesson.grade === null ? t('unknown') : t('gradeN', { n: lesson.grade });
  const status = lesson.status === 'complete' ? t('statusComplete') : t('statusOpen');
  document.getElementById('meta').textContent = [
    formatDateTime(lang, lesson.startMs),
    grade,
    `${t('colSchool')} ${lesson.school}`,
    `${t('colRoom')} ${lesson.room}`,
    `${t('colDevice')} ${lesson.deviceId}`,
    status,
  ].join(' · ');
}

function renderTotals(report) {
  const { totals, windows } = report;
  const list = document.getElementById('totals');
  figure(list, t('duration'), duration(totals.durationS));
  figure(list, t('coverage'), duration(totals.coverageS));
  figure(list, t('speech'), duration(totals.speechS));
  figure(list, t('silence'), duration(totals.silenceS));
  figure(list, t('speechRatio'), totals.speechRatio === null ? t('unknown') : pct(totals.speechRatio));
  const wl = document.getElementById('windows');
  figure(wl, t('expected'), windows.expected === null ? t('unknown') : String(windows.expected));
  figure(wl, t('received'), String(windows.received), 'windowsReceived');
  figure(wl, t('missing'), windows.missing.length === 0 ? t('missingNone') : windows.missing.join(', '));
}

function renderDiagnostics(analysis) {
  const list = document.getElementById('diagnostics');
  const st = analysis.st;
  if (isUnavailable(st))
    figure(
      list,
      t('stMode'),
      t('unavailableReason', { reason: t(`reason_${st.unavailable.replace(/-/g, '_')}`) }),
    );
  else {
    figure(list, t('stMode'), t(MODE_KEY[st.mode]), 'stMode');
    figure(list, 'Rt', fixed(st.rt, 2), 'stRt');
    figure(list, 'Ch', fixed(st.ch, 2), 'stCh');
  }
  const m = analysis.metrics;
  const metric = (id) => (m[id] ? formatMetric(id, m[id].value) : t('unavailable'));
  figure(list, t('teacherTalkShare'), metric('teacherShareOfTalk'), 'teacherShareOfTalk');
  figure(list, t('questionsPer10'), metric('teacherQuestionsPer10Min'), 'teacherQuestionsPer10Min');
  figure(list, t('wait3s'), metric('waitAtLeast3sShare'), 'waitAtLeast3sShare');
  figure(list, t('windowCount'), String(analysis.windows), 'windowCount');
}

/** Marks one time range on every time chart and brings the talk timeline into view. */
function showEvidence(range) {
  const area = [
    [
      { xAxis: minutes(range.startMs) },
      { xAxis: Math.max(minutes(range.endMs), minutes(range.startMs) + 0.05) },
    ],
  ];
  for (const c of timeCharts)
    c.setOption({
      series: [
        {
          id: 'highlight',
          type: 'line',
          data: [],
          markArea: {
            silent: true,
            itemStyle: { color: COLOURS.highlight, borderColor: '#8a6d00', borderWidth: 1 },
            data: area,
          },
        },
      ],
    });
  const from = clock(sinceStart(range.startMs));
  const to = clock(sinceStart(range.endMs));
  document.getElementById('evidence-status').textContent = t('evidenceShown', { from, to });
  document.body.dataset.evidence = `${range.startMs}-${range.endMs}`;
  const target = document.getElementById('talk-chart');
  target.scrollIntoView({ behavior: 'smooth', block: 'center' });
  target.focus({ preventScroll: true });
}

function renderFindings(analysis) {
  const ul = document.getElementById('findings');
  for (const f of analysis.findings) {
    const li = el(
      'li',
      { className: `finding ${f.severity}` },
      el('p', { text: lang === 'en' ? f.text.en : f.text['zh-CN'] }),
    );
    const links = el('p', { className: 'evidence no-print' });
    for (const range of f.evidence.slice(0, 6)) {
      const from = clock(sinceStart(range.startMs));
      const to = clock(sinceStart(range.endMs));
      const b = el('button', {
        type: 'button',
        className: 'link-button',
        text: `${from}–${to}`,
        'aria-label': t('evidenceLink', { from, to }),
      });
      b.addEventListener('click', () => showEvidence(range));
      links.append(b, ' ');
    }
    li.append(links);
    ul.append(li);
  }
  if (analysis.findings.length === 0) ul.append(el('li', { text: t('findingsNone') }));
}

function renderPhases(analysis) {
  const box = document.getElementById('phases');
  const p = analysis.phases;
  if (isUnavailable(p)) {
    box.append(unavailableNote(p));
    return;
  }
  const band = el('div', { className: 'phase-band', 'aria-hidden': 'true' });
  const list = el('ol', { className: 'phase-list' });
  for (const ph of p.phases) {
    const name = t(`phase_${ph.label}`);
    const seg = el('div', { className: `phase ${ph.label}`, title: name }, el('span', { text: name }));
    seg.style.flexGrow = String(Math.max(1, ph.windows));
    band.append(seg);
    const from = clock(sinceStart(ph.startMs));
    const to = clock(sinceStart(ph.endMs));
    const b = el('button', {
      type: 'button',
      className: 'link-button',
      text: `${from}–${to}`,
      'aria-label': t('evidenceLink', { from, to }),
    });
    b.addEventListener('click', () => showEvidence(ph));
    list.append(el('li', {}, el('span', { className: `swatch phase ${ph.label}` }), `${name} `, b));
  }
  box.append(band, list);
}

function renderTalk(report, windows) {
  const windowS = report.lesson.windowS ?? 10;
  document.getElementById('talk-desc').textContent = t('talkDesc', { s: windowS });
  const rows = { teacher: [], student: [], overlap: [], unattributed: [], silence: [] };
  for (const w of windows) {
    const a = w.message?.audio;
    if (!a) continue;
    const x = minutes(w.startMs) + windowS / 120;
    if (a.roles) {
      rows.teacher.push([x, a.roles.teacherS]);
      rows.student.push([x, a.roles.studentS]);
      rows.overlap.push([x, a.roles.overlapS]);
    } else rows.unattributed.push([x, a.speechS]);
    rows.silence.push([x, a.silenceS]);
  }
  const series = [
    ['teacher', 'roleTeacher'],
    ['student', 'roleStudent'],
    ['overlap', 'roleOverlap'],
    ['unattributed', 'roleUnattributed'],
    ['silence', 'roleSilence'],
  ]
    .filter(([k]) => rows[k].length > 0)
    .map(([k, key]) => ({
      name: t(key),
      type: 'bar',
      stack: 'talk',
      barCategoryGap: '10%',
      barWidth: '90%',
      itemStyle: { color: COLOURS[k] },
      data: rows[k],
    }));
  const last = windows.length ? minutes(windows[windows.length - 1].endMs) : 1;
  timeCharts.push(
    chart(document.getElementById('talk-chart'), {
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      grid: baseGrid(),
      xAxis: { ...timeAxis(), max: last },
      yAxis: { type: 'value', name: t('axisSeconds'), max: windowS },
      series,
    }),
  );
}

function renderSt(analysis) {
  const st = analysis.st;
  const pair = document.querySelector('.chart-pair');
  if (isUnavailable(st)) {
    pair.replaceWith(unavailableNote(st));
    return;
  }
  document.getElementById('st-desc').textContent = t('stDesc', { s: st.intervalS });
  const max = Math.max(1, st.n);
  chart(document.getElementById('st-chart'), {
    grid: baseGrid(),
    tooltip: { trigger: 'item' },
    xAxis: { type: 'value', name: 'S', min: 0, max, nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'value', name: 'T', min: 0, max },
    series: [
      {
        name: 'S-T',
        type: 'line',
        step: false,
        symbol: 'none',
        lineStyle: { color: COLOURS.teacher, width: 2 },
        data: st.curve.map((p) => [p.s, p.t]),
      },
      {
        name: 'diagonal',
        type: 'line',
        symbol: 'none',
        silent: true,
        lineStyle: { color: COLOURS.silence, type: 'dashed' },
        data: [
          [0, 0],
          [max, max],
        ],
      },
    ],
  });
  const region = (name, x0, y0, x1, y1, color) => [
    { name, xAxis: x0, yAxis: y0, itemStyle: { color }, label: { color: '#1b1f24' } },
    { xAxis: x1, yAxis: y1 },
  ];
  chart(document.getElementById('rtch-chart'), {
    grid: { left: 48, right: 16, top: 24, bottom: 48 },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'value', name: 'Rt', min: 0, max: 1, nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'value', name: 'Ch', min: 0, max: 1 },
    series: [
      {
        name: t('stMode'),
        type: 'scatter',
        symbolSize: 14,
        itemStyle: { color: COLOURS.teacher },
        data: [
          { value: [st.rt, st.ch], name: `${t(MODE_KEY[st.mode])} (Rt ${fixed(st.rt)}, Ch ${fixed(st.ch)})` },
        ],
        markArea: {
          silent: true,
          label: { position: 'inside' },
          data: [
            region(t('modePractice'), 0, 0, 0.3, 1, 'rgba(29, 107, 58, 0.14)'),
            region(t('modeLecture'), 0.7, 0, 1, 1, 'rgba(29, 78, 137, 0.14)'),
            region(t('modeDialogue'), 0.3, 0.4, 0.7, 1, 'rgba(179, 89, 0, 0.14)'),
            region(t('modeMixed'), 0.3, 0, 0.7, 0.4, 'rgba(107, 63, 160, 0.12)'),
          ],
        },
      },
    ],
  });
}

async function renderCompare(report) {
  const { lesson } = report;
  const select = document.getElementById('compare-select');
  const result = document.getElementById('compare-result');
  let earlier;
  try {
    const { lessons } = await api('/api/lessons?limit=500');
    earlier = lessons
      .filter((l) => l.id !== lesson.id && (l.startMs ?? 0) < (lesson.startMs ?? 0))
      .filter((l) => (lesson.classId ? l.classId === lesson.classId : true) && l.subject === lesson.subject)
      .sort((a, b) => (b.startMs ?? 0) - (a.startMs ?? 0));
  } catch {
    earlier = [];
  }
  if (earlier.length === 0) {
    document.getElementById('compare-form').hidden = true;
    result.append(el('p', { className: 'meta', text: t('compareNone') }));
    return;
  }
  for (const l of earlier)
    select.append(el('option', { value: l.id, text: formatDateTime(lang, l.startMs) }));
  const run = async () => {
    result.replaceChildren();
    try {
      const body = await api(`/api/compare?lessons=${select.value},${lesson.id}`);
      result.append(compareTable(t, body, [formatDateTime(lang, body.lessons[0].startMs), t('thisLesson')]));
    } catch (err) {
      result.append(el('p', { text: t('loadError') }));
      console.error(err);
    }
  };
  document.getElementById('compare-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    void run();
  });
  await run();
}

function renderWindowTimeline(report) {
  const windowS = report.lesson.windowS ?? 10;
  document.getElementById('timeline-desc').textContent = t('timelineDesc', { s: windowS });
  drawLegend(document.getElementById('legend'), t);
  document.getElementById('timeline').append(drawTimeline(report, t));
  const body = document.querySelector('#window-table tbody');
  for (const w of report.timeline) {
    const tr = el('tr');
    for (const text of [
      String(w.index),
      formatDateTime(lang, w.startMs, { timeStyle: 'medium' }),
      w.speechS ?? t('unknown'),
      w.silenceS ?? t('unknown'),
      w.levelDbfs ?? t('unknown'),
    ])
      tr.append(el('td', { text }));
    body.append(tr);
  }
}

async function load() {
  const id = window.location.pathname.split('/').pop();
  document.getElementById('back').href = '/';
  document.getElementById('print').addEventListener('click', () => window.print());
  try {
    const report = await api(`/api/lessons/${encodeURIComponent(id)}/report`);
    const { windows } = await api(`/api/lessons/${encodeURIComponent(id)}/windows`).catch(() => ({
      windows: [],
    }));
    setLessonStart(report.lesson.startMs ?? report.analysis?.lessonStartMs ?? windows[0]?.startMs ?? 0);
    document.getElementById('state').hidden = true;
    document.getElementById('report').hidden = false;
    renderHeader(report);
    renderTotals(report);
    const a = report.analysis;
    if (a) {
      renderDiagnostics(a);
      renderFindings(a);
      renderPhases(a);
      renderTalk(report, windows);
      renderSt(a);
      renderQuestions(report, a, windows);
      renderDiscourse(a);
      renderVision(report, a, windows);
    }
    renderWindowTimeline(report);
    await renderCompare(report);
    document.body.dataset.ready = 'true';
  } catch (err) {
    document.getElementById('report').hidden = true;
    showError(t, err, 'notFound');
    document.body.dataset.ready = 'error';
  }
}

void load();
