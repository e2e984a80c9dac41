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
const http = require('http');
const zlib = require('zlib');
const { spawn, execFileSync } = require('child_process');
const { chromium } = require('playwright-core');
const { startPortal, startSpy, listen } = require('./servers');

const BUILD = path.resolve(process.argv[2] || path.join(__dirname, '../../build'));
const TOP = path.resolve(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Chrome/156.0.0.0 Safari/537.36';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--user-agent=' + UA];
const STEP_MS = 5000;        // any single browser action or wait
const ARRIVE_MS = 10000;     // beacons reaching the database

// What the citizen types. None of it may reach the database.
const TYPED = {
  vorname: 'Ottilie', nachname: 'Quastenflosser', badEmail: 'ottilie.quastenflosser',
  email: 'ottilie.q@beispiel-mail.de', geburtsdatum: '1987-03-14', geburtsort: 'Kleinkleckersdorf',
  kontoinhaber: 'Ottilie Quastenflosser', badIban: 'DE12ABCXYZ', iban: 'DE02120300000000202051',
  kommentar: 'Zauberwort Schnurpsel', strasse: 'Holunderweg 77a', einzug: '2026-10-01'
};
const SECRETS = ['ottilie', 'quastenflosser', 'beispiel-mail', '1987-03-14', 'kleinkleckersdorf',
  'de12abcxyz', 'de02120300000000202051', '120300000', 'schnurpsel', 'holunderweg', '2026-10-01'];
const PAGE_ERROR = 'Kartendienst 4711 nicht erreichbar';   // suche.html's own broken button

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log('ok - ' + name);
  } else {
    failed++;
    console.log('not ok - ' + name + (detail === undefined ? '' : ': ' + detail));
  }
  return ok;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/* ---- the collector and its database ---- */

async function freePort() {
  const server = http.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

async function startCollector(dir) {
  const bin = path.join(BUILD, 'lotse-collector');
  const db = path.join(dir, 'lotse.db');
  const logFile = path.join(dir, 'collector.log');
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const log = fs.openSync(logFile, 'a');
    const proc = spawn(bin, ['--listen', '127.0.0.1:' + port, '--db', db, '--rate-limit', '0'],
      { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    let exited = false;
    proc.on('exit', () => { exited = true; });
    for (const until = Date.now() + 10000; Date.now() < until && !exited; await sleep(100)) {
      const res = await get('http://127.0.0.1:' + port + '/healthz');
      if (res && res.status === 200) return { proc, port, db, logFile, origin: 'http://127.0.0.1:' + port };
    }
    proc.kill('SIGKILL');
  }
  throw new Error('collector did not start: ' + fs.readFileSync(logFile, 'utf8').slice(-500));
}

// SIGTERM and wait (bounded) for the exit code.
function stopCollector(collector) {
  return new Promise((resolve) => {
    if (collector.proc.exitCode !== null) {
      resolve(collector.proc.exitCode);
      return;
    }
    const timer = setTimeout(() => {
      collector.proc.kill('SIGKILL');
      resolve('killed after 10 s');
    }, 10000);
    collector.proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code === null ? signal : code);
    });
    collector.proc.kill('SIGTERM');
  });
}

// Rows of a read-only query, through python3's sqlite3 module.
const PY_QUERY = [
  'import json, sqlite3, sys',
  'db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)',
  'db.row_factory = sqlite3.Row',
  'print(json.dumps([dict(r) for r in db.execute(sys.argv[2])]))'
].join('\n');
function query(db, sql) {
  return JSON.parse(execFileSync('python3', ['-c', PY_QUERY, db, sql], { timeout: 10000 }).toString());
}
function maxId(db) {
  return query(db, 'SELECT coalesce(max(id), 0) AS n FROM events')[0].n;
}

// Waits until `count` events after id `after` are stored (then a little
// longer, to catch unexpected extra ones) and returns them in id order.
async function eventsAfter(db, after, count) {
  const sql = 'SELECT * FROM events WHERE id > ' + Number(after) + ' ORDER BY id';
  const until = Date.now() + ARRIVE_MS;
  let rows = query(db, sql);
  while (rows.length < count && Date.now() < until) {
    await sleep(200);
    rows = query(db, sql);
  }
  await sleep(700);
  return query(db, sql);
}

// One comparable line per event: type, path and every other stored field
// that lotse.js decides (flow as "F" when set; ms and message checked apart).
const KEY_COLUMNS = ['ref', 'service', 'step', 'step_name', 'field', 'error', 'q', 'results', 'href',
  'rating', 'reason', 'target'];
function key(ev) {
  const parts = [ev.type, ev.path];
  for (const c of KEY_COLUMNS) {
    if (ev[c] !== null && ev[c] !== undefined) parts.push(c + '=' + ev[c]);
  }
  if (ev.flow) parts.push('flow=F');
  return parts.join(' ');
}
function compareEvents(name, rows, expected) {
  const got = rows.map(key).sort();
  const want = expected.map(key).sort();
  const missing = want.filter((k) => { const i = got.indexOf(k); return i < 0 || got.splice(i, 1).length === 0; });
  const extra = got;
  return check(name, missing.length === 0 && extra.length === 0,
    '\n    missing: ' + JSON.stringify(missing) + '\n    unexpected: ' + JSON.stringify(extra));
}

/* ---- the browser ---- */

// A fresh profile each time; prefs go into its Preferences file.
async function launch(tmp, name, prefs) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, 'Default'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify(prefs || {}));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM, headless: true, args: FLAGS, acceptDownloads: true, timeout: 20000
  });
  context.setDefaultTimeout(STEP_MS);
  return context;
}

// A new page that records its uncaught errors in page.errors.
async function newPage(context, initScript) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  if (initScript) await page.addInitScript(initScript);
  return page;
}

async function submitAndWait(page, button, urlPart) {
  await Promise.all([page.waitForURL('**' + urlPart + '**', { timeout: STEP_MS }), page.click(button)]);
}

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
    E('flow_step', '/spa/anmeldung/einzug', Object.assign({ step: 2, step_name: 'Einzug', flow: 'F' }, a)),
    E('field_error', '/spa/anmeldung/einzug',
      Object.assign({ step: 2, field: 'einzugsdatum', error: 'required', flow: 'F' }, a)),
    E('pageview', '/spa/anmeldung/fertig', { ref: '/spa/anmeldung/einzug' }),
    E('flow_complete', '/spa/anmeldung/fertig', Object.assign({ flow: 'F' }, a)),
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
  const flows = new Set(rows.filter((r) => r.flow !== null).map((r) => r.flow));
  const flow = [...flows][0];
  check('the single-page app has one in-memory flow id, the multi-page form none',
    flows.size === 1 && /^[0-9a-f]{24}$/.test(flow) &&
    rows.filter((r) => r.service === 'geburtsurkunde').every((r) => r.flow === null), JSON.stringify([...flows]));
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
    ctx.collector = await startCollector(tmp);
    ctx.portal = await startPortal(path.join(__dirname, 'portal'));
    const served = await get(ctx.collector.origin + '/lotse.js');
    const source = fs.readFileSync(path.join(TOP, 'scripts/lotse.js'));
    check('the collector serves scripts/lotse.js (else: make all)', served && served.status === 200 &&
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
    if (failed === 0 && !process.env.LOTSE_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
    else console.log('# kept ' + tmp);
  }
  console.log('browser: ' + passed + ' passed, ' + failed + ' failed');
  process.exit(failed === 0 ? 0 : 1);
}

main();
