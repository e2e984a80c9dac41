// SPDX-License-Identifier: EUPL-1.2
// lotse_js_cost.js — `make bench` part "js" (BENCH_PARTS=js): the main-thread
// time lotse.js (scripts/lotse.min.js, as the collector serves it) costs a
// page, measured in Debian's headless Chromium, on loopback only. Each round
// loads the page once without the script and once with it (and once with
// the script in LOTSE_JS_B, e.g. the previous version, for an A/B), each in
// a fresh tab of the same browser, in an order that rotates from round to
// round, after one warm-up load of each variant.
//   form    a portal form page (GOV.UK-like markup, 60 fields, one inline
//           script of the page's own that touches no DOM, so lotse.js is the
//           first script to use the DOM and pays V8's one-time setup of every
//           binding it touches: the document, an element, listeners, timers)
//           from navigation until `load` + 500 ms;
//   govuk   the same form as a GOV.UK Frontend page (npm govuk-frontend, as
//           its template.njk renders it: its stylesheet, the template's inline
//           script on the body, govuk-frontend.min.js with initAll()), the
//           kind of page most portal pages are;
//   heavy   200 renders of a 100-row table, each in a task of its own (as a
//           framework re-renders), then a 20 000-node insert, then 500 ms;
//           measured from the first idle moment after `load` (lotse.js has
//           started) to the end of the updates.
// Every form load is in a fresh tab (a first visit: nothing compiled yet);
// the heavy page loads into one tab kept for the whole scenario, so that
// with and without run in the same renderer process, equally warm.
// Two independent measurements per load:
//   - Chromium's counters of the renderer's main thread (CDP
//     Performance.getMetrics, thread CPU time): TaskDuration (all its work),
//     ScriptDuration (JavaScript); the cost is the difference to the load
//     without the script of the same round;
//   - a trace (CDP Tracing, category devtools.timeline): the thread CPU time
//     of lotse.js's own top-level events (evaluation, compilation, every
//     call into it: listeners, timers, idle callback, observer), split at
//     the end of the window's `load` event, and the style and layout it
//     forced inside them. This is what the script itself costs, without the
//     run-to-run noise of the page around it.
// Prints one JSON line per scenario and variant: medians and interquartile
// ranges ([q1, q3]) over the rounds, and the 1-minute load average before
// and after. Usage: node lotse_js_cost.js [ROUNDS] (default 15);
// SCENARIOS="form" runs one scenario (default "form govuk heavy");
// LOTSE_JS_B=FILE adds variant "b".
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const zlib = require('zlib');

const TOP = path.resolve(__dirname, '../..');
const GOVUK = path.join(TOP, 'tests/browser/node_modules/govuk-frontend/dist/govuk');
const { chromium } = require(path.join(TOP, 'tests/browser/node_modules/playwright-core'));
const ROUNDS = +(process.argv[2] || 15);
const SCRIPTS = { a: fs.readFileSync(path.join(TOP, 'scripts/lotse.min.js')) };
if (process.env.LOTSE_JS_B) SCRIPTS.b = fs.readFileSync(process.env.LOTSE_JS_B);
const VARIANTS = ['none', ...Object.keys(SCRIPTS)];
const TRACE_CATEGORIES = ['devtools.timeline'];

const tag = (v) => v === 'none' ? '' : '<script async src="/lotse.js?v=' + v + '" data-site="bench"></script>';

function formFields() {
  let fields = '';
  for (let i = 0; i < 60; i++) {
    fields += '<div class="govuk-form-group"><label class="govuk-label" for="f' + i + '">Feld ' + i +
      '</label><input class="govuk-input" id="f' + i + '" name="f' + i + '" required></div>\n';
  }
  return fields;
}

function formPage(variant) {
  // The portal's own script is in both variants: a page's first script pays
  // for setting up JavaScript at all, which is not lotse.js's cost.
  return '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Antrag</title>' + tag(variant) +
    '<script>window.portal = { ready: true };</script></head><body><main><h1>Antrag</h1><form method="post" novalidate>' +
    formFields() + '<button>Weiter</button></form></main></body></html>';
}

// The body's inline script exactly as govuk-frontend's template.njk has it.
function govukPage(variant) {
  const template = fs.readFileSync(path.join(GOVUK, 'template.njk'), 'utf8');
  const inline = template.match(/<script[^>]*>(document\.body\.className[^<]*)<\/script>/)[1];
  return '<!DOCTYPE html><html lang="de" class="govuk-template"><head><meta charset="utf-8"><title>Antrag</title>' +
    tag(variant) + '<link rel="stylesheet" href="/govuk/govuk-frontend.min.css"></head>' +
    '<body class="govuk-template__body"><script>' + inline + '</script><div class="govuk-width-container">' +
    '<main class="govuk-main-wrapper"><h1 class="govuk-heading-l">Antrag</h1><form method="post" novalidate>' +
    formFields() + '<button class="govuk-button" data-module="govuk-button">Weiter</button></form></main></div>' +
    '<script type="module">import { initAll } from "/govuk/govuk-frontend.min.js"; initAll();</script></body></html>';
}

// The heavy page: window.work() runs the renders and the big insert.
function heavyPage(variant) {
  return '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Tabelle</title>' + tag(variant) +
    '</head><body><table><tbody id="t"></tbody></table><div id="big"></div><script>' +
    'window.work = async function () {' +
    '  const t = document.getElementById("t");' +
    '  for (let r = 0; r < 200; r++) {' +
    '    const rows = document.createDocumentFragment();' +
    '    for (let i = 0; i < 100; i++) {' +
    '      const tr = document.createElement("tr");' +
    '      tr.className = i % 2 ? "odd" : "even";' +
    '      tr.innerHTML = "<td>" + r + "</td><td class=\\"n\\">" + i + "</td><td><a href=\\"#x\\">x</a></td>";' +
    '      rows.appendChild(tr);' +
    '    }' +
    '    t.replaceChildren(rows);' +
    '    await new Promise((done) => setTimeout(done, 0));' +
    '  }' +
    '  const big = document.createElement("div");' +
    '  for (let i = 0; i < 10000; i++) { const p = document.createElement("p"); p.textContent = "Zeile " + i; big.appendChild(p); }' +
    '  document.getElementById("big").appendChild(big);' +
    '  await new Promise((done) => setTimeout(done, 500));' +
    '};</script></body></html>';
}

const PAGES = { form: formPage, govuk: govukPage, heavy: heavyPage };

async function serve() {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    if (u.pathname === '/lotse.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end(SCRIPTS[u.searchParams.get('v')]);
    } else if (u.pathname.startsWith('/govuk/')) {
      const file = path.basename(u.pathname);
      res.writeHead(200, { 'Content-Type': file.endsWith('.css') ? 'text/css' : 'text/javascript' });
      res.end(fs.readFileSync(path.join(GOVUK, file)));
    } else if (u.pathname === '/e') {
      req.resume();
      res.writeHead(204);
      res.end();
    } else {
      const variant = u.searchParams.get('v');
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end((PAGES[u.pathname.slice(1)] || formPage)(variant));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

// {task, script} ms of main-thread CPU time so far (Performance.enable with
// threadTicks).
async function counters(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const ms = (name) => 1000 * metrics.find((m) => m.name === name).value;
  return { task: ms('TaskDuration'), script: ms('ScriptDuration') };
}

async function readTrace(cdp) {
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  const { stream } = await done;
  let text = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream });
    text += chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  const json = JSON.parse(text);
  return json.traceEvents || json;
}

// lotse.js's share of a trace: thread CPU ms of its outermost events on the
// page's main thread (the thread that parsed or ran the page's own script),
// the part of it before the end of the window's load event when the trace
// has one, and the style and layout inside them. Complete events only ("X";
// devtools.timeline records these for scripts, style and layout).
function attribute(events, pagePath) {
  const url = (e) => (e.args && ((e.args.data && e.args.data.url) || (e.args.beginData && e.args.beginData.url))) || '';
  const own = events.find((e) => /^(ParseHTML|EvaluateScript|FunctionCall)$/.test(e.name) && url(e).includes(pagePath));
  if (!own) throw new Error('no event of ' + pagePath + ' in the trace');
  const main = events.filter((e) => e.pid === own.pid && e.tid === own.tid).sort((x, y) => x.ts - y.ts);
  const load = main.find((e) => e.name === 'MarkLoad' && e.args.data.isOutermostMainFrame);
  const ours = (e) => e.ph === 'X' && /\/lotse\.js(\?|$)/.test(url(e));
  const out = { total: 0, at_load: load ? 0 : undefined, style_layout: 0 };
  let open = null;           // the outermost lotse.js event being inside
  for (const e of main) {
    if (open && e.ts >= open.ts + open.dur) open = null;
    if (!open && ours(e)) {
      open = e;
      out.total += (e.tdur || 0) / 1000;
      if (load && e.ts < load.ts) out.at_load += (e.tdur || 0) / 1000;
    } else if (open && e.ph === 'X' && (e.name === 'UpdateLayoutTree' || e.name === 'Layout')) {
      out.style_layout += (e.tdur || 0) / 1000;
    }
  }
  return out;
}

async function openTab(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  return { page, cdp };
}
const startTrace = (cdp) => cdp.send('Tracing.start', {
  traceConfig: { includedCategories: TRACE_CATEGORIES }, transferMode: 'ReturnAsStream'
});

// One load of a scenario: counters over the window, and lotse.js's share
// from the trace of the same window.
async function measure(context, tab, origin, scenario, variant) {
  const pagePath = '/' + scenario + '?v=' + variant;
  let before;
  if (scenario === 'heavy') {
    await tab.page.goto(origin + pagePath, { waitUntil: 'load' });
    // lotse.js starts at the first idle moment after load: an idle callback
    // asked for now runs after its own.
    await tab.page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve)));
    await startTrace(tab.cdp);
    before = await counters(tab.cdp);
    await tab.page.evaluate(() => window.work());
  } else {
    tab = await openTab(context);
    await startTrace(tab.cdp);
    before = await counters(tab.cdp);
    await tab.page.goto(origin + pagePath, { waitUntil: 'load' });
    await tab.page.waitForTimeout(500);
  }
  const after = await counters(tab.cdp);
  const own = attribute(await readTrace(tab.cdp), pagePath);
  if (scenario !== 'heavy') await tab.page.close();
  return { task: after.task - before.task, script: after.script - before.script, own };
}

// The q-quantile of numbers, interpolated between the two nearest ranks.
function quantile(list, q) {
  const s = [...list].sort((x, y) => x - y);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}
const round2 = (x) => Math.round(x * 100) / 100;
const stat = (list) => ({ median: round2(quantile(list, 0.5)), iqr: [round2(quantile(list, 0.25)), round2(quantile(list, 0.75))] });

async function runScenario(context, origin, scenario) {
  const load0 = os.loadavg()[0];
  const runs = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  const tab = scenario === 'heavy' ? await openTab(context) : null;
  for (const v of VARIANTS) await measure(context, tab, origin, scenario, v);     // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    const order = VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length]);
    if (r % 2) order.reverse();
    for (const v of order) runs[v].push(await measure(context, tab, origin, scenario, v));
  }
  if (tab) await tab.page.close();
  const load1 = os.loadavg()[0];
  const none = runs.none;
  const lines = [];
  for (const v of VARIANTS) {
    const list = runs[v];
    const out = { part: 'js', scenario, variant: v, rounds: ROUNDS,
      task_ms: stat(list.map((x) => x.task)), script_ms: stat(list.map((x) => x.script)) };
    if (v !== 'none') {
      // Paired with the load without the script of the same round.
      const cost = list.map((x, i) => x.task - none[i].task);
      out.cost_ms = stat(cost);
      out.cost_pct = stat(list.map((x, i) => 100 * (x.task - none[i].task) / none[i].task));
      out.script_cost_ms = stat(list.map((x, i) => x.script - none[i].script));
      out.own_ms = stat(list.map((x) => x.own.total));
      if (list[0].own.at_load !== undefined) out.own_at_load_ms = stat(list.map((x) => x.own.at_load));
      out.own_style_layout_ms = stat(list.map((x) => x.own.style_layout));
      out.gzip_bytes = zlib.gzipSync(SCRIPTS[v], { level: 9 }).length;
    }
    out.load_avg = [round2(load0), round2(load1)];
    lines.push(out);
  }
  return lines;
}

async function main() {
  const server = await serve();
  const origin = 'http://127.0.0.1:' + server.address().port;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-jsbench-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync']
  });
  try {
    for (const scenario of (process.env.SCENARIOS || 'form govuk heavy').split(' ')) {
      for (const line of await runScenario(context, origin, scenario)) console.log(JSON.stringify(line));
    }
  } finally {
    await context.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e.stack || e);
  process.exit(1);
});
