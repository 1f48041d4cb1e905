/**
 * What the lesson report's sections share: the page's language and messages, the lesson's start
 * (charts count minutes from it), the time-axis charts a finding's evidence is marked on, and the
 * "unavailable: reason" note shown in place of a chart without data.
 */
import { el, setupPage } from './common.js';

export const { lang, t } = await setupPage('/');

export const isUnavailable = (part) => !part || typeof part.unavailable === 'string';

/** Time-axis charts, so a finding's evidence can be marked on all of them at once. */
export const timeCharts = [];
let lessonStartMs = 0;
export const setLessonStart = (ms) => (lessonStartMs = ms);
/** Milliseconds since the lesson started. */
export const sinceStart = (ms) => ms - lessonStartMs;
export const minutes = (ms) => Math.round((sinceStart(ms) / 60_000) * 1000) / 1000;

export function figure(list, label, value, id) {
  list.append(el('div', {}, el('dt', { text: label }), el('dd', { text: value, 'data-figure': id })));
}

export function duration(s) {
  return s >= 120 ? t('minutes', { n: (s / 60).toFixed(1) }) : t('seconds', { n: s.toFixed(1) });
}

/** "Unavailable: reason" in place of a chart whose data the lesson does not have. */
export function unavailableNote(part) {
  let reason = t(`reason_${String(part.unavailable).replace(/-/g, '_')}`);
  if (part.deviceReason)
    reason += t('deviceSays', { reason: t(`device_${part.deviceReason.replace(/-/g, '_')}`) });
  return el('p', {
    className: 'unavailable-note',
    text: t('unavailableReason', { reason }),
    'data-unavailable': part.unavailable,
  });
}

export function timeAxis() {
  return {
    type: 'value',
    name: t('axisMinutes'),
    nameLocation: 'middle',
    nameGap: 26,
    min: 0,
    axisLabel: { formatter: (v) => String(Math.round(v * 10) / 10) },
  };
}

export function baseGrid() {
  return { left: 56, right: 24, top: 40, bottom: 48 };
}
