// SPDX-License-Identifier: EUPL-1.2
// e2e.js — drives Debian's headless Chromium (playwright-core) through the
// example portal in portal/ with scripts/lotse.js served by the real
// lotse-collector, and checks what ends up in the collector's SQLite database.
// Usage: node e2e.js BUILD_DIR (test_browser.sh runs it). Prints one
// "ok - …" / "not ok - …" line per check and ends with
// "browser: N passed, N failed"; exits 1 on any failure.
//
// The walks:
//   1. main: a citizen reads the service page, downloads the PDF, follows an
//      outlink, searches, rage-clicks a dead button, hits a broken map button,
//      fills the 3-step form "geburtsurkunde" with mistakes, completes it,
//      rates it, then uses the single-page service "anmeldung". The stored
//      events must be exactly the expected ones; typed values, cookies and
//      storage entries must be nowhere.
//   2. fetch: the same browser without navigator.sendBeacon: events arrive by
//      fetch(…, {keepalive: true}).
//   3. GPC: navigator.globalPrivacyControl = true (init script; Chromium has no
//      GPC setting): the collector gets nothing.
//   4. DNT: Chromium's own "Do Not Track" preference (enable_do_not_track in
//      the fresh profile), so navigator.doNotTrack is "1" and every request
//      carries "DNT: 1": the recording spy server gets no beacon at all.
//   5. collector down: the collector is stopped; the same walks (with and
//      without sendBeacon) run without a page error and complete the form.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');
const { startPortal, startSpy } = require('./servers');
const {
  TOP, ARRIVE_MS, counts, check, finish, sleep, get, startCollector, stopCollector, query, maxId, eventsAfter,
  key, compareEvents, launch, newPage, submitAndWait
} = require('./harness');

const BUILD = path.resolve(process.argv[2] || path.join(__dirname, '../../build'));

// What the citizen types. None of it may reach the database.
const TYPED = {
  vorname: 'Ottilie', nachname: 'Quastenflosser', badEmail: 'ottilie.quastenflosser',
  email: 'ottilie.q@beispiel-mail.de', geburtsdatum: '1987-03-14', geburtsort: 'Kleinkleckersdorf',
  kontoinhaber: 'Ottilie Quastenflosser', badIban: 'DE12ABCXYZ', iban: 'DE02120300000000202051',
  kommentar: 'Zauberwort Schnurpsel', strasse: 'Holunderweg 77a', einzug: '2026-10-01'
};
const SECRETS = ['ottilie', 'quastenflosser', 'beispiel-mail', '1987-03-14', 'kleinkleckersdorf',
  'de12abcxyz', 'de02120300000000202051', '120300000', 'schnurpsel', 'holunderweg', '2026-10-01',
  'kartendienst'];
const PAGE_ERROR = 'Kartendienst 4711 nicht erreichbar';   // suche.html's own broken button

// The citizen's walk. Returns facts seen on the way.
async function walk(page, origin) {
  const seen = {};
  await page.goto(origin + '/index.html');
  seen.lotse = await page.evaluate(() => typeof window.lotse);
  seen.dnt = await page.evaluate(() => navigator.doNotTrack);
  seen.dom = await page.evaluate(async () => {
    const served = await (await fetch(location.href)).text();
    const parsed = new DOMParser().parseFromString(served, 'text/html');
    return {
      live: document.getElementsByTagName('*').length,
      served: parsed.getElementsByTagName('*').length,
      bodyFocused: document.activeElement === document.body
    };
  });

  const download = page.waitForEvent('download');
  await page.click('#pdf');
  await download;
  const popup = page.waitForEvent('popup');
  await page.click('#extern');
  await (await popup).close();

  await page.fill('input[name=q]', 'Geburtsurkunde   Kosten');
  await Promise.all([page.waitForURL('**/suche.html?**'), page.press('input[name=q]', 'Enter')]);
  await page.click('#mehr-laden', { clickCount: 3 });
  await page.click('#karte');
  await submitAndWait(page, '#treffer-1', '/antrag/schritt1.html');

  // Step 1: submit empty, then a wrong e-mail address, then right.
  await page.click('button[type=submit]');
  await page.fill('[name=vorname]', TYPED.vorname);
  await page.fill('[name=nachname]', TYPED.nachname);
  await page.fill('[name=email]', TYPED.badEmail);
  await page.click('button[type=submit]');
  await page.fill('[name=email]', TYPED.email);
  await submitAndWait(page, 'button[type=submit]', '/antrag/schritt2.html?');

  // Step 2: too many certificates, then two.
  await page.fill('[name=geburtsdatum]', TYPED.geburtsdatum);
  await page.fill('[name=geburtsort]', TYPED.geburtsort);
  await page.fill('[name=anzahl]', '9');
  await page.click('button[type=submit]');
  await page.fill('[name=anzahl]', '2');
  await submitAndWait(page, 'button[type=submit]', '/antrag/schritt3.html');

  // Step 3: an IBAN of the wrong form and no consent, then both right.
  await page.fill('[name=kontoinhaber]', TYPED.kontoinhaber);
  await page.fill('[name=iban]', TYPED.badIban);
  await page.click('button[type=submit]');
  await page.fill('[name=iban]', TYPED.iban);
  await page.check('[name=zustimmung]');
  await submitAndWait(page, 'button[type=submit]', '/antrag/fertig.html');

  // Completion page: rate 4 with a comment.
  await page.check('input[name=rating][value="4"]');
  await page.fill('[name=kommentar]', TYPED.kommentar);
  await submitAndWait(page, 'button[type=submit]', '/danke.html?');

  // The single-page service: step 1 empty, then on; step 2 empty, then done.
  await page.goto(origin + '/spa/anmeldung.html');
  await page.click('button[type=submit]');
  await page.fill('[name=strasse]', TYPED.strasse);
  await page.click('button[type=submit]');
  await page.waitForURL('**/spa/anmeldung/einzug');
  await page.click('button[type=submit]');
  await page.fill('[name=einzugsdatum]', TYPED.einzug);
  await page.click('button[type=submit]');
  await page.waitForURL('**/spa/anmeldung/fertig');
  seen.storage = await page.evaluate(async () => ({
    cookie: document.cookie,
    local: localStorage.length,
    session: sessionStorage.length,
    indexedDB: indexedDB.databases ? (await indexedDB.databases()).length : 0
  }));
  seen.finalUrl = page.url();
  await page.goto('about:blank');       // pagehide: engagement and the last batch
  return seen;
}

// Exactly what the main walk must store (path as the collector reduces it).
function expectedMainWalk() {
  const s = { service: 'geburtsurkunde' };
  const a = { service: 'anmeldung' };
  const E = (type, p, fields) => Object.assign({ type, path: p }, fields);
  return [
    E('pageview', '/index.html'),
    E('outlink', '/index.html', { href: '[ip]/formulare/geburtsurkunde.pdf' }),   // an IP-literal host
    E('outlink', '/index.html', { href: 'localhost/extern.html' }),
    E('engagement', '/index.html'),
    E('pageview', '/suche.html', { ref: '/index.html' }),
    E('search', '/suche.html', { q: 'geburtsurkunde kosten', results: 2 }),
    E('rage_click', '/suche.html', { target: 'button#mehr-laden' }),
    E('js_error', '/suche.html'),
    E('engagement', '/suche.html'),
    E('pageview', '/antrag/schritt1.html', { ref: '/suche.html' }),
    E('flow_start', '/antrag/schritt1.html', s),
    E('flow_step', '/antrag/schritt1.html', Object.assign({ step: 1, step_name: 'Antragsteller' }, s)),
    E('field_error', '/antrag/schritt1.html', Object.assign({ step: 1, field: 'vorname', error: 'required' }, s)),
    E('field_error', '/antrag/schritt1.html', Object.assign({ step: 1, field: 'nachname', error: 'required' }, s)),
    E('field_error', '/antrag/schritt1.html', Object.assign({ step: 1, field: 'email', error: 'required' }, s)),
    E('field_error', '/antrag/schritt1.html', Object.assign({ step: 1, field: 'email', error: 'format' }, s)),
    E('engagement', '/antrag/schritt1.html'),
    E('pageview', '/antrag/schritt2.html', { ref: '/antrag/schritt1.html' }),
    E('flow_step', '/antrag/schritt2.html', Object.assign({ step: 2, step_name: 'Geburtsdaten' }, s)),
    E('field_error', '/antrag/schritt2.html', Object.assign({ step: 2, field: 'anzahl', error: 'range' }, s)),
    E('engagement', '/antrag/schritt2.html'),
    E('pageview', '/antrag/schritt3.html', { ref: '/antrag/schritt2.html' }),
    E('flow_step', '/antrag/schritt3.html', Object.assign({ step: 3, step_name: 'Zahlung' }, s)),
    E('field_error', '/antrag/schritt3.html', Object.assign({ step: 3, field: 'iban', error: 'format' }, s)),
    E('field_error', '/antrag/schritt3.html', Object.assign({ step: 3, field: 'zustimmung', error: 'required' }, s)),
    E('engagement', '/antrag/schritt3.html'),
    E('pageview', '/antrag/fertig.html', { ref: '/antrag/schritt3.html' }),
    E('flow_complete', '/antrag/fertig.html', s),
    E('feedback', '/antrag/fertig.html', Object.assign({ rating: 4 }, s)),
    E('engagement', '/antrag/fertig.html'),
    E('pageview', '/danke.html', { ref: '/antrag/fertig.html' }),
    E('engagement', '/danke.html'),
    E('pageview', '/spa/anmeldung.html'),
    E('flow_start', '/spa/anmeldung.html', a),
    E('flow_step', '/spa/anmeldung.html', Object.assign({ step: 1, step_name: 'Adresse' }, a)),
    E('field_error', '/spa/anmeldung.html', Object.assign({ step: 1, field: 'strasse', error: 'required' }, a)),
    E('pageview', '/spa/anmeldung/einzug', { ref: '/spa/anmeldung.html' }),
    E('flow_step', '/spa/anmeldung/einzug', Object.assign({ step: 2, step_name: 'Einzug' }, a)),
    E('field_error', '/spa/anmeldung/einzug', Object.assign({ step: 2, field: 'einzugsdatum', error: 'required' }, a)),
    E('pageview', '/spa/anmeldung/fertig', { ref: '/spa/anmeldung/einzug' }),
    E('flow_complete', '/spa/anmeldung/fertig', a),
    E('engagement', '/spa/anmeldung/fertig')
  ];
}

// Case-insensitive search for the typed values in the bytes of every file
// of the database (main file, -wal, -shm) and the collector's log.
function leakedSecrets(dir) {
  const found = [];
  for (const name of fs.readdirSync(dir)) {
    if (!/^lotse\.db|^collector\.log$/.test(name)) continue;
    const text = fs.readFileSync(path.join(dir, name)).toString('latin1').toLowerCase();
    for (const secret of SECRETS) {
      if (text.includes(secret)) found.push(name + ': ' + secret);
    }
  }
  return found;
}

/* ---- the walks ---- */

async function mainWalk(ctx) {
  const { context, portal, collector } = ctx;
  portal.collector = collector.origin;
  const before = maxId(collector.db);
  const page = await newPage(context);
  const seen = await walk(page, portal.origin);
  const expected = expectedMainWalk();
  const rows = await eventsAfter(collector.db, before, expected.length);

  check('main walk: lotse.js loaded from the collector', seen.lotse === 'function');
  check('main walk: only the page\'s own error was uncaught', JSON.stringify(page.errors) === JSON.stringify([PAGE_ERROR]),
    JSON.stringify(page.errors));
  check('no DOM added: element count equals the served HTML', seen.dom.live === seen.dom.served, JSON.stringify(seen.dom));
  check('no focus taken on load', seen.dom.bodyFocused);
  compareEvents('main walk: exactly the expected events stored', rows, expected);
  check('every event has site gladbeck', rows.every((r) => r.site === 'gladbeck'));
  check('a normal desktop browser, not a bot', rows.length > 0 && rows.every((r) => r.device === 'desktop'),
    JSON.stringify(rows.slice(0, 1).map((r) => [r.device, r.browser, r.os])));
  const visits = new Set(rows.map((r) => r.visit));
  check('one visit key links all pages of the walk', visits.size === 1 && !visits.has(null), JSON.stringify([...visits]));
  const flows = rows.filter((r) => r.flow !== null).map((r) => r.flow);
  check('lotse.js makes up no flow id (the pages set none)', flows.length === 0, JSON.stringify(flows));
  const engagement = rows.filter((r) => r.type === 'engagement');
  check('engagement ms > 0 and below the walk\'s duration', engagement.length > 0 &&
    engagement.every((r) => r.ms > 0 && r.ms < 120000), JSON.stringify(engagement.map((r) => r.ms)));
  const errors = rows.filter((r) => r.type === 'js_error').map((r) => r.message || '');
  check('js_error stored as NAME PATH:LINE:COL, without the error\'s text', errors.length === 1 &&
    /^Error \/suche\.html:\d+:\d+$/.test(errors[0]) && !errors[0].includes('Kartendienst') && !errors[0].includes('4711'),
    JSON.stringify(errors));
  const rejects = query(collector.db, 'SELECT reason, type FROM rejects');
  check('the collector rejected no event', rejects.length === 0, JSON.stringify(rejects));

  const typedSent = portal.requests.some((r) => r.url.includes(TYPED.nachname));
  check('control: the typed values did travel (GET form to the portal)', typedSent);
  const leaks = leakedSecrets(ctx.tmp);
  check('no typed value in the database files or the collector log', leaks.length === 0, JSON.stringify(leaks));
  check('no cookie, storage or IndexedDB entry in the page', JSON.stringify(seen.storage) ===
    JSON.stringify({ cookie: '', local: 0, session: 0, indexedDB: 0 }), JSON.stringify(seen.storage));
  const state = await context.storageState();
  check('no cookie and no localStorage for any origin in the browser', state.cookies.length === 0 &&
    state.origins.length === 0, JSON.stringify(state));
  await page.close();
}

async function fetchWalk(ctx) {
  const { context, portal, collector } = ctx;
  portal.collector = collector.origin;
  const before = maxId(collector.db);
  const page = await newPage(context, () => { delete Navigator.prototype.sendBeacon; });
  await page.goto(portal.origin + '/antrag/schritt1.html');
  const hasBeacon = await page.evaluate(() => 'sendBeacon' in navigator);
  await page.click('button[type=submit]');
  await page.goto('about:blank');
  const s = { service: 'geburtsurkunde' };
  const p = '/antrag/schritt1.html';
  const expected = [
    { type: 'pageview', path: p }, Object.assign({ type: 'flow_start', path: p }, s),
    Object.assign({ type: 'flow_step', path: p, step: 1, step_name: 'Antragsteller' }, s),
    Object.assign({ type: 'field_error', path: p, step: 1, field: 'vorname', error: 'required' }, s),
    Object.assign({ type: 'field_error', path: p, step: 1, field: 'nachname', error: 'required' }, s),
    Object.assign({ type: 'field_error', path: p, step: 1, field: 'email', error: 'required' }, s),
    { type: 'engagement', path: p }
  ];
  const rows = await eventsAfter(collector.db, before, expected.length);
  check('fetch walk: sendBeacon removed', !hasBeacon);
  compareEvents('fetch walk: events arrive by fetch keepalive', rows, expected);
  check('fetch walk: no page error', page.errors.length === 0, JSON.stringify(page.errors));
  await page.close();
}

async function gpcWalk(ctx) {
  const { context, portal, collector } = ctx;
  portal.collector = collector.origin;
  const before = maxId(collector.db);
  const page = await newPage(context, () => {
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });
  });
  const seen = await walk(page, portal.origin);
  const rows = await eventsAfter(collector.db, before, 1);
  check('GPC walk: completed, only the page\'s own error', seen.finalUrl.endsWith('/spa/anmeldung/fertig') &&
    JSON.stringify(page.errors) === JSON.stringify([PAGE_ERROR]), JSON.stringify(page.errors));
  check('GPC walk: nothing stored', rows.length === 0, JSON.stringify(rows.map(key)));
  await page.close();
}

async function dntWalk(ctx, spy) {
  const { portal, tmp } = ctx;
  portal.collector = spy.origin;
  const context = await launch(tmp, 'profile-dnt', { enable_do_not_track: true });
  try {
    const page = await newPage(context);
    const first = portal.requests.length;
    const seen = await walk(page, portal.origin);
    await sleep(1500);
    const dntHeaders = portal.requests.slice(first).every((r) => r.dnt === '1');
    check('DNT walk: navigator.doNotTrack is "1" and requests carry DNT: 1', seen.dnt === '1' && dntHeaders);
    check('DNT walk: completed, only the page\'s own error', seen.finalUrl.endsWith('/spa/anmeldung/fertig') &&
      JSON.stringify(page.errors) === JSON.stringify([PAGE_ERROR]), JSON.stringify(page.errors));
    check('DNT walk: not a single beacon sent', spy.beacons.length === 0, JSON.stringify(spy.beacons.slice(0, 3)));
  } finally {
    await context.close();
  }
  // Control: without DNT the same spy does receive beacons.
  const page = await newPage(ctx.context);
  await page.goto(portal.origin + '/index.html');
  await page.goto('about:blank');
  for (const until = Date.now() + ARRIVE_MS; spy.beacons.length === 0 && Date.now() < until;) await sleep(100);
  check('control: without DNT the spy receives beacons', spy.beacons.length > 0);
  await page.close();
}

async function downWalk(ctx, script) {
  const { context, portal, collector } = ctx;
  portal.collector = collector.origin;
  for (const variant of ['sendBeacon', 'fetch']) {
    const page = await newPage(context, variant === 'fetch'
      ? () => { delete Navigator.prototype.sendBeacon; } : undefined);
    // The script still comes (as from a cache); the collector's port is closed.
    await page.route(collector.origin + '/lotse.js', (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript', body: script }));
    let seen = null;
    try {
      seen = await walk(page, portal.origin);
    } catch (e) {
      check('collector down (' + variant + '): the walk completes', false, e.message);
      await page.close();
      continue;
    }
    await sleep(500);
    check('collector down (' + variant + '): lotse.js ran and the form completed', seen.lotse === 'function' &&
      seen.finalUrl.endsWith('/spa/anmeldung/fertig') &&
      portal.requests.some((r) => r.method === 'POST' && r.url === '/antrag/fertig'));
    check('collector down (' + variant + '): no page error but the page\'s own',
      JSON.stringify(page.errors) === JSON.stringify([PAGE_ERROR]), JSON.stringify(page.errors));
    await page.close();
  }
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-browser-'));
  const ctx = { tmp };
  let spy = null;
  try {
    ctx.collector = await startCollector(BUILD, tmp);
    ctx.portal = await startPortal(path.join(__dirname, 'portal'));
    const served = await get(ctx.collector.origin + '/lotse.js');
    const source = fs.readFileSync(path.join(TOP, 'scripts/lotse.min.js'));
    let upToDate = true;
    try {
      execFileSync('node', [path.join(__dirname, 'minify.js'), '--check'], { stdio: 'pipe', timeout: 60000 });
    } catch (e) {
      upToDate = false;
    }
    check('scripts/lotse.min.js is made from scripts/lotse.js (make lotse-min)', upToDate);
    check('the collector serves scripts/lotse.min.js (else: make all)', served && served.status === 200 &&
      served.body.equals(source), served ? served.status : 'no answer');
    check('lotse.js sets no cookie', served && !served.headers['set-cookie']);
    const gzipped = zlib.gzipSync(source, { level: 9 }).length;
    check('lotse.js is at most 4 KiB gzipped (' + gzipped + ' bytes)', gzipped <= 4096);
    const script = served && served.status === 200 ? served.body : source;
    spy = await startSpy(script);
    ctx.context = await launch(tmp, 'profile');

    await mainWalk(ctx);
    await fetchWalk(ctx);
    await gpcWalk(ctx);
    await dntWalk(ctx, spy);

    const code = await stopCollector(ctx.collector);
    check('collector exits 0 on SIGTERM', code === 0, code);
    const leaks = leakedSecrets(tmp);
    check('after shutdown: no typed value in any database file', leaks.length === 0, JSON.stringify(leaks));
    await downWalk(ctx, script);
  } catch (e) {
    check('browser test ran to the end', false, e.stack);
  } finally {
    if (ctx.context) await ctx.context.close().catch(() => {});
    if (ctx.collector) await stopCollector(ctx.collector);
    if (ctx.portal) await ctx.portal.close();
    if (spy) await spy.close();
    if (counts.failed === 0 && !process.env.LOTSE_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
    else console.log('# kept ' + tmp);
  }
  finish('browser');
}

main();
