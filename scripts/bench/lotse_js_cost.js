// SPDX-License-Identifier: EUPL-1.2
// lotse_js_cost.js — `make bench` part "js" (BENCH_PARTS=js): the main-thread
// time lotse.js (scripts/lotse.min.js, as the collector serves it) costs a
// page, measured in Debian's headless Chromium with and without the script
// in the same run, alternating, on loopback only. Chromium's own counters
// (CDP Performance.getMetrics: TaskDuration, the main thread's busy time)
// are read after each scenario:
//   load    a portal form page (GOV.UK-like markup, 60 fields) until load
//           and 500 ms after it (lotse.js's first scan runs at load);
//   renders 200 renders of a 100-row table, each in a task of its own (as a
//           framework re-renders), then a 20 000-node insert, then 500 ms.
// Prints one JSON line per scenario: medians over ROUNDS pairs, the cost
// (ms at load; per cent on renders), the JavaScript part of it
// (ScriptDuration) and the machine's load average. Usage: node
// lotse_js_cost.js [ROUNDS]; SCENARIOS="form" runs one scenario.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');

const TOP = path.resolve(__dirname, '../..');
const { chromium } = require(path.join(TOP, 'tests/browser/node_modules/playwright-core'));
const ROUNDS = +(process.argv[2] || 9);
const SCRIPT = fs.readFileSync(path.join(TOP, 'scripts/lotse.min.js'));

function formPage(withScript) {
  let fields = '';
  for (let i = 0; i < 60; i++) {
    fields += '<div class="govuk-form-group"><label class="govuk-label" for="f' + i + '">Feld ' + i +
      '</label><input class="govuk-input" id="f' + i + '" name="f' + i + '" required></div>\n';
  }
  // The portal's own script is in both variants: a page's first script pays
  // for setting up JavaScript at all, which is not lotse.js's cost.
  return '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Antrag</title>' +
    (withScript ? '<script async src="/lotse.js" data-site="bench"></script>' : '') +
    '<script>window.portal = { ready: true };</script></head><body><main><h1>Antrag</h1><form method="post" novalidate>' + fields +
    '<button>Weiter</button></form></main></body></html>';
}

// The heavy page: window.work() runs the renders and the big insert.
function heavyPage(withScript) {
  return '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Tabelle</title>' +
    (withScript ? '<script async src="/lotse.js" data-site="bench"></script>' : '') +
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

async function serve() {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const withScript = u.searchParams.get('lotse') === '1';
    if (u.pathname === '/lotse.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end(SCRIPT);
    } else if (u.pathname === '/e') {
      req.resume();
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(u.pathname === '/heavy' ? heavyPage(withScript) : formPage(withScript));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

// [main-thread busy ms, JavaScript ms] so far (CPU time of the renderer's
// main thread: Performance.enable with threadTicks).
async function busyMs(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const ms = (name) => 1000 * metrics.find((m) => m.name === name).value;
  return [ms('TaskDuration'), ms('ScriptDuration')];
}

// [main-thread busy ms, JavaScript ms] of one scenario in a fresh page.
async function measure(context, origin, scenario, withScript) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const base = await busyMs(cdp);
  await page.goto(origin + '/' + scenario + '?lotse=' + (withScript ? 1 : 0), { waitUntil: 'load' });
  if (scenario === 'heavy') await page.evaluate(() => window.work());
  else await page.waitForTimeout(500);
  const after = await busyMs(cdp);
  await page.close();
  return [after[0] - base[0], after[1] - base[1]];
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

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
    for (const scenario of (process.env.SCENARIOS || 'form heavy').split(' ')) {
      const runs = { with: [], without: [] };
      await measure(context, origin, scenario, true);       // warm the caches once
      for (let r = 0; r < ROUNDS; r++) {
        const order = r % 2 ? [false, true] : [true, false];
        for (const w of order) runs[w ? 'with' : 'without'].push(await measure(context, origin, scenario, w));
      }
      const med = (list, i) => median(list.map((r) => r[i]));
      const [withMs, withoutMs] = [med(runs.with, 0), med(runs.without, 0)];
      const [withJs, withoutJs] = [med(runs.with, 1), med(runs.without, 1)];
      const out = { part: 'js', scenario, rounds: ROUNDS, with_ms: +withMs.toFixed(2), without_ms: +withoutMs.toFixed(2),
        cost_ms: +(withMs - withoutMs).toFixed(2), cost_pct: +(100 * (withMs - withoutMs) / withoutMs).toFixed(1),
        script_with_ms: +withJs.toFixed(2), script_without_ms: +withoutJs.toFixed(2),
        script_cost_ms: +(withJs - withoutJs).toFixed(2), load_avg: +os.loadavg()[0].toFixed(1),
        gzip_bytes: require('zlib').gzipSync(SCRIPT, { level: 9 }).length };
      console.log(JSON.stringify(out));
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
