// End-to-end test of the staff console in a real browser: Debian's
// Chromium, headless, driven by playwright-core. Run by
// cmd/hotel/console_browser_test.go against a running platform:
//
//   HOTEL_BASE_URL        the gateway, e.g. http://127.0.0.1:8080
//   HOTEL_ADMIN_EMAIL, HOTEL_REVENUE_EMAIL, HOTEL_DESK_EMAIL (front desk of
//   HOTEL_HOTEL_A only), HOTEL_DESK_B_EMAIL (of HOTEL_HOTEL_B only),
//   HOTEL_PASSWORD (all of them)
//   HOTEL_HOTEL_A, HOTEL_HOTEL_B   two sample hotels (no restrictions)
//   HOTEL_FIGURE_HOTEL    a hotel of 4 room types × 5 plans, inventory for 90+ days
//   HOTEL_SCREENSHOTS     where the screenshots go (default: a temp dir)
//   HOTEL_CHROMIUM        the browser (default /usr/bin/chromium)
//
// What it checks: sign-in; a plan's price changed over a week in the
// calendar and seen in GET /inventory/search; a booking made through the
// API found in the console (code, guest name) and cancelled there, the fee
// shown first, its nights back in the calendar; a front-desk user of one
// hotel refused another hotel's calendar and booking (pages and API); axe-core
// on every page at 1280 and 390 px (no serious or critical violation); no
// console error, page error or CSP violation on any page (which run under the
// console's own CSP; only the axe pass bypasses it, to inject axe). It prints
// `console-figures: {json}`: the 4×5×90 calendar's time to first render and
// the console's HTML/JS/CSS weight.
import { chromium } from 'playwright-core';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = (name, def) => {
  const v = process.env[name] ?? def;
  if (v === undefined || v === '') throw new Error(`${name} is not set`);
  return v;
};
const base = env('HOTEL_BASE_URL').replace(/\/$/, '');
const password = env('HOTEL_PASSWORD');
const users = { admin: env('HOTEL_ADMIN_EMAIL'), revenue: env('HOTEL_REVENUE_EMAIL'), desk: env('HOTEL_DESK_EMAIL'), deskB: env('HOTEL_DESK_B_EMAIL') };
const hotelA = Number(env('HOTEL_HOTEL_A'));
const hotelB = Number(env('HOTEL_HOTEL_B'));
const figureHotel = Number(env('HOTEL_FIGURE_HOTEL'));
const shots = process.env.HOTEL_SCREENSHOTS || fs.mkdtempSync(path.join(os.tmpdir(), 'console-shots-'));
fs.mkdirSync(shots, { recursive: true });
const axePath = path.join(here, 'node_modules', 'axe-core', 'axe.min.js');
const TIMEOUT = 30000;

const problems = []; // console errors, page errors, CSP violations: each fails the run
const log = (...a) => console.log('console-test:', ...a);
const check = (ok, msg) => { if (!ok) throw new Error(msg); };

// --- the API, from Node.

async function apiCall(method, p, { body, headers = {} } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const resp = await fetch(base + p, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await resp.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  return { status: resp.status, data, headers: resp.headers };
}
async function apiOK(method, p, opts) {
  const r = await apiCall(method, p, opts);
  check(r.status >= 200 && r.status < 300, `${method} ${p} = ${r.status}: ${JSON.stringify(r.data)}`);
  return r.data;
}
const addDays = (s, n) => { const d = new Date(`${s}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); };
const todayIn = (tz) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

async function book(hotelId, roomType, arrival, nights, guest) {
  return apiOK('POST', '/bookings/', { headers: { 'Idempotency-Key': crypto.randomUUID() },
    body: { guest_name: guest, hotel_id: hotelId, room_type: roomType, arrival_date: arrival, stay_length: nights, adults: 2, children: 0 } });
}

// waitUntil polls f until it answers truthy (a ticker and a deadline).
async function waitUntil(what, f, ms = 15000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    last = await f();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// --- the browser.

const browser = await chromium.launch({
  executablePath: process.env.HOTEL_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});

// The statuses the console asks for and handles: a session that is not
// there yet (401), another hotel (403), another hotel's booking (404).
const handled = /^Failed to load resource: the server responded with a status of (401|403|404) /;

async function newContext(label, { width = 1280, height = 800, bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, bypassCSP, baseURL: base, locale: 'en-GB' });
  await context.exposeBinding('__cspViolation', (_src, v) => problems.push(`${label}: CSP violation: ${v}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile || location.href}:${e.lineNumber}`);
    });
  });
  context.on('page', (page) => watchPage(page, label));
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  return { context, page };
}

function watchPage(page, label) {
  page.on('console', (m) => {
    if (m.type() === 'error' && !handled.test(m.text())) problems.push(`${label}: console error on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${label}: page error on ${page.url()}: ${e.message}`));
}

async function signIn(page, email, target) {
  await page.goto(target);
  await page.waitForURL((u) => u.pathname === '/console/sign-in');
  check((await page.getByRole('heading', { level: 1 }).textContent()).includes('Sign in'), 'the sign-in page has no h1 "Sign in"');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const want = new URL(target, base).pathname;
  await page.waitForURL((u) => u.pathname === want);
  await page.locator('#site-header:not([hidden])').waitFor();
  check((await page.locator('#site-header .email').textContent()) === email, 'the header does not show the user');
}

const calendarCell = (page, plan, date) => page.locator(`table.calendar tr[data-plan="${plan}"] td[data-date="${date}"]`);
async function availableOn(page, roomTypeId, date) {
  const text = await page.locator(`table.calendar tr[data-room-type="${roomTypeId}"] td[data-date="${date}"]`).textContent();
  const m = /^(\d+) of (\d+)$/.exec(text.trim());
  check(m, `room type ${roomTypeId} on ${date} shows "${text}", not "N of M"`);
  return Number(m[1]);
}
async function openCalendar(page, hotelId, from, days = 30) {
  await page.goto(`/console/calendar?hotel=${hotelId}&days=${days}&from=${from}`);
  await page.locator('table.calendar').waitFor();
}

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`) });
}

const axeSource = fs.readFileSync(axePath, 'utf8');
async function axeCheck(page, name) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) {
    problems.push(`axe ${name}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(' | ')}`);
  }
  log(`axe ${name}: ${result.violations.length} violations, ${bad.length} serious or critical`);
}

const hotels = Object.fromEntries(await Promise.all([hotelA, hotelB, figureHotel].map(async (id) => [id, await apiOK('GET', `/inventory/hotels/${id}`)])));
const todayA = todayIn(hotels[hotelA].time_zone);
const roomTypesA = await apiOK('GET', `/inventory/hotels/${hotelA}/room-types`);
const roomTypesB = await apiOK('GET', `/inventory/hotels/${hotelB}/room-types`);
const rt = roomTypesA[0];
const figures = {};

try {
  // 1. Revenue: change the default plan's price over a week in the calendar.
  {
    const { context, page } = await newContext('revenue');
    await page.goto('/console/today');
    await page.waitForURL((u) => u.pathname === '/console/sign-in');
    await page.getByLabel('Email', { exact: true }).fill(users.revenue);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    await signIn(page, users.revenue, `/console/calendar?hotel=${hotelA}&days=30&from=${todayA}`);
    await page.locator('table.calendar').waitFor();
    const plan = `BAR-${rt.room_type_id}`;
    const from = addDays(todayA, 7);
    const to = addDays(todayA, 13);
    const before = (await calendarCell(page, plan, from).locator('.price').textContent()).trim();
    const cents = BigInt(before.replace('.', '')) + 1111n;
    const newPrice = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
    await calendarCell(page, plan, from).click();
    await calendarCell(page, plan, to).click({ modifiers: ['Shift'] });
    check(await page.getByLabel('From', { exact: true }).inputValue() === from, 'selecting cells did not fill From');
    check(await page.getByLabel('To', { exact: true }).inputValue() === to, 'selecting cells did not fill To');
    check(await page.getByRole('checkbox', { name: `${rt.room_type} ${plan}`, exact: true }).isChecked(), 'selecting cells did not check the plan row');
    await page.getByLabel('Price', { exact: true }).fill(newPrice);
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('.preview[role="status"]', { hasText: '7 changes' }).waitFor();
    check(await page.locator('.preview li', { hasText: `price ${before} → ${newPrice}` }).count() === 7, 'the preview does not list the 7 prices before → after');
    await screenshot(page, 'calendar-preview');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('.preview', { hasText: 'Applied' }).waitFor();
    for (let d = from; d <= to; d = addDays(d, 1)) {
      await calendarCell(page, plan, d).locator('.price', { hasText: newPrice }).waitFor();
    }
    check((await calendarCell(page, plan, addDays(to, 1)).locator('.price').textContent()).trim() === before, 'the night after the week changed too');
    const q = `/inventory/search?hotel_id=${hotelA}&check_in=${from}&check_out=${addDays(to, 1)}&adults=2&limit=500`;
    await waitUntil(`GET ${q} to sell ${plan} at ${newPrice} a night`, async () => {
      const r = await apiOK('GET', q);
      const offer = r.offers.find((o) => o.rate_plan === plan);
      return offer && offer.nightly_prices.length === 7 && offer.nightly_prices.every((n) => n.price === newPrice);
    });
    log(`calendar: ${plan} ${from}…${to} ${before} → ${newPrice}, seen in /inventory/search`);

    // Cells select by keyboard too: Enter on one, Shift+arrows extend.
    await calendarCell(page, plan, from).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    check(await page.getByLabel('To', { exact: true }).inputValue() === addDays(from, 2), 'Shift+ArrowRight did not extend the selection');
    check(await page.locator('table.calendar td.cell.selected').count() === 6, 'Enter and Shift+arrows did not select 3 days × 2 plans');

    // The edit form alone, by keyboard: restrictions on one night, previewed.
    await page.getByLabel('From', { exact: true }).fill(to);
    await page.getByLabel('To', { exact: true }).fill(to);
    await page.getByLabel('Price', { exact: true }).fill('');
    await page.getByLabel('Closed to arrival', { exact: true }).focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Preview' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('.preview li', { hasText: 'closed to arrival off → on' }).first().waitFor();
    check(await page.locator('.preview li').count() === 2, 'the preview of closing one night to arrival on two plans does not list two cells');
    await context.close();
  }

  // 2. Front desk of hotel A: a booking made through the API, found and
  //    cancelled in the console; its nights come back in the calendar.
  {
    const arrival = addDays(todayA, 20);
    const guest = `Console Tester ${crypto.randomBytes(3).toString('hex')}`;
    const b = await book(hotelA, rt.room_type, arrival, 2, guest);
    const { context, page } = await newContext('front desk A');
    await signIn(page, users.desk, `/console/calendar?hotel=${hotelA}&days=30&from=${todayA}`);
    await page.locator('table.calendar').waitFor();
    check(await page.getByRole('region', { name: 'Change a range' }).count() === 0, 'the front desk sees the rate editor');
    const availBefore = [await availableOn(page, rt.room_type_id, arrival), await availableOn(page, rt.room_type_id, addDays(arrival, 1))];

    await page.getByRole('link', { name: 'Bookings', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/console/bookings');
    await page.getByLabel('Confirmation code', { exact: true }).fill(b.confirmation_code);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: b.confirmation_code, exact: true }).waitFor();
    await page.getByLabel('Confirmation code', { exact: true }).fill('');
    await page.getByLabel('Guest name', { exact: true }).fill(guest.slice(-12).toLowerCase());
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((u) => u.searchParams.has('guest'));
    await page.locator('table.list tbody tr', { hasText: guest }).getByRole('link', { name: b.confirmation_code }).click();
    await page.waitForURL((u) => u.pathname === `/console/bookings/${b.booking_id}`);
    await page.getByRole('heading', { level: 1, name: `Booking ${b.confirmation_code}` }).waitFor();
    check(await page.getByRole('button', { name: 'Check in' }).count() === 1, 'a confirmed booking has no "Check in"');
    check(await page.getByRole('button', { name: 'Check out' }).count() === 0, 'a confirmed booking offers "Check out"');
    const preview = await apiOK('GET', `/bookings/${b.booking_id}/cancellation`, { headers: { Authorization: `Bearer ${b.access_token}` } });
    await page.getByRole('button', { name: 'Cancel booking' }).click();
    const fee = page.locator('.confirm .fee');
    await fee.waitFor();
    check((await fee.textContent()).includes(`${preview.cancellation_fee} ${preview.currency}`), `the fee shown first is "${await fee.textContent()}", not ${preview.cancellation_fee}`);
    await screenshot(page, 'booking-cancel');
    await page.getByRole('button', { name: 'Confirm cancellation' }).click();
    await page.locator('.ok', { hasText: 'Booking cancelled' }).waitFor();
    await page.locator('.status-badge', { hasText: 'cancelled' }).first().waitFor();
    const after = await apiOK('GET', `/bookings/${b.booking_id}`, { headers: { Authorization: `Bearer ${b.access_token}` } });
    check(after.reservation_status === 'cancelled', `the booking is ${after.reservation_status} after cancelling in the console`);

    await openCalendar(page, hotelA, todayA);
    const availAfter = [await availableOn(page, rt.room_type_id, arrival), await availableOn(page, rt.room_type_id, addDays(arrival, 1))];
    check(availAfter[0] === availBefore[0] + 1 && availAfter[1] === availBefore[1] + 1, `available before ${availBefore}, after cancelling ${availAfter}: want one more each night`);
    log(`booking ${b.confirmation_code}: found by code and guest name, cancelled (fee ${preview.cancellation_fee}), available ${availBefore} → ${availAfter}`);

    // 3. …and not hotel B: neither its calendar nor its bookings, in the
    //    pages and in the API.
    const other = await book(hotelB, roomTypesB[0].room_type, addDays(todayIn(hotels[hotelB].time_zone), 21), 1, `Other Hotel ${crypto.randomBytes(3).toString('hex')}`);
    const options = await page.locator('#hotel-select option').evaluateAll((os) => os.map((o) => Number(o.value)));
    check(options.length === 1 && options[0] === hotelA, `the front desk's hotel picker lists ${options}`);
    await page.goto(`/console/calendar?hotel=${hotelB}&days=30`);
    await page.getByRole('alert').filter({ hasText: 'You do not have access to this hotel.' }).waitFor();
    check(await page.locator('table.calendar').count() === 0, 'hotel B\'s calendar is shown to hotel A\'s front desk');
    await page.goto(`/console/bookings/${other.booking_id}`);
    await page.getByRole('alert').filter({ hasText: 'Booking not found.' }).waitFor();
    check(!(await page.locator('main').textContent()).includes(other.confirmation_code), 'hotel B\'s booking code is shown');
    const statuses = await page.evaluate(async ([b, id, rtB, day]) => {
      const { csrf_token: csrf } = await (await fetch('/auth/session')).json();
      const ari = { updates: [{ room_type_id: rtB, from: day, to: day, restrictions: { stop_sell: true } }] };
      return Promise.all([
        fetch(`/inventory/hotels/${b}/ari`).then((r) => r.status),
        fetch(`/bookings/${id}`).then((r) => r.status),
        fetch(`/inventory/hotels/${b}/ari`, { method: 'POST', body: JSON.stringify(ari),
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID(), 'X-CSRF-Token': csrf } }).then((r) => r.status),
        fetch(`/bookings/${id}`, { method: 'DELETE', headers: { 'X-CSRF-Token': csrf } }).then((r) => r.status),
      ]);
    }, [hotelB, other.booking_id, roomTypesB[0].room_type_id, addDays(todayA, 40)]);
    check(statuses[0] === 403, `GET hotel B's ARI as hotel A's front desk = ${statuses[0]}, want 403`);
    check(statuses[1] === 404, `GET hotel B's booking as hotel A's front desk = ${statuses[1]}, want 404`);
    check(statuses[2] === 403, `POST hotel B's ARI as hotel A's front desk = ${statuses[2]}, want 403`);
    check(statuses[3] === 404, `DELETE hotel B's booking as hotel A's front desk = ${statuses[3]}, want 404`);
    const still = await apiOK('GET', `/bookings/${other.booking_id}`, { headers: { Authorization: `Bearer ${other.access_token}` } });
    check(still.reservation_status === 'confirmed', `hotel B's booking is ${still.reservation_status} after hotel A's front desk tried to cancel it`);
    log(`front desk of ${hotelA}: hotel ${hotelB}'s calendar and booking refused (pages: alerts; API: ${statuses.join(', ')})`);
    await context.close();

    // The same booking and calendar open for hotel B's own front desk.
    const b2 = await newContext('front desk B');
    await signIn(b2.page, users.deskB, `/console/bookings/${other.booking_id}`);
    await b2.page.getByRole('heading', { level: 1, name: `Booking ${other.confirmation_code}` }).waitFor();
    await openCalendar(b2.page, hotelB, todayIn(hotels[hotelB].time_zone));
    await b2.page.goto(`/console/calendar?hotel=${hotelA}&days=30`);
    await b2.page.getByRole('alert').filter({ hasText: 'You do not have access to this hotel.' }).waitFor();
    await b2.context.close();
  }

  // 4. Every page at 1280 and 390 px: axe (injected, so this context
  //    bypasses the CSP) and screenshots.
  {
    const b = await book(hotelA, rt.room_type, addDays(todayA, 3), 3, `Screenshot Guest ${crypto.randomBytes(2).toString('hex')}`);
    await book(hotelA, roomTypesA[1].room_type, todayA, 2, `Arriving Guest ${crypto.randomBytes(2).toString('hex')}`);
    for (const [width, height, suffix] of [[1280, 800, ''], [390, 844, '-phone']]) {
      const { context, page } = await newContext(`axe ${width}px`, { width, height, bypassCSP: true });
      await page.goto('/console/today');
      await page.waitForURL((u) => u.pathname === '/console/sign-in');
      await axeCheck(page, `sign-in${suffix}`);
      await screenshot(page, `sign-in${suffix}`);
      await signIn(page, users.admin, `/console/today?hotel=${hotelA}`);
      await page.locator('section.occupancy svg').waitFor();
      await page.locator('.today-grid .loading').first().waitFor({ state: 'detached' });
      check(await page.locator('.today-grid .alert').count() === 0, `a Today panel failed: ${await page.locator('.today-grid').textContent()}`);
      await page.locator('section.arrivals table.list').waitFor();
      await axeCheck(page, `today${suffix}`);
      await screenshot(page, `today${suffix}`);
      await openCalendar(page, hotelA, todayA);
      await calendarCell(page, `BAR-${rt.room_type_id}`, addDays(todayA, 2)).click();
      await calendarCell(page, `NR-${rt.room_type_id}`, addDays(todayA, 4)).click({ modifiers: ['Shift'] });
      await page.getByLabel('Minimum stay', { exact: true }).fill('2');
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.locator('.preview li').first().waitFor();
      await axeCheck(page, `calendar${suffix}`);
      await page.evaluate(() => { window.scrollTo(0, 0); document.querySelector('.scroll').scrollLeft = 0; });
      await screenshot(page, `calendar${suffix}`);
      await page.goto(`/console/bookings?hotel=${hotelA}&status=confirmed`);
      await page.locator('table.list').waitFor();
      await axeCheck(page, `bookings${suffix}`);
      await screenshot(page, `bookings${suffix}`);
      await page.goto(`/console/bookings/${b.booking_id}`);
      await page.getByRole('button', { name: 'Cancel booking' }).click();
      await page.locator('.confirm .fee').waitFor();
      await axeCheck(page, `booking${suffix}`);
      await screenshot(page, `booking${suffix}`);
      await context.close();
    }
  }

  // 5. The figure: the 4 × 5 × 90 calendar from a cold cache.
  {
    const { context, page } = await newContext('figure');
    await signIn(page, users.revenue, `/console/today?hotel=${figureHotel}`);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const runs = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(`/console/calendar?hotel=${figureHotel}&days=90`);
      await page.waitForFunction(() => performance.getEntriesByName('calendar-rendered').length > 0, null, { timeout: 60000 });
      runs.push(await page.evaluate(async () => {
        // The ceilings, in the same run: the page shell (scripts and CSS
        // loaded, no data yet) and an API answer that does no work
        // (GET /healthz through the same gateway).
        await (await fetch('/healthz?figure', { cache: 'no-store' })).text();
        await new Promise((resolve) => setTimeout(resolve, 50)); // the entry is queued after the body
        const hz = performance.getEntriesByType('resource').filter((r) => r.name.includes('/healthz?figure')).pop();
        const nav = performance.getEntriesByType('navigation')[0];
        const res = performance.getEntriesByType('resource');
        const ari = res.find((r) => r.name.includes('/ari?'));
        const assets = res.filter((r) => r.name.includes('/console/assets/'));
        const sum = (list, k) => list.reduce((s, r) => s + (r[k] || 0), 0);
        const js = assets.filter((r) => r.name.endsWith('.js'));
        const css = assets.filter((r) => r.name.endsWith('.css'));
        return {
          render_ms: Math.round(performance.getEntriesByName('calendar-rendered')[0].startTime),
          shell_ms: Math.round(nav.domContentLoadedEventEnd),
          healthz_server_ms: hz ? Math.round(hz.responseStart - hz.requestStart) : null,
          ari_server_ms: ari ? Math.round(ari.responseStart - ari.requestStart) : null,
          ari_total_ms: ari ? Math.round(ari.responseEnd - ari.startTime) : null,
          ari_transfer_bytes: ari ? ari.transferSize : null,
          ari_decoded_bytes: ari ? ari.decodedBodySize : null,
          html_transfer_bytes: nav.transferSize, html_decoded_bytes: nav.decodedBodySize,
          js_files: js.length, js_transfer_bytes: sum(js, 'transferSize'), js_decoded_bytes: sum(js, 'decodedBodySize'),
          css_transfer_bytes: sum(css, 'transferSize'), css_decoded_bytes: sum(css, 'decodedBodySize'),
          cells: document.querySelectorAll('table.calendar td').length,
          room_types: document.querySelectorAll('table.calendar tr.room-row').length,
          plan_rows: document.querySelectorAll('table.calendar tr.plan-row').length,
          dom_nodes: document.getElementsByTagName('*').length,
        };
      }));
    }
    const r = runs[0];
    check(r.room_types === 4 && r.plan_rows === 20 && r.cells === 24 * 90, `the figure's calendar has ${r.room_types} room types, ${r.plan_rows} plan rows, ${r.cells} cells`);
    const median = (k) => runs.map((x) => x[k]).sort((a, b) => a - b)[1];
    Object.assign(figures, r, { calendar: '4 room types × 5 plans × 90 days, cold cache', runs: runs.length,
      render_ms_median: median('render_ms'), ari_server_ms_median: median('ari_server_ms'),
      shell_ms_median: median('shell_ms'), healthz_server_ms_median: median('healthz_server_ms'),
      render_ms: runs.map((x) => x.render_ms), ari_server_ms: runs.map((x) => x.ari_server_ms),
      shell_ms: runs.map((x) => x.shell_ms), healthz_server_ms: runs.map((x) => x.healthz_server_ms) });
    await screenshot(page, 'calendar-90-days');
    await context.close();
  }
} catch (e) {
  problems.push(`scenario failed: ${e.stack || e.message}`);
} finally {
  await browser.close();
}

console.log(`console-figures: ${JSON.stringify(figures)}`);
log(`screenshots in ${shots}`);
if (problems.length) {
  console.error(`console-test: ${problems.length} problem(s):`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
log('all checks passed');
