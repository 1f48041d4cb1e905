/* global document, fetch, window */
import { applyLanguage, currentLang, formatTime, subjectName, withLang } from './i18n.js';
import { drawLegend, drawTimeline } from './timeline.js';

const lang = currentLang();
const t = applyLanguage(lang);
document.getElementById('back').href = withLang('/', lang);

function figure(list, label, value) {
  const div = document.createElement('div');
  const dt = document.createElement('dt');
  const dd = document.createElement('dd');
  dt.textContent = label;
  dd.textContent = value;
  div.append(dt, dd);
  list.append(div);
}

function duration(s) {
  return s >= 120 ? t('minutes', { n: (s / 60).toFixed(1) }) : t('seconds', { n: s.toFixed(1) });
}

function render(report) {
  const { lesson, totals, windows } = report;
  const subject = subjectName(lang, lesson.subject);
  document.getElementById('title').textContent = `${t('reportTitle')}: ${subject}`;
  document.title = `${t('reportTitle')} · ${subject} · ${t('appName')}`;
  const grade = lesson.grade === null ? t('unknown') : t('gradeN', { n: lesson.grade });
  const status = lesson.status === 'complete' ? t('statusComplete') : t('statusOpen');
  document.getElementById('meta').textContent = [
    formatTime(lang, lesson.startMs),
    grade,
    `${t('colSchool')} ${lesson.school}`,
    `${t('colRoom')} ${lesson.room}`,
    `${t('colDevice')} ${lesson.deviceId}`,
    status,
  ].join(' · ');

  const totalsList = document.getElementById('totals');
  figure(totalsList, t('duration'), duration(totals.durationS));
  figure(totalsList, t('coverage'), duration(totals.coverageS));
  figure(totalsList, t('speech'), duration(totals.speechS));
  figure(totalsList, t('silence'), duration(totals.silenceS));
  figure(
    totalsList,
    t('speechRatio'),
    totals.speechRatio === null ? t('unknown') : `${(totals.speechRatio * 100).toFixed(1)} %`,
  );

  const windowList = document.getElementById('windows');
  figure(windowList, t('expected'), windows.expected === null ? t('unknown') : String(windows.expected));
  figure(windowList, t('received'), String(windows.received));
  figure(
    windowList,
    t('missing'),
    windows.missing.length === 0 ? t('missingNone') : windows.missing.join(', '),
  );

  renderDiagnostics(report.analysis);

  const windowS = lesson.windowS ?? 10;
  document.getElementById('timeline-desc').textContent = t('timelineDesc', { s: windowS });
  drawLegend(document.getElementById('legend'), t);
  document.getElementById('timeline').append(drawTimeline(report, t));

  const body = document.querySelector('#window-table tbody');
  for (const w of report.timeline) {
    const tr = document.createElement('tr');
    const time = new Intl.DateTimeFormat(lang, { timeStyle: 'medium' }).format(new Date(w.startMs));
    for (const text of [
      String(w.index),
      time,
      w.speechS ?? t('unknown'),
      w.silenceS ?? t('unknown'),
      w.levelDbfs ?? t('unknown'),
    ]) {
      const td = document.createElement('td');
      td.textContent = String(text);
      tr.append(td);
    }
    body.append(tr);
  }
}

const percent = (x) => `${(x * 100).toFixed(0)} %`;

/** lesson-report/2's analysis, minimally: S-T mode, three headline metrics, the findings. */
function renderDiagnostics(analysis) {
  if (!analysis) return;
  const list = document.getElementById('diagnostics');
  const metric = (id, show) => {
    const m = analysis.metrics[id];
    return m ? show(m.value) : t('unavailable');
  };
  const st = analysis.st;
  const modeKey = st.mode ? `mode${st.mode[0].toUpperCase()}${st.mode.slice(1)}` : null;
  figure(
    list,
    t('stMode'),
    modeKey ? `${t(modeKey)} (Rt ${st.rt.toFixed(2)}, Ch ${st.ch.toFixed(2)})` : t('unavailable'),
  );
  figure(list, t('teacherTalkShare'), metric('teacherShareOfTalk', percent));
  figure(
    list,
    t('questionsPer10'),
    metric('teacherQuestionsPer10Min', (v) => v.toFixed(1)),
  );
  figure(list, t('wait3s'), metric('waitAtLeast3sShare', percent));
  const ul = document.getElementById('findings');
  for (const f of analysis.findings) {
    const li = document.createElement('li');
    li.textContent = lang === 'en' ? f.text.en : f.text['zh-CN'];
    ul.append(li);
  }
  if (analysis.findings.length === 0) {
    const li = document.createElement('li');
    li.textContent = t('findingsNone');
    ul.append(li);
  }
}

async function load() {
  const state = document.getElementById('state');
  const id = window.location.pathname.split('/').pop();
  try {
    const res = await fetch(`/api/lessons/${encodeURIComponent(id)}/report`);
    if (res.status === 404) {
      state.textContent = t('notFound');
      return;
    }
    if (!res.ok) throw new Error(String(res.status));
    render(await res.json());
    state.hidden = true;
    document.getElementById('report').hidden = false;
  } catch {
    state.textContent = t('loadError');
  }
}

void load();
