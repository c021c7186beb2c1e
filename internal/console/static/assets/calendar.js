// The calendar: one hotel, room types × rate plans × 30/60/90 days, from
// GET /inventory/hotels/{id}/ari; a range of days and plan rows changed
// through the bulk ARI call (POST …/ari), previewed first.
import { h, vh, alertBox, field, checkbox, nextId, addDays, daysBetween, isDate, weekday, todayIn, WEEKDAYS, parseDate, sameMoney, minor, uuid } from './dom.js';
import { api, ApiError } from './api.js';

const DAY_CHOICES = [30, 60, 90];
const WEEK_ORDER = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WEEKDAY_LABEL = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };
const RESTRICTIONS = [
  { key: 'closed_to_arrival', label: 'Closed to arrival', badge: 'CTA' },
  { key: 'closed_to_departure', label: 'Closed to departure', badge: 'CTD' },
  { key: 'stop_sell', label: 'Stop sell', badge: 'stop' },
];
const PREVIEW_LINES = 200;

const colFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const wdFmt = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'UTC' });

// occupancyClass buckets the share of rooms taken into six classes.
export function occupancyClass(total, available) {
  if (!total) return 'occ-none';
  const taken = Math.max(0, total - available) / total;
  if (taken >= 1) return 'occ-5';
  return `occ-${Math.min(4, Math.floor(taken * 5))}`;
}

export async function render(ctx) {
  const { main, params, hotelId, hotel, can, page, navigate } = ctx;
  const days = DAY_CHOICES.includes(Number(params.get('days'))) ? Number(params.get('days')) : 30;
  const from = isDate(params.get('from') || '') ? params.get('from') : todayIn(hotel ? hotel.time_zone : 'UTC');
  const to = addDays(from, days - 1);
  const go = (f, d) => navigate(`/console/calendar?hotel=${hotelId}&days=${d}&from=${f}`);

  const startInput = h('input', { type: 'date', name: 'from', value: from, required: true });
  const daysSelect = h('select', { name: 'days' }, DAY_CHOICES.map((d) => h('option', { value: d, selected: d === days }, `${d} days`)));
  const toolbar = h('form', { class: 'toolbar', 'aria-label': 'Dates shown', onsubmit: (e) => {
    e.preventDefault();
    if (isDate(startInput.value)) go(startInput.value, Number(daysSelect.value));
  } },
  field('Start date', startInput), field('Days', daysSelect),
  h('button', { type: 'submit' }, 'Show'),
  h('button', { type: 'button', class: 'secondary', onclick: () => go(addDays(from, -days), days) }, `Previous ${days} days`),
  h('button', { type: 'button', class: 'secondary', onclick: () => go(addDays(from, days), days) }, `Next ${days} days`));

  const status = h('div', { role: 'status', class: 'status' }, 'Loading the calendar…');
  const gridArea = h('div', { class: 'grid-area' });
  main.replaceChildren(h('h1', {}, 'Calendar'), h('p', { class: 'subtitle' }, hotel ? `${hotel.hotel_name}, ${hotel.location}` : `Hotel ${hotelId}`), toolbar, status, gridArea);
  if (!hotelId) {
    status.replaceChildren(alertBox('No hotel to show.'));
    return;
  }

  const cal = { hotelId, from, to, days, dates: [], rows: [], planRows: [], currency: '' };
  const editor = can('inventory:write') ? makeEditor(cal, () => load()) : null;
  if (editor) main.append(editor.el);

  async function load() {
    let ari;
    let plans = null;
    try {
      const [a, p] = await Promise.all([
        api('GET', `/inventory/hotels/${hotelId}/ari`, { query: { from, to } }),
        api('GET', `/inventory/hotels/${hotelId}/rate-plans`).catch(() => null),
      ]);
      ari = a.data;
      plans = p && p.data;
    } catch (e) {
      if (!page.current()) return;
      gridArea.replaceChildren();
      if (editor) editor.el.remove();
      if (e instanceof ApiError && e.status === 403) status.replaceChildren(alertBox('You do not have access to this hotel.'));
      else if (e instanceof ApiError && e.status === 404) status.replaceChildren(alertBox('Hotel not found.'));
      else status.replaceChildren(alertBox(`The calendar could not be loaded: ${e.message}`));
      return;
    }
    if (!page.current()) return;
    model(cal, ari, plans);
    gridArea.replaceChildren(legend(), table(cal, hotel, editor));
    status.replaceChildren(`${cal.rows.filter((r) => r.kind === 'room').length} room types, ${cal.planRows.length} rate plans, ${cal.dates.length} days from ${from} (prices in ${cal.currency}).`);
    if (editor) editor.refresh();
    performance.mark('calendar-rendered');
  }
  await load();
}

// model turns the ARI answer into rows: per room type its nights, then one
// row per rate plan with each date's price and restrictions.
function model(cal, ari, plans) {
  const byId = new Map((plans || []).map((p) => [p.rate_plan_id, p]));
  cal.currency = ari.currency;
  cal.dates = [];
  for (let d = cal.from; d <= cal.to; d = addDays(d, 1)) cal.dates.push(d);
  cal.rows = [];
  cal.planRows = [];
  for (const rt of ari.room_types) {
    const nights = new Map(rt.nights.map((n) => [n.date, n]));
    const room = { kind: 'room', rt, nights };
    cal.rows.push(room);
    for (const p of rt.rate_plans) {
      const info = byId.get(p.rate_plan_id);
      const row = { kind: 'plan', rt, room, plan: p, info, base: info ? info.parent_id === undefined : true, nights: new Map(p.nights.map((n) => [n.date, n])), index: cal.planRows.length };
      row.label = `${rt.room_type} ${p.code}`;
      cal.rows.push(row);
      cal.planRows.push(row);
    }
  }
}

function legend() {
  const items = [['occ-0', 'under 20 %'], ['occ-1', '20–39 %'], ['occ-2', '40–59 %'], ['occ-3', '60–79 %'], ['occ-4', '80–99 %'], ['occ-5', 'full']];
  return h('div', { class: 'legend' }, h('span', {}, 'Occupancy:'), items.map(([c, t]) => h('span', { class: `swatch ${c}` }, t)),
    h('span', {}, 'Badges:'), h('span', { class: 'badge' }, 'min N'), vh('minimum stay N nights'), h('span', { class: 'badge' }, 'CTA'), ' closed to arrival ',
    h('span', { class: 'badge' }, 'CTD'), ' closed to departure ', h('span', { class: 'badge stop' }, 'stop'), ' stop sell');
}

function badges(r) {
  const out = [];
  const min = r.min_stay_arrival || r.min_stay_through;
  if (min) out.push(h('span', { class: 'badge', 'aria-hidden': 'true' }, `min ${min}`), vh(`, minimum stay ${min} nights`));
  for (const x of RESTRICTIONS) {
    if (r[x.key]) out.push(h('span', { class: x.key === 'stop_sell' ? 'badge stop' : 'badge', 'aria-hidden': 'true' }, x.badge), vh(`, ${x.label.toLowerCase()}`));
  }
  return out;
}

// table renders the calendar grid. Plan cells are focusable (one at a
// time: a roving tabindex, arrows move) and select a range for the editor.
function table(cal, hotel, editor) {
  const head = h('tr', {}, h('th', { scope: 'col', class: 'corner' }, 'Room type / rate plan'),
    cal.dates.map((d) => {
      const wd = weekday(d);
      return h('th', { scope: 'col', class: wd === 'sat' || wd === 'sun' ? 'day weekend' : 'day' }, h('span', { class: 'wd' }, wdFmt.format(parseDate(d))), ' ', h('span', { class: 'dm' }, colFmt.format(parseDate(d))));
    }));
  const body = h('tbody');
  for (const row of cal.rows) {
    const tr = row.kind === 'room'
      ? h('tr', { class: 'room-row', 'data-room-type': row.rt.room_type_id })
      : h('tr', { class: 'plan-row', 'data-plan': row.plan.code });
    if (row.kind === 'room') {
      tr.append(h('th', { scope: 'row' }, row.rt.room_type, h('span', { class: 'sub' }, 'rooms available')));
      for (const d of cal.dates) {
        const n = row.nights.get(d);
        tr.append(n
          ? h('td', { class: `occ ${occupancyClass(n.total_rooms, n.available_rooms)}`, 'data-date': d }, `${n.available_rooms} of ${n.total_rooms}`)
          : h('td', { class: 'occ occ-none', 'data-date': d }, h('span', { 'aria-hidden': 'true' }, '—'), vh('no inventory')));
      }
    } else {
      tr.append(h('th', { scope: 'row' }, row.plan.code, h('span', { class: 'sub' }, row.info ? row.info.name : (row.plan.sellable ? '' : 'not sellable'))));
      row.cells = [];
      cal.dates.forEach((d, c) => {
        const n = row.nights.get(d);
        const td = h('td', { class: 'cell', tabindex: '-1', 'data-r': row.index, 'data-c': c, 'data-date': d },
          n && n.price !== undefined ? h('span', { class: 'price' }, n.price) : h('span', { class: 'price none' }, h('span', { 'aria-hidden': 'true' }, '—'), vh('no price')),
          n ? badges(n.restrictions || {}) : null);
        row.cells.push(td);
        tr.append(td);
      });
    }
    body.append(tr);
  }
  const t = h('table', { class: 'calendar' },
    h('caption', {}, `Availability, prices (${cal.currency}) and restrictions of ${hotel ? hotel.hotel_name : `hotel ${cal.hotelId}`}, ${cal.from} to ${cal.to}`),
    h('thead', {}, head), body);
  if (cal.planRows.length && cal.planRows[0].cells.length) cal.planRows[0].cells[0].tabIndex = 0;
  if (editor) wireSelection(cal, t, editor);
  return h('div', { class: 'scroll', role: 'region', 'aria-label': 'Calendar grid', tabindex: '0' }, t);
}

function wireSelection(cal, t, editor) {
  let anchor = null;
  let active = cal.planRows.length ? { r: 0, c: 0 } : null;
  const cellAt = (p) => cal.planRows[p.r] && cal.planRows[p.r].cells[p.c];
  const focusCell = (p) => {
    const old = cellAt(active);
    if (old) old.tabIndex = -1;
    active = p;
    const el = cellAt(p);
    el.tabIndex = 0;
    el.focus();
  };
  const select = (p, extend) => {
    if (!extend || !anchor) anchor = p;
    const r0 = Math.min(anchor.r, p.r); const r1 = Math.max(anchor.r, p.r);
    const c0 = Math.min(anchor.c, p.c); const c1 = Math.max(anchor.c, p.c);
    for (const row of cal.planRows) row.cells.forEach((el, c) => el.classList.toggle('selected', row.index >= r0 && row.index <= r1 && c >= c0 && c <= c1));
    editor.select(cal.planRows.slice(r0, r1 + 1), cal.dates[c0], cal.dates[c1]);
  };
  const pos = (el) => ({ r: Number(el.dataset.r), c: Number(el.dataset.c) });
  t.addEventListener('click', (e) => {
    const td = e.target.closest('td.cell');
    if (!td) return;
    focusCell(pos(td));
    select(pos(td), e.shiftKey);
  });
  t.addEventListener('keydown', (e) => {
    const td = e.target.closest('td.cell');
    if (!td) return;
    const p = pos(td);
    const last = cal.dates.length - 1;
    const moves = { ArrowRight: { r: p.r, c: Math.min(last, p.c + 1) }, ArrowLeft: { r: p.r, c: Math.max(0, p.c - 1) },
      ArrowDown: { r: Math.min(cal.planRows.length - 1, p.r + 1), c: p.c }, ArrowUp: { r: Math.max(0, p.r - 1), c: p.c },
      Home: { r: p.r, c: 0 }, End: { r: p.r, c: last } };
    if (moves[e.key]) {
      e.preventDefault();
      focusCell(moves[e.key]);
      if (e.shiftKey) select(moves[e.key], true);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      select(p, e.shiftKey);
    }
  });
}

// makeEditor builds the "Change a range" form. It works alone by keyboard
// (dates, weekdays, plan rows, values); selecting cells only fills it.
function makeEditor(cal, reload) {
  const headingId = nextId('h');
  const fromIn = h('input', { type: 'date', name: 'range-from' });
  const toIn = h('input', { type: 'date', name: 'range-to' });
  const weekdays = WEEK_ORDER.map((d) => ({ d, ...checkbox(WEEKDAY_LABEL[d], { checked: true, value: d }) }));
  const planBox = h('div', { class: 'plan-checks' });
  let planChecks = [];
  const price = h('input', { type: 'text', inputmode: 'decimal', name: 'price', autocomplete: 'off', pattern: '\\d+(\\.\\d{1,2})?' });
  const capacity = h('input', { type: 'number', name: 'capacity', min: '0', max: '10000', step: '1' });
  const minStay = h('input', { type: 'number', name: 'min-stay', min: '0', max: '366', step: '1' });
  const restr = RESTRICTIONS.map((x) => ({ ...x, ...checkbox(x.label, { name: x.key }) }));
  const reason = h('input', { type: 'text', name: 'reason', maxlength: '500', autocomplete: 'off' });
  const errors = h('div', { class: 'form-errors' });
  const preview = h('div', { role: 'status', class: 'preview', id: nextId('preview') });
  const applyBtn = h('button', { type: 'button', disabled: true, onclick: apply }, 'Apply');
  const previewBtn = h('button', { type: 'submit' }, 'Preview');

  // What the form held when it was last filled from a selection: a field
  // equal to it is "unchanged" and not sent.
  let initial = { price: '', capacity: '', minStay: '', restr: {} };
  let pending = null; // {body, key}: the previewed request, its Idempotency-Key kept for retries

  const form = h('form', { novalidate: true, onsubmit: (e) => { e.preventDefault(); doPreview(); }, oninput: invalidate, onchange: invalidate },
    h('div', { class: 'row' }, field('From', fromIn), field('To', toIn)),
    h('fieldset', {}, h('legend', {}, 'Weekdays'), h('div', { class: 'checks' }, weekdays.map((w) => w.el))),
    h('fieldset', {}, h('legend', {}, 'Rate plans'), planBox),
    h('fieldset', {}, h('legend', {}, 'Set'),
      h('div', { class: 'row' },
        field('Price', price, `Base plans only, in the hotel's currency; empty: unchanged`),
        field('Capacity', capacity, 'Rooms of the room type; empty: unchanged'),
        field('Minimum stay', minStay, 'Nights, on arrival; 0 clears; empty: unchanged')),
      h('div', { class: 'checks' }, restr.map((x) => x.el)),
      field('Reason', reason, 'Recorded with the change')),
    errors,
    h('div', { class: 'actions' }, previewBtn, applyBtn),
    preview);
  const el = h('section', { class: 'editor', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, 'Change a range'),
    h('p', { class: 'hint' }, 'Select cells in the calendar (click, shift-click; or Enter, shift+Enter on a cell) or fill in the dates and plans here. Preview lists what changes; Apply sends it in one transaction.'),
    form);
  for (const x of restr) x.input.addEventListener('change', () => { x.input.dataset.touched = '1'; });

  function invalidate() {
    applyBtn.disabled = true;
  }

  // refresh rebuilds the plan checkboxes after the calendar (re)loads,
  // keeping the ones checked.
  function refresh() {
    const was = new Set(planChecks.filter((p) => p.input.checked).map((p) => p.row.plan.rate_plan_id));
    planChecks = cal.planRows.map((row) => ({ row, ...checkbox(row.label, { checked: was.has(row.plan.rate_plan_id), value: row.plan.rate_plan_id }) }));
    planBox.replaceChildren(...planChecks.map((p) => p.el));
    if (!fromIn.value) fromIn.value = cal.from;
    if (!toIn.value) toIn.value = addDays(cal.from, 6);
  }

  // select fills the form from a selection of plan rows and dates.
  function select(rows, from, to) {
    fromIn.value = from;
    toIn.value = to;
    const ids = new Set(rows.map((r) => r.plan.rate_plan_id));
    for (const p of planChecks) p.input.checked = ids.has(p.row.plan.rate_plan_id);
    for (const w of weekdays) w.input.checked = true;
    const nights = [];
    for (const r of rows) for (let d = from; d <= to; d = addDays(d, 1)) { const n = r.nights.get(d); if (n) nights.push(n); }
    const same = (vals) => (vals.length && vals.every((v) => v === vals[0]) ? vals[0] : '');
    const prices = nights.map((n) => n.price).filter((v) => v !== undefined);
    initial = {
      price: prices.length === nights.length && prices.every((v) => sameMoney(v, prices[0])) ? (prices[0] || '') : '',
      capacity: String(same(rows.flatMap((r) => { const out = []; for (let d = from; d <= to; d = addDays(d, 1)) { const n = r.room.nights.get(d); if (n) out.push(n.total_rooms); } return out; }))),
      minStay: String(same(nights.map((n) => (n.restrictions && n.restrictions.min_stay_arrival) || 0))),
      restr: {},
    };
    price.value = initial.price;
    capacity.value = initial.capacity;
    minStay.value = initial.minStay;
    for (const x of restr) {
      const vals = nights.map((n) => Boolean(n.restrictions && n.restrictions[x.key]));
      const all = vals.length > 0 && vals.every(Boolean);
      const none = vals.every((v) => !v);
      x.input.checked = all;
      x.input.indeterminate = !all && !none;
      delete x.input.dataset.touched;
      initial.restr[x.key] = all || (none ? false : 'mixed');
    }
    errors.replaceChildren();
    preview.replaceChildren(`Selected ${rows.length} plan row${rows.length === 1 ? '' : 's'}, ${from} to ${to}.`);
    invalidate();
  }

  // build reads the form into the ARI request, or answers the problems.
  function build() {
    const problems = [];
    const from = fromIn.value; const to = toIn.value;
    if (!isDate(from)) problems.push('From must be a date.');
    if (!isDate(to)) problems.push('To must be a date.');
    if (isDate(from) && isDate(to) && to < from) problems.push('To must not be before From.');
    if (isDate(from) && isDate(to) && daysBetween(from, to) > 365) problems.push('A range is at most 366 days.');
    const days = weekdays.filter((w) => w.input.checked).map((w) => w.d);
    if (!days.length) problems.push('Choose at least one weekday.');
    const rows = planChecks.filter((p) => p.input.checked).map((p) => p.row);
    if (!rows.length) problems.push('Choose at least one rate plan.');
    const set = {};
    const pv = price.value.trim();
    if (pv !== '' && pv !== initial.price) {
      if (minor(pv) === null || minor(pv) < 0n) problems.push('Price must be an amount such as 120.00.');
      else set.price = pv;
    }
    const cv = capacity.value.trim();
    if (cv !== '' && cv !== initial.capacity) {
      if (!/^\d+$/.test(cv) || Number(cv) > 10000) problems.push('Capacity must be a whole number from 0 to 10000.');
      else set.capacity = Number(cv);
    }
    const restrictions = {};
    const mv = minStay.value.trim();
    if (mv !== '' && mv !== initial.minStay) {
      if (!/^\d+$/.test(mv) || Number(mv) > 366) problems.push('Minimum stay must be a whole number from 0 to 366.');
      else restrictions.min_stay_arrival = Number(mv);
    }
    for (const x of restr) {
      // Sent when the user changed it (from "mixed", any choice is a change).
      if (x.input.dataset.touched && !x.input.indeterminate && x.input.checked !== (initial.restr[x.key] || false)) restrictions[x.key] = x.input.checked;
    }
    if (!('price' in set) && !('capacity' in set) && !Object.keys(restrictions).length) problems.push('Change at least one of Price, Capacity, Minimum stay or a restriction.');
    if (problems.length) return { problems };
    const weekdaysField = days.length === 7 ? undefined : WEEKDAYS.filter((d) => days.includes(d));
    const updates = [];
    const skipped = [];
    for (const row of rows) {
      const u = { room_type_id: row.rt.room_type_id, rate_plan: row.plan.code, from, to };
      if (weekdaysField) u.weekdays = weekdaysField;
      if ('price' in set) {
        if (row.base) u.price = set.price;
        else skipped.push(row.label);
      }
      if (Object.keys(restrictions).length) u.restrictions = { ...restrictions };
      if (u.price !== undefined || u.restrictions) updates.push(u);
    }
    if ('capacity' in set) {
      for (const rtId of [...new Set(rows.map((r) => r.rt.room_type_id))]) {
        const u = { room_type_id: rtId, from, to, capacity: set.capacity };
        if (weekdaysField) u.weekdays = weekdaysField;
        updates.push(u);
      }
    }
    if (!updates.length) return { problems: ['Nothing to send: derived plans take their price from their parent plan.'] };
    const body = { updates };
    if (reason.value.trim()) body.reason = reason.value.trim();
    return { body, rows, from, to, days, set, restrictions, skipped };
  }

  // changes lists the cells of the calendar the request changes, before → after.
  function changes(req) {
    const lines = [];
    let outside = 0;
    for (const row of req.rows) {
      for (let d = req.from; d <= req.to; d = addDays(d, 1)) {
        if (!req.days.includes(weekday(d))) continue;
        if (d < cal.from || d > cal.to) { outside++; continue; }
        const n = row.nights.get(d);
        const r = (n && n.restrictions) || {};
        const parts = [];
        if ('price' in req.set && row.base && !(n && sameMoney(n.price, req.set.price))) parts.push(`price ${n && n.price !== undefined ? n.price : 'none'} → ${req.set.price}`);
        if ('min_stay_arrival' in req.restrictions && (r.min_stay_arrival || 0) !== req.restrictions.min_stay_arrival) parts.push(`minimum stay ${r.min_stay_arrival || 0} → ${req.restrictions.min_stay_arrival}`);
        for (const x of RESTRICTIONS) {
          if (x.key in req.restrictions && Boolean(r[x.key]) !== req.restrictions[x.key]) parts.push(`${x.label.toLowerCase()} ${r[x.key] ? 'on' : 'off'} → ${req.restrictions[x.key] ? 'on' : 'off'}`);
        }
        if (parts.length) lines.push(`${row.label}, ${d}: ${parts.join('; ')}`);
      }
    }
    if ('capacity' in req.set) {
      for (const room of [...new Set(req.rows.map((r) => r.room))]) {
        for (let d = req.from; d <= req.to; d = addDays(d, 1)) {
          if (!req.days.includes(weekday(d)) || d < cal.from || d > cal.to) continue;
          const n = room.nights.get(d);
          if (!n || n.total_rooms !== req.set.capacity) lines.push(`${room.rt.room_type} capacity, ${d}: ${n ? n.total_rooms : 'none'} → ${req.set.capacity}`);
        }
      }
    }
    return { lines, outside };
  }

  function doPreview() {
    errors.replaceChildren();
    const req = build();
    if (req.problems) {
      errors.append(alertBox(req.problems.join(' ')));
      preview.replaceChildren();
      applyBtn.disabled = true;
      return;
    }
    const json = JSON.stringify(req.body);
    if (!pending || pending.json !== json) pending = { json, body: req.body, key: uuid() };
    const { lines, outside } = changes(req);
    const list = h('ul', { class: 'changes' }, lines.slice(0, PREVIEW_LINES).map((l) => h('li', {}, l)));
    preview.replaceChildren(
      h('p', {}, lines.length ? `${lines.length} change${lines.length === 1 ? '' : 's'} in the calendar shown:` : 'Nothing shown in the calendar changes.'),
      lines.length ? list : null,
      lines.length > PREVIEW_LINES ? h('p', {}, `… and ${lines.length - PREVIEW_LINES} more.`) : null,
      outside ? h('p', {}, `${outside} more dates are outside the calendar shown.`) : null,
      req.skipped.length ? h('p', {}, `Price not set on derived plans (priced from their parent): ${req.skipped.join(', ')}.`) : null,
      h('p', {}, `${req.body.updates.length} update${req.body.updates.length === 1 ? '' : 's'} will be sent. Apply to make the change.`));
    applyBtn.disabled = false;
  }

  async function apply() {
    if (!pending) return;
    errors.replaceChildren();
    applyBtn.disabled = true;
    previewBtn.disabled = true;
    try {
      const { data } = await api('POST', `/inventory/hotels/${cal.hotelId}/ari`, { body: pending.body, headers: { 'Idempotency-Key': pending.key } });
      const r = data.result || {};
      pending = null;
      preview.replaceChildren(h('p', {}, `Applied (change ${data.change_id}): ${r.prices || 0} prices, ${r.restrictions || 0} restriction dates, ${r.capacity || 0} capacity nights.`));
      await reload();
    } catch (e) {
      let msg = e.message;
      if (e instanceof ApiError && e.status === 403) msg = 'You may not change this hotel’s rates.';
      if (e instanceof ApiError && e.status === 0) msg += ' Apply again to retry the same change.';
      const extra = (e.problem && (e.problem.errors || e.problem.nights)) || [];
      errors.append(alertBox(`Not applied: ${msg}`), extra.length ? h('ul', {}, extra.slice(0, 20).map((x) => h('li', {}, typeof x === 'string' ? x : Object.values(x).join(': ')))) : null);
      applyBtn.disabled = !(e instanceof ApiError && (e.status === 0 || e.status >= 500));
    } finally {
      previewBtn.disabled = false;
    }
  }

  return { el, select, refresh };
}
