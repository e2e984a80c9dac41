// SPDX-License-Identifier: EUPL-1.2
// pages.js — opens a report's index.html and two service pages in Debian's
// headless Chromium (playwright-core) at 1366 and 390 px and checks what
// readers and REPORT.md need: axe-core (WCAG 2.x A and AA rules and best
// practices) finds no violation; the page does not scroll sideways
// (document.documentElement.scrollWidth <= innerWidth; wide tables scroll in
// their own box); every image (the charts) loaded; no request leaves the
// file system; in print every section is laid out (nothing collapsed) and
// the navigation is hidden; page.pdf() prints it.
// Usage: node pages.js REPORT_DIR. Prints "ok - …" / "not ok - …" and ends
// with "html-browser: N passed, N failed"; exits 1 on any failure.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const DIR = path.resolve(process.argv[2]);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE = require.resolve('axe-core/axe.min.js');

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
}

/* Rows of one of the report's CSV files (excel dialect) as objects. */
function csvRows(name) {
  const file = path.join(DIR, name);
  if (!fs.existsSync(file)) return [];
  const lines = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split('\r\n').filter((l) => l);
  const head = lines[0].split(';');
  return lines.slice(1).map((line) => Object.fromEntries(line.split(';').map((c, i) => [head[i], c])));
}

/* The pages to check: index.html, the busiest service's page and the page of the first change. */
function pagesToCheck() {
  const services = csvRows('services.csv');
  const busiest = services.reduce((a, b) => (+b.started > +a.started ? b : a));
  const pages = ['index.html', path.join('dienste', busiest.site + '_' + busiest.service + '.html')];
  const change = csvRows('changes.csv')[0];
  if (change) {
    const page = path.join('dienste', change.site + '_' + change.service + '.html');
    if (!pages.includes(page)) pages.push(page);
  }
  return pages;
}

async function checkPage(ctx, rel, width) {
  const page = await ctx.newPage();
  const outside = [];
  page.on('request', (req) => { if (!req.url().startsWith('file://')) outside.push(req.url()); });
  await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
  await page.goto('file://' + path.join(DIR, rel), { waitUntil: 'load' });
  const what = rel + ' at ' + width + ' px';

  const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
  check(what + ': no sideways scrolling', m.sw <= m.iw, 'scrollWidth ' + m.sw + ' > ' + m.iw);

  const broken = await page.evaluate(() =>
    [...document.images].filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.getAttribute('src')));
  check(what + ': every chart loads', broken.length === 0, broken.join(', '));
  check(what + ': nothing from the network', outside.length === 0, outside.join(', '));

  await page.addScriptTag({ path: AXE });
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => v.id + ' (' + v.nodes.length + '× ' + v.nodes[0].target.join(' ') + ')');
  });
  check(what + ': axe-core finds no violation', res.length === 0, res.join('; '));

  if (width > 1000) {
    await page.emulateMedia({ media: 'print' });
    const hidden = await page.evaluate(() => {
      const bad = [];
      for (const el of document.querySelectorAll('main section, main table, main figure, main p')) {
        if (el.getClientRects().length === 0) bad.push(el.tagName + (el.id ? '#' + el.id : ''));
      }
      if (document.querySelectorAll('details:not([open])').length) bad.push('closed details');
      const nav = document.querySelector('nav');
      if (nav && nav.getClientRects().length) bad.push('nav is printed');
      return bad;
    });
    check(what + ': print lays out every section, no navigation', hidden.length === 0, hidden.join(', '));
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
    check(what + ': prints to PDF', pdf.length > 1000 && pdf.subarray(0, 5).toString() === '%PDF-',
      pdf.length + ' bytes');
  }
  await page.close();
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-html-'));
  let ctx;
  try {
    ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
    for (const rel of pagesToCheck()) {
      for (const width of [1366, 390]) await checkPage(ctx, rel, width);
    }
  } catch (e) {
    check('browser run', false, e.stack || String(e));
  } finally {
    if (ctx) await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log('html-browser: ' + passed + ' passed, ' + failed + ' failed');
  process.exit(failed ? 1 : 0);
})();
