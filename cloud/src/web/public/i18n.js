/* global document, window, URL, URLSearchParams */
/**
 * The UI's message catalogue: zh-CN first, English on `?lang=en`. Keys are shared; a key missing
 * from a language falls back to zh-CN.
 */
export const MESSAGES = {
  'zh-CN': {
    appName: '课堂分析',
    lessonsTitle: '课堂列表',
    reportTitle: '课堂报告',
    switchLang: 'English',
    loading: '加载中…',
    loadError: '无法加载数据。',
    notFound: '找不到这节课。',
    empty: '暂无课堂数据。',
    backToList: '返回课堂列表',
    colStart: '开始时间',
    colSchool: '学校',
    colRoom: '教室',
    colSubject: '学科',
    colGrade: '年级',
    colStatus: '状态',
    colWindows: '窗口（收到/应有）',
    colDevice: '设备',
    statusOpen: '进行中',
    statusComplete: '已结束',
    unknown: '—',
    gradeN: '{n} 年级',
    totalsTitle: '合计',
    duration: '时长',
    coverage: '已分析时长',
    speech: '有人说话',
    silence: '静音',
    speechRatio: '说话占比',
    windowsTitle: '窗口',
    expected: '应有',
    received: '收到',
    missing: '缺失',
    missingNone: '无',
    diagnosticsTitle: '课堂诊断',
    findingsTitle: '发现与建议',
    findingsNone: '没有需要提示的发现。',
    stMode: 'S-T 教学模式',
    modeLecture: '讲授型',
    modeDialogue: '对话型',
    modePractice: '练习型',
    modeMixed: '混合型',
    teacherTalkShare: '教师讲话占比',
    questionsPer10: '每 10 分钟教师提问',
    wait3s: '等待 ≥ 3 秒的提问占比',
    unavailable: '不可用',
    timelineTitle: '说话与静音时间线',
    timelineDesc:
      '每个柱代表一个 {s} 秒窗口：深色为说话秒数，浅色为静音秒数；斜线为缺失窗口，灰色为无音频数据。',
    legendSpeech: '说话',
    legendSilence: '静音',
    legendMissing: '缺失（未收到）',
    legendUnavailable: '无音频数据',
    axisMinutes: '分钟',
    axisSeconds: '秒',
    tableSummary: '以表格查看各窗口数据',
    colIndex: '序号',
    colTime: '时间',
    colLevel: '音量 (dBFS)',
    seconds: '{n} 秒',
    minutes: '{n} 分钟',
    subjects: {
      chinese: '语文',
      math: '数学',
      english: '英语',
      physics: '物理',
      chemistry: '化学',
      biology: '生物',
      history: '历史',
      geography: '地理',
      politics: '道德与法治',
      science: '科学',
      music: '音乐',
      art: '美术',
      pe: '体育',
      it: '信息技术',
      other: '其他',
    },
  },
  en: {
    appName: 'Classroom analytics',
    lessonsTitle: 'Lessons',
    reportTitle: 'Lesson report',
    switchLang: '中文',
    loading: 'Loading…',
    loadError: 'Could not load the data.',
    notFound: 'No such lesson.',
    empty: 'No lessons yet.',
    backToList: 'Back to lessons',
    colStart: 'Start',
    colSchool: 'School',
    colRoom: 'Room',
    colSubject: 'Subject',
    colGrade: 'Grade',
    colStatus: 'Status',
    colWindows: 'Windows (received/expected)',
    colDevice: 'Device',
    statusOpen: 'In progress',
    statusComplete: 'Complete',
    unknown: '—',
    gradeN: 'Grade {n}',
    totalsTitle: 'Totals',
    duration: 'Duration',
    coverage: 'Analysed',
    speech: 'Speech',
    silence: 'Silence',
    speechRatio: 'Speech share',
    windowsTitle: 'Windows',
    expected: 'Expected',
    received: 'Received',
    missing: 'Missing',
    missingNone: 'none',
    diagnosticsTitle: 'Lesson diagnostics',
    findingsTitle: 'Findings and suggestions',
    findingsNone: 'No findings to point out.',
    stMode: 'S-T teaching mode',
    modeLecture: 'lecture',
    modeDialogue: 'dialogue',
    modePractice: 'practice',
    modeMixed: 'mixed',
    teacherTalkShare: 'Teacher share of talk',
    questionsPer10: 'Teacher questions per 10 min',
    wait3s: 'Questions with a wait ≥ 3 s',
    unavailable: 'unavailable',
    timelineTitle: 'Speech and silence timeline',
    timelineDesc:
      'Each bar is one {s}-second window: dark is seconds of speech, light is seconds of silence; hatched bars are missing windows, grey bars have no audio data.',
    legendSpeech: 'Speech',
    legendSilence: 'Silence',
    legendMissing: 'Missing (not received)',
    legendUnavailable: 'No audio data',
    axisMinutes: 'min',
    axisSeconds: 's',
    tableSummary: 'Show the windows as a table',
    colIndex: '#',
    colTime: 'Time',
    colLevel: 'Level (dBFS)',
    seconds: '{n} s',
    minutes: '{n} min',
    subjects: {
      chinese: 'Chinese',
      math: 'Mathematics',
      english: 'English',
      physics: 'Physics',
      chemistry: 'Chemistry',
      biology: 'Biology',
      history: 'History',
      geography: 'Geography',
      politics: 'Morality and law',
      science: 'Science',
      music: 'Music',
      art: 'Art',
      pe: 'Physical education',
      it: 'Information technology',
      other: 'Other',
    },
  },
};

/** The language asked for in the URL (`?lang=en`), zh-CN otherwise. */
export function currentLang() {
  const asked = new URLSearchParams(window.location.search).get('lang');
  return asked === 'en' ? 'en' : 'zh-CN';
}

/** A translator for one language: t('key', { n: 3 }) fills `{n}`. */
export function translator(lang) {
  const own = MESSAGES[lang] ?? MESSAGES['zh-CN'];
  return (key, params = {}) => {
    const text = own[key] ?? MESSAGES['zh-CN'][key] ?? key;
    return String(text).replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
  };
}

/** Sets <html lang>, fills every [data-i18n] element and points the language switch at the other language. */
export function applyLanguage(lang) {
  const t = translator(lang);
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  const other = lang === 'en' ? 'zh-CN' : 'en';
  const link = document.getElementById('lang-switch');
  if (link) {
    const url = new URL(window.location.href);
    url.searchParams.set('lang', other);
    link.href = url.pathname + url.search;
    link.textContent = t('switchLang');
    link.lang = other;
    link.hreflang = other;
  }
  return t;
}

/** A link inside the app that keeps the chosen language. */
export function withLang(path, lang) {
  return lang === 'en' ? `${path}?lang=en` : path;
}

export function subjectName(lang, code) {
  if (!code) return MESSAGES[lang].unknown;
  return MESSAGES[lang].subjects[code] ?? code;
}

export const SCHOOL_TIME_ZONE = 'Asia/Shanghai';

export function formatTime(lang, ms) {
  if (ms === null || ms === undefined) return MESSAGES[lang].unknown;
  // Lessons are read in the school's time zone, not the viewer's: a report says 08:30 for a
  // first-period lesson wherever it is opened. Asia/Shanghai until schools carry their own zone.
  return new Intl.DateTimeFormat(lang, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: SCHOOL_TIME_ZONE,
  }).format(new Date(ms));
}
