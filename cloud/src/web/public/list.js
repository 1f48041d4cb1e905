/* global document, fetch, Node */
import { applyLanguage, currentLang, formatTime, subjectName, withLang } from './i18n.js';

const lang = currentLang();
const t = applyLanguage(lang);
document.title = `${t('lessonsTitle')} · ${t('appName')}`;

function cell(row, text) {
  const td = document.createElement('td');
  if (text instanceof Node) td.append(text);
  else td.textContent = text;
  row.append(td);
}

async function load() {
  const state = document.getElementById('state');
  try {
    const res = await fetch('/api/lessons?limit=200');
    if (!res.ok) throw new Error(String(res.status));
    const { lessons } = await res.json();
    if (lessons.length === 0) {
      state.textContent = t('empty');
      return;
    }
    const body = document.querySelector('#lessons tbody');
    for (const l of lessons) {
      const tr = document.createElement('tr');
      const link = document.createElement('a');
      link.href = withLang(`/lessons/${l.id}`, lang);
      link.textContent = formatTime(lang, l.startMs ?? l.createdMs);
      cell(tr, link);
      cell(tr, subjectName(lang, l.subject));
      cell(tr, l.grade === null ? t('unknown') : t('gradeN', { n: l.grade }));
      cell(tr, l.school);
      cell(tr, l.room);
      cell(tr, l.status === 'complete' ? t('statusComplete') : t('statusOpen'));
      cell(tr, `${l.receivedWindows} / ${l.expectedWindows ?? t('unknown')}`);
      body.append(tr);
    }
    state.hidden = true;
    document.getElementById('lessons').hidden = false;
  } catch {
    state.textContent = t('loadError');
  }
}

void load();
