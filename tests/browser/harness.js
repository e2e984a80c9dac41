// SPDX-License-Identifier: EUPL-1.2
// harness.js — what the browser suites (e2e.js, frameworks.js) share: the
// TAP-like check counter, the real lotse-collector on an ephemeral loopback
// port and reads of its SQLite database, Debian's headless Chromium through
// playwright-core (a fresh profile per launch, a normal desktop User-Agent
// given with --user-agent so that beacons sent during pagehide carry it too),
// and the comparison of stored events with expected ones.
'use strict';

const fs = require('fs');
const path = require('path');
const http = require('http');
const { spawn, execFileSync } = require('child_process');
const { chromium } = require('playwright-core');
const { listen } = require('./servers');

const TOP = path.resolve(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 5000;        // any single browser action or wait
const ARRIVE_MS = 10000;     // beacons reaching the database

// A desktop Chrome User-Agent; variant n gives each journey a visit key of
// its own (the collector keys visits by site, address and User-Agent).
function userAgent(n) {
  return 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
    'Chrome/156.0.' + (n || 0) + '.0 Safari/537.36';
}
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const counts = { passed: 0, failed: 0 };
function check(name, ok, detail) {
  if (ok) {
    counts.passed++;
    console.log('ok - ' + name);
  } else {
    counts.failed++;
    console.log('not ok - ' + name + (detail === undefined ? '' : ': ' + detail));
  }
  return ok;
}
// The suite's last line, and its exit status.
function finish(suite) {
  console.log(suite + ': ' + counts.passed + ' passed, ' + counts.failed + ' failed');
  process.exit(counts.failed === 0 ? 0 : 1);
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

// Starts BUILD/lotse-collector on a free port with a database in dir.
async function startCollector(build, dir) {
  const bin = path.join(build, 'lotse-collector');
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

// Rows of a read-only query, through python3's sqlite3 module; "DUMP" as
// the query gives the whole database as SQL text (iterdump).
const PY_QUERY = [
  'import json, sqlite3, sys',
  'db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)',
  'db.row_factory = sqlite3.Row',
  'if sys.argv[2] == "DUMP": print("\\n".join(db.iterdump()))',
  'else: print(json.dumps([dict(r) for r in db.execute(sys.argv[2])]))'
].join('\n');
function query(db, sql) {
  return JSON.parse(execFileSync('python3', ['-c', PY_QUERY, db, sql], { timeout: 10000 }).toString());
}
function dump(db) {
  return execFileSync('python3', ['-c', PY_QUERY, db, 'DUMP'], { timeout: 30000, maxBuffer: 1 << 28 }).toString();
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
// that lotse.js decides (ms and message are checked apart).
const KEY_COLUMNS = ['ref', 'service', 'step', 'step_name', 'field', 'error', 'q', 'results', 'href',
  'rating', 'reason', 'target'];
function key(ev) {
  const parts = [ev.type, ev.path];
  for (const c of KEY_COLUMNS) {
    if (ev[c] !== null && ev[c] !== undefined) parts.push(c + '=' + ev[c]);
  }
  if (ev.flow) parts.push('flow=' + ev.flow);
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

// A fresh profile each time (prefs go into its Preferences file), with
// User-Agent variant ua.
async function launch(tmp, name, prefs, ua) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, 'Default'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify(prefs || {}));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM, headless: true, args: FLAGS.concat('--user-agent=' + userAgent(ua)),
    acceptDownloads: true, timeout: 20000
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

module.exports = {
  TOP, counts, STEP_MS, ARRIVE_MS, check, finish, sleep, get, startCollector, stopCollector, query, dump, maxId,
  eventsAfter, key, compareEvents, launch, newPage, submitAndWait, userAgent
};
