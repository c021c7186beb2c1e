// DOM, date and money helpers shared by the pages. No framework: h()
// builds elements; text is always set as text (never parsed as HTML).

const props = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'indeterminate', 'multiple', 'required', 'open', 'readOnly']);

// h builds an element: attrs are attributes, except on* (listeners), the
// properties above, class and for; children are nodes, strings or arrays
// (null and false are skipped).
export function h(tag, attrs, ...children) {
  const el = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false && !props.has(k)) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (props.has(k)) el[k] = v;
    else if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else if (k === 'for') el.htmlFor = v;
    else if (k === 'style') throw new Error('inline styles are not allowed (CSP): use a class');
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// vh is text for screen readers only.
export const vh = (text) => h('span', { class: 'vh' }, text);

// alert is an error message announced at once.
export const alertBox = (text) => h('p', { role: 'alert', class: 'alert' }, text);

let uid = 0;
export const nextId = (prefix) => `${prefix}-${++uid}`;

// field is a labelled control: <div><label for>…</label><control></div>.
export function field(label, control, hint) {
  if (!control.id) control.id = nextId('f');
  let hintEl = null;
  if (hint) {
    hintEl = h('span', { class: 'hint', id: nextId('hint') }, hint);
    control.setAttribute('aria-describedby', hintEl.id);
  }
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

export function checkbox(label, attrs) {
  const input = h('input', { type: 'checkbox', id: nextId('c'), ...attrs });
  return { input, el: h('div', { class: 'check' }, input, h('label', { for: input.id }, label)) };
}

// --- dates: YYYY-MM-DD strings, computed in UTC so no zone shifts them.

export function parseDate(s) {
  const [y, m, d] = s.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}
export const fmtDate = (d) => d.toISOString().slice(0, 10);
export const addDays = (s, n) => { const d = parseDate(s); d.setUTCDate(d.getUTCDate() + n); return fmtDate(d); };
export const daysBetween = (a, b) => Math.round((parseDate(b) - parseDate(a)) / 86400000);
export const isDate = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && fmtDate(parseDate(s)) === s;
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
export const weekday = (s) => WEEKDAYS[parseDate(s).getUTCDay()];

// todayIn is today's date in an IANA time zone (a hotel's).
export function todayIn(timeZone) {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return fmtDate(new Date());
  }
}

const dayFmt = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
export const longDate = (s) => dayFmt.format(parseDate(s));

// --- money: decimal strings, shown as given; compared in minor units.

// minor parses a decimal string into integer minor units (BigInt) at the
// given number of decimals, or null if it is not a decimal.
export function minor(s, decimals = 2) {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(String(s).trim());
  if (!m || (m[3] || '').length > decimals) return null;
  const v = BigInt(m[2] + (m[3] || '').padEnd(decimals, '0'));
  return m[1] ? -v : v;
}
export const sameMoney = (a, b) => a !== undefined && b !== undefined && minor(a) !== null && minor(a) === minor(b);
export const money = (amount, currency) => (amount === undefined || amount === null ? '—' : `${amount} ${currency || ''}`.trim());

// uuid is a random UUID v4 (crypto.randomUUID needs a secure context).
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
