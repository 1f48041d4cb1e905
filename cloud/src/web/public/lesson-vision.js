/* global document */
/** The lesson report's hands and heads-up section: class-level estimates per window, the heads-up dips. */
import { chart, COLOURS, el } from './common.js';
import { baseGrid, isUnavailable, minutes, t, timeAxis, timeCharts, unavailableNote } from './lesson-page.js';

export function renderVision(report, analysis, windows) {
  const box = document.getElementById('vision-body');
  const e = analysis.engagement;
  const p = analysis.participation;
  if (isUnavailable(e) && isUnavailable(p)) {
    box.append(unavailableNote(isUnavailable(e) ? e : p));
    return;
  }
  const desc = document.getElementById('vision-desc');
  desc.textContent = t('visionDesc');
  desc.hidden = false;
  const windowS = report.lesson.windowS ?? 10;
  const hands = [];
  for (const w of windows) {
    const v = w.message?.vision;
    if (v && typeof v.handsRaisedPeak === 'number')
      hands.push([minutes(w.startMs) + windowS / 120, v.handsRaisedPeak]);
  }
  const series = [];
  if (hands.length)
    series.push({
      name: t('handsRaised'),
      type: 'bar',
      barWidth: '90%',
      itemStyle: { color: COLOURS.hands },
      data: hands,
    });
  if (!isUnavailable(e))
    series.push({
      name: t('headsUp'),
      type: 'line',
      yAxisIndex: 1,
      symbol: 'none',
      lineStyle: { color: COLOURS.headsUp, width: 2 },
      itemStyle: { color: COLOURS.headsUp },
      data: e.headsUpCurve
        .filter((c) => c.ratio !== null)
        .map((c) => [minutes((c.startMs + c.endMs) / 2), c.ratio]),
      markArea: {
        silent: true,
        itemStyle: { color: 'rgba(138, 28, 28, 0.12)' },
        data: e.dips.map((d) => [
          { name: t('headsUpDip'), xAxis: minutes(d.startMs) },
          { xAxis: minutes(d.endMs) },
        ]),
      },
    });
  const notes = [];
  if (isUnavailable(e)) notes.push(unavailableNote(e));
  if (isUnavailable(p)) notes.push(unavailableNote(p));
  const div = el('div', {
    id: 'vision-chart',
    className: 'echart',
    tabindex: '0',
    role: 'img',
    'aria-label': t('visionTitle'),
  });
  box.append(...notes, div);
  const last = windows.length ? minutes(windows[windows.length - 1].endMs) : 1;
  timeCharts.push(
    chart(div, {
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      grid: { ...baseGrid(), right: 56 },
      xAxis: { ...timeAxis(), max: last },
      yAxis: [
        { type: 'value', name: t('handsRaised'), minInterval: 1 },
        {
          type: 'value',
          name: t('headsUp'),
          min: 0,
          max: 1,
          axisLabel: { formatter: (v) => `${Math.round(v * 100)}%` },
        },
      ],
      series,
    }),
  );
}
