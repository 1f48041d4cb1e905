/* global document */
/** The lesson report's questions section: counts, question types, questions per window and wait time 1. */
import { chart, COLOURS, el, pct } from './common.js';
import {
  baseGrid,
  figure,
  isUnavailable,
  minutes,
  t,
  timeAxis,
  timeCharts,
  unavailableNote,
} from './lesson-page.js';

export function renderQuestions(report, analysis, windows) {
  const box = document.getElementById('questions-body');
  const q = analysis.questions;
  if (isUnavailable(q)) {
    box.append(unavailableNote(q));
    return;
  }
  const figures = el('dl', { className: 'figures' });
  figure(figures, t('teacherQuestions'), String(q.teacherQuestions), 'teacherQuestions');
  figure(figures, t('studentQuestions'), String(q.studentQuestions), 'studentQuestions');
  figure(figures, t('wait3s'), pct(q.waitAtLeast3sShare), 'questionsWait3s');
  figure(figures, t('openQuestionShare'), pct(q.typeShares?.open), 'openQuestionShare');
  figure(figures, t('higherOrderQuestionShare'), pct(q.typeShares?.higherOrder), 'higherOrderQuestionShare');
  const perWindow = el('div', {
    id: 'questions-chart',
    className: 'echart short',
    tabindex: '0',
    role: 'img',
    'aria-label': t('questionsPerWindow'),
  });
  const wait = el('div', {
    id: 'wait-chart',
    className: 'echart short',
    tabindex: '0',
    role: 'img',
    'aria-label': t('waitTimeTitle'),
  });
  box.append(
    figures,
    el('h3', { text: t('questionsPerWindow') }),
    perWindow,
    el('h3', { text: t('waitTimeTitle') }),
    wait,
  );
  const windowS = report.lesson.windowS ?? 10;
  const teacherQ = [];
  const studentQ = [];
  for (const w of windows) {
    const s = w.message?.speech;
    if (!s) continue;
    const x = minutes(w.startMs) + windowS / 120;
    teacherQ.push([x, s.teacherQuestions]);
    studentQ.push([x, s.studentQuestions]);
  }
  const last = windows.length ? minutes(windows[windows.length - 1].endMs) : 1;
  timeCharts.push(
    chart(perWindow, {
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      grid: baseGrid(),
      xAxis: { ...timeAxis(), max: last },
      yAxis: { type: 'value', name: t('questionCount'), minInterval: 1 },
      series: [
        {
          name: t('teacherQuestions'),
          type: 'bar',
          stack: 'q',
          barWidth: '90%',
          itemStyle: { color: COLOURS.teacher },
          data: teacherQ,
        },
        {
          name: t('studentQuestions'),
          type: 'bar',
          stack: 'q',
          itemStyle: { color: COLOURS.student },
          data: studentQ,
        },
      ],
    }),
  );
  const edges = q.waitTime1.edgesS;
  const labels = q.waitTime1.counts.map((_, i) =>
    i === 0
      ? `< ${edges[0]} s`
      : i === edges.length
        ? `≥ ${edges[edges.length - 1]} s`
        : `${edges[i - 1]}–${edges[i]} s`,
  );
  chart(wait, {
    tooltip: { trigger: 'axis' },
    grid: baseGrid(),
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', name: t('questionCount'), minInterval: 1 },
    series: [
      {
        name: t('waitTimeTitle'),
        type: 'bar',
        itemStyle: { color: COLOURS.accent },
        data: q.waitTime1.counts,
      },
    ],
  });
}
