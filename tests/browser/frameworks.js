// SPDX-License-Identifier: EUPL-1.2
// frameworks.js — lotse.js on portal pages built with real third-party form
// markup from npm (frameworks/server.js serves them; pinned in
// package-lock.json): GOV.UK Frontend (a multi-page service with
// server-rendered errors and error summary, and a page validated in the
// browser), Bootstrap 5's needs-validation starter form, KERN UX with session
// ids in its URLs, plain HTML5 constraint validation (lotse.js through a
// /lotse/ path prefix), and a Preact wizard (ESM builds, import map, no
// bundler) that changes steps with history.pushState next to a second
// application in the same page. The pages carry only the script tag (the
// call-back widget adds data-lotse-* for steps no URL shows); which page is
// which step is in frameworks/services.csv, the catalogue.
//
// Per framework three journeys, each in a browser of its own (its own
// User-Agent, so its own visit): complete, erroneous then complete, and
// erroneous or abandoned. The events each journey stores must be exactly the
// expected ones (engagement aside), and the report's services.csv, funnel.csv
// and fields.csv must say what the journeys did. Screenshots with and without
// lotse.js at 1280 and 390 px must be the same. Negative cases: checkValidity() polling,
// a triple click on a reference number, a form not in the catalogue that
// shows no error — no event. Privacy: a dump of the database holds no typed
// value, no jsessionid and no text thrown by page code.
// Usage: node frameworks.js BUILD_DIR. Last line "frameworks: N passed, N failed".
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { startFrameworkPortal } = require('./frameworks/server');
const {
  counts, check, finish, sleep, startCollector, stopCollector, query, dump, maxId, eventsAfter,
  compareEvents, launch, newPage, submitAndWait
} = require('./harness');

const BUILD = path.resolve(process.argv[2] || path.join(__dirname, '../../build'));
const SECRETS = ['ottilie', 'quastenflosser', '276098106543210', 'holunderweg', 'kleinkleckersdorf',
  'regenschirm', 'beispiel-mail', 'adresse nicht gefunden', 'jsessionid', '8f3ac0de99b1', '45964'];
const PERSON_MS = 400;       // a person looks at a new step before acting

const E = (type, p, fields) => Object.assign({ type, path: p }, fields);
const pv = (p) => E('pageview', p);
const fe = (p, field, error, fields) => E('field_error', p, Object.assign({ field, error }, fields));

/* ---- the journeys: [name, start, walk(page, origin), expected events] ---- */

const G1 = '/govuk/hundesteuer/halter';
const G2 = '/govuk/hundesteuer/hund';
const GF = '/govuk/hundesteuer/fertig';
async function govukStep1(page) {
  await page.fill('#name', 'Ottilie Quastenflosser');
  await page.check('#wohnsitz');
  await submitAndWait(page, 'button.govuk-button', G2);
}
async function govukDate(page) {
  await page.fill('#geburt-day', '14');
  await page.fill('#geburt-month', '3');
  await page.fill('#geburt-year', '2021');
}
async function govukRate(page, value) {
  await page.check('input[name=satisfaction][value=' + value + ']');
  await submitAndWait(page, 'form[data-lotse-feedback] button', '/govuk/hundesteuer/danke');
}
const govuk = [
  ['GOV.UK multi-page: complete; triple click on the reference number', G1, async (page) => {
    await govukStep1(page);
    await govukDate(page);
    await page.fill('#chip', '276098106543210');
    await submitAndWait(page, 'button.govuk-button', GF);
    await page.click('#aktenzeichen', { clickCount: 3 });
    check('GOV.UK: the triple click selected the reference number',
      (await page.evaluate(() => getSelection().toString())).includes('HDJ2123F'));
    await govukRate(page, 'very-satisfied');
  }, [pv(G1), pv(G2), pv(GF), E('feedback', GF, { rating: 5, service: 'hundesteuer' }), pv('/govuk/hundesteuer/danke')]],
  ['GOV.UK multi-page: server errors, then complete', G1, async (page) => {
    await page.click('button.govuk-button');
    await page.waitForSelector('.govuk-error-summary');
    await govukStep1(page);
    await govukDate(page);
    await page.fill('#chip', '12345');
    await page.click('button.govuk-button');
    await page.waitForSelector('#chip-error');
    await page.fill('#chip', '276098106543210');
    await submitAndWait(page, 'button.govuk-button', GF);
    await govukRate(page, 'dissatisfied');
  }, [pv(G1), pv(G1), fe(G1, 'name', 'server'), fe(G1, 'wohnsitz', 'server'), pv(G2), pv(G2), fe(G2, 'chip', 'server'),
    pv(GF), E('feedback', GF, { rating: 2, service: 'hundesteuer' }), pv('/govuk/hundesteuer/danke')]],
  ['GOV.UK multi-page: date error, abandoned', G1, async (page) => {
    await govukStep1(page);
    await page.fill('#chip', '276098106543210');
    await page.click('button.govuk-button');
    await page.waitForSelector('.govuk-error-summary');
  }, [pv(G1), pv(G2), pv(G2), fe(G2, 'geburt-day', 'server'), fe(G2, 'geburt-month', 'server'),
    fe(G2, 'geburt-year', 'server')]]
];

const S = '/govuk-js/sperrmuell';
const SD = '/govuk-js/sperrmuell/bestaetigung';
const sperrmuell = [
  ['GOV.UK in the browser: complete', S, async (page) => {
    await page.fill('#strasse', 'Holunderweg 77a');
    await page.check('#art');
    await submitAndWait(page, 'button.govuk-button', SD);
  }, [pv(S), pv(SD)]],
  ['GOV.UK in the browser: errors, then complete', S, async (page) => {
    await page.click('button.govuk-button');
    await sleep(PERSON_MS);
    await page.fill('#strasse', 'Holunderweg 77a');
    await page.check('#art');
    await submitAndWait(page, 'button.govuk-button', SD);
  }, [pv(S), fe(S, 'strasse', 'required'), fe(S, 'art', 'server'), pv(SD)]],
  ['GOV.UK in the browser: two attempts with errors, abandoned', S, async (page) => {
    await page.click('button.govuk-button');
    await sleep(PERSON_MS);
    await page.fill('#strasse', 'Holunderweg 77a');
    await page.click('button.govuk-button');
    await sleep(PERSON_MS);
  }, [pv(S), fe(S, 'strasse', 'required'), fe(S, 'art', 'server'), fe(S, 'art', 'server')]]
];

const B = '/bootstrap/ehrenamt';
const BD = '/bootstrap/ehrenamt/danke';
const BOOTSTRAP_FIELDS = ['username', 'city', 'state', 'zip', 'terms'];
async function bootstrapFill(page) {
  await page.fill('#validationCustomUsername', 'ottilie');
  await page.fill('#validationCustom03', 'Kleinkleckersdorf');
  await page.selectOption('#validationCustom04', '...');
  await page.fill('#validationCustom05', '45964');
  await page.check('#invalidCheck');
}
const bootstrapErrors = () => BOOTSTRAP_FIELDS.map((f) => fe(B, f, 'required'));
const bootstrap = [
  ['Bootstrap needs-validation: complete', B, async (page) => {
    await bootstrapFill(page);
    await submitAndWait(page, 'button[type=submit]', BD);
  }, [pv(B), pv(BD)]],
  ['Bootstrap needs-validation: errors, then complete', B, async (page) => {
    await page.click('button[type=submit]');
    await sleep(PERSON_MS);
    await bootstrapFill(page);
    await submitAndWait(page, 'button[type=submit]', BD);
  }, [pv(B), ...bootstrapErrors(), pv(BD)]],
  ['Bootstrap needs-validation: two attempts with errors, abandoned', B, async (page) => {
    await page.click('button[type=submit]');
    await sleep(PERSON_MS);
    await page.click('button[type=submit]');
    await sleep(PERSON_MS);
  }, [pv(B), ...bootstrapErrors(), ...bootstrapErrors()]]
];

const K1 = '/kern/wohngeld/antrag';
const K2 = '/kern/wohngeld/einkommen';
const KD = '/kern/wohngeld/eingang';
const PDF = '[ip]/kern/wohngeld/vollmacht.pdf';   // an IP-literal host is stored as [ip]
async function kernStep1(page, haushalt) {
  await page.fill('#vorname', 'Ottilie');
  await page.fill('#haushalt', haushalt);
  await page.click('button[type=submit]');
}
async function kernStep2(page) {
  await page.fill('#einkommen', '1834');
  await page.check('#nachweis-lohn');
  await submitAndWait(page, 'button[type=submit]', KD);
}
const kern = [
  ['KERN UX with ;jsessionid URLs: PDF download, complete', K1, async (page) => {
    const download = page.waitForEvent('download');
    await page.click('#vollmacht');
    await download;
    await kernStep1(page, '2');
    await page.waitForURL('**' + K2 + '**');
    await kernStep2(page);
  }, [pv(K1), E('outlink', K1, { href: PDF }), pv(K2), pv(KD)]],
  ['KERN UX: middle click on the PDF, server errors (empty, out of range), then complete', K1, async (page) => {
    await page.click('#vollmacht', { button: 'middle' });
    await page.click('button[type=submit]');
    await page.waitForSelector('#vorname-error');
    await kernStep1(page, '99');
    await page.waitForSelector('#haushalt-error');
    await page.fill('#haushalt', '2');
    await submitAndWait(page, 'button[type=submit]', K2);
    await kernStep2(page);
  }, [pv(K1), E('outlink', K1, { href: PDF }), pv(K1), fe(K1, 'vorname', 'server'), fe(K1, 'haushalt', 'server'),
    pv(K1), fe(K1, 'haushalt', 'range'), pv(K2), pv(KD)]],
  ['KERN UX: radio group error, abandoned', K1, async (page) => {
    await kernStep1(page, '3');
    await page.waitForURL('**' + K2 + '**');
    await page.fill('#einkommen', '1834');
    await page.click('button[type=submit]');
    await page.waitForSelector('#nachweis-error');
  }, [pv(K1), pv(K2), pv(K2), fe(K2, 'nachweis', 'server')]]
];

const H = '/html5/fundsache';
const HD = '/html5/fundsache/danke';
async function html5Fill(page, email) {
  await page.fill('[name=gegenstand]', 'Regenschirm');
  await page.fill('[name=email]', email);
  await page.fill('[name=datum]', '2026-11-20');
}
const html5 = [
  ['HTML5 (lotse.js under /lotse/): complete, the page polls checkValidity()', H, async (page) => {
    await html5Fill(page, 'ottilie@beispiel-mail.de');
    await submitAndWait(page, '#senden', HD);
  }, [pv(H), pv(HD)]],
  ['HTML5: empty submit, wrong e-mail, then complete', H, async (page) => {
    await page.click('#senden');
    await sleep(PERSON_MS);
    await html5Fill(page, 'ottilie.quastenflosser');
    await page.click('#senden');
    await sleep(PERSON_MS);
    await page.fill('[name=email]', 'ottilie@beispiel-mail.de');
    await submitAndWait(page, '#senden', HD);
  }, [pv(H), fe(H, 'gegenstand', 'required'), fe(H, 'email', 'required'), fe(H, 'datum', 'required'),
    fe(H, 'email', 'format'), pv(HD)]],
  ['HTML5: typing while the page polls checkValidity(), abandoned (no field error)', H, async (page) => {
    await page.fill('[name=gegenstand]', 'Re');
    await page.fill('[name=email]', 'ottilie.quastenflosser');
    await page.type('[name=gegenstand]', 'genschirm');
    const polled = await page.evaluate(() => document.getElementById('fund').checkValidity());
    check('HTML5: the polled form was invalid while typing', polled === false);
  }, [pv(H)]],
  ['a form that is no service and shows no error: only page views', '/kontakt/newsletter', async (page) => {
    await page.fill('[name=email]', 'ottilie@beispiel-mail.de');
    await page.check('[name=einwilligung]');
    await submitAndWait(page, 'button', '/kontakt/danke');
  }, [pv('/kontakt/newsletter'), pv('/kontakt/danke')]]
];

const P1 = '/preact/umzug';
const P2 = '/preact/umzug/wohnung';
const P3 = '/preact/umzug/pruefen';
const PD = '/preact/umzug/fertig';
const R = { service: 'rueckruf' };
const callStart = (p) => [E('flow_start', p, R), E('flow_step', p, Object.assign({ step: 1, step_name: 'Zeit wählen' }, R))];
async function next(page, urlPart) {
  await Promise.all([page.waitForURL('**' + urlPart), page.click('#weiter')]);
  await sleep(PERSON_MS);
}
async function callback(page, clicks) {
  for (let i = 0; i < clicks; i++) {
    if (i === 0) await page.check('input[name=zeit]');
    await page.click('#rueckruf-weiter');
    await sleep(PERSON_MS);
  }
}
const preact = [
  ['Preact wizard (pushState) and call-back widget: both complete', P1, async (page) => {
    await page.fill('[name=plz]', '45964');
    await next(page, P2);
    await next(page, P3);
    await page.check('[name=bestaetigt]');
    await next(page, PD);
    await callback(page, 2);
  }, [pv(P1), ...callStart(P1), pv(P2), pv(P3), pv(PD),
    E('flow_step', PD, Object.assign({ step: 2, step_name: 'Bestätigen' }, R)), E('flow_complete', PD, R)]],
  ['Preact wizard: errors on steps 1 and 3, a page error, then complete', P1, async (page) => {
    await page.click('#weiter');
    await page.waitForSelector('[aria-invalid=true]');
    await sleep(PERSON_MS);
    await page.fill('[name=plz]', '45964');
    await next(page, P2);
    await page.click('#pruefen');
    await next(page, P3);
    await page.click('#weiter');
    await page.waitForSelector('[aria-invalid=true]');
    await sleep(PERSON_MS);
    await page.check('[name=bestaetigt]');
    await next(page, PD);
    check('Preact: the page\'s own error was thrown, and only it', JSON.stringify(page.errors) ===
      JSON.stringify(['Adresse nicht gefunden: Holunderweg 77a, 45964 Kleinkleckersdorf']), JSON.stringify(page.errors));
    page.errors = [];
  }, [pv(P1), ...callStart(P1), fe(P1, 'plz', 'server'), pv(P2), E('js_error', P2), pv(P3), fe(P3, 'bestaetigt', 'server'),
    pv(PD)]],
  ['Preact: call-back widget to step 2, wizard to step 2, abandoned', P1, async (page) => {
    await callback(page, 1);
    await page.fill('[name=plz]', '45964');
    await next(page, P2);
  }, [pv(P1), ...callStart(P1), E('flow_step', P1, Object.assign({ step: 2, step_name: 'Bestätigen' }, R)), pv(P2)]]
];

const FRAMEWORKS = [['govuk', govuk], ['govuk-js', sperrmuell], ['bootstrap', bootstrap], ['kern', kern],
  ['html5', html5], ['preact', preact]];

/* ---- what the report must say (services.csv, funnel.csv, fields.csv) ---- */

// [service, started, completed, reached per step 1.., {"field:error": [errors, flows]}]
const REPORT = [
  ['hundesteuer', 3, 2, [3, 3], { 'name:server': [1, 1], 'wohnsitz:server': [1, 1], 'chip:server': [1, 1],
    'geburt-day:server': [1, 1], 'geburt-month:server': [1, 1], 'geburt-year:server': [1, 1] }],
  ['sperrmuell', 3, 2, [3], { 'strasse:required': [2, 2], 'art:server': [3, 2] }],
  ['ehrenamt', 3, 2, [3], Object.fromEntries(BOOTSTRAP_FIELDS.map((f) => [f + ':required', [3, 2]]))],
  ['wohngeld', 3, 2, [3, 3], { 'vorname:server': [1, 1], 'haushalt:server': [1, 1], 'haushalt:range': [1, 1],
    'nachweis:server': [1, 1] }],
  ['fundsache', 3, 2, [3], { 'gegenstand:required': [1, 1], 'email:required': [1, 1], 'datum:required': [1, 1],
    'email:format': [1, 1] }],
  ['umzug', 3, 2, [3, 3, 2], { 'plz:server': [1, 1], 'bestaetigt:server': [1, 1] }],
  ['rueckruf', 3, 1, [3, 2], {}]
];

function readCsv(file) {
  const rows = [];
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    if (!line) continue;
    const cells = [];
    const re = /("([^"]|"")*"|[^,]*)(,|$)/g;
    for (let m = re.exec(line); m && m.index < line.length; m = re.exec(line)) {
      cells.push(m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1]);
      if (!m[3]) break;
    }
    rows.push(cells);
  }
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

function reportChecks(ctx, only) {
  const out = path.join(ctx.tmp, 'report');
  execFileSync(path.join(BUILD, 'lotse-report'), ['--db', ctx.collector.db, '--out', out, '--services',
    path.join(__dirname, 'frameworks/services.csv'), '--csv', 'rfc4180', '--no-charts', '--quiet',
    '--min-count', '1'], { timeout: 60000 });
  const services = readCsv(path.join(out, 'services.csv'));
  const funnel = readCsv(path.join(out, 'funnel.csv'));
  const fields = readCsv(path.join(out, 'fields.csv'));
  for (const [service, started, completed, reached, errors] of REPORT) {
    if (only && !(REPORT_OF[only] || []).includes(service)) continue;
    const row = services.find((r) => r.service === service) || {};
    check('report ' + service + ': started ' + started + ', completed ' + completed,
      +row.started === started && +row.completed === completed, JSON.stringify(row));
    const steps = funnel.filter((r) => r.service === service).map((r) => [+r.step, +r.reached]);
    const want = [[0, started]].concat(reached.map((n, i) => [i + 1, n]));
    check('report ' + service + ': reached per step ' + JSON.stringify(want), JSON.stringify(steps) === JSON.stringify(want),
      JSON.stringify(steps));
    const got = Object.fromEntries(fields.filter((r) => r.service === service)
      .map((r) => [r.field + ':' + r.error, [+r.errors, +r.flows_affected]]));
    check('report ' + service + ': errors and flows per field and kind', JSON.stringify(sortKeys(got)) ===
      JSON.stringify(sortKeys(errors)), JSON.stringify(got));
  }
}
const sortKeys = (o) => Object.fromEntries(Object.entries(o).sort());
const REPORT_OF = { govuk: ['hundesteuer'], 'govuk-js': ['sperrmuell'], bootstrap: ['ehrenamt'], kern: ['wohngeld'],
  html5: ['fundsache'], preact: ['umzug', 'rueckruf'] };

/* ---- nothing visible changes ---- */

// Pixels that differ between two PNG screenshots of equal size (-1 when the
// sizes differ), counted in the page's canvas.
function differingPixels(page, a, b) {
  return page.evaluate(async ([x, y]) => {
    const load = (s) => new Promise((resolve) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.src = 'data:image/png;base64,' + s;
    });
    const pixels = (img) => {
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const g = canvas.getContext('2d');
      g.drawImage(img, 0, 0);
      return g.getImageData(0, 0, img.width, img.height).data;
    };
    const [i, j] = [await load(x), await load(y)];
    if (i.width !== j.width || i.height !== j.height) return -1;
    const [p, q] = [pixels(i), pixels(j)];
    let n = 0;
    for (let k = 0; k < p.length; k += 4) if (p[k] !== q[k] || p[k + 1] !== q[k + 1] || p[k + 2] !== q[k + 2]) n++;
    return n;
  }, [a.toString('base64'), b.toString('base64')]);
}

// Each framework's first page after a failed submit, at 1280 and 390 px, with
// and without lotse.js: the same picture. Up to 16 pixels may differ: two
// loads of the Bootstrap page at 390 px without lotse.js differ by 6 (an
// anti-aliased checkbox edge), all other pages by none.
const LOOKS = [['/govuk/hundesteuer/halter', 'button.govuk-button'], ['/govuk-js/sperrmuell', 'button.govuk-button'],
  ['/bootstrap/ehrenamt', 'button[type=submit]'], ['/kern/wohngeld/antrag', 'button[type=submit]'],
  ['/html5/fundsache', null], ['/preact/umzug', '#weiter']];
async function sameLook(ctx) {
  const context = await launch(ctx.tmp, 'profile-look', {}, 99);
  try {
    const canvas = await context.newPage();
    for (const [url, button] of LOOKS) {
      for (const width of [1280, 390]) {
        const shots = [];
        for (const withScript of [true, false]) {
          const page = await newPage(context);
          await page.setViewportSize({ width, height: 900 });
          if (!withScript) await page.route('**/lotse.js', (route) => route.abort());
          await page.goto(ctx.portal.origin + url, { waitUntil: 'load' });
          if (button) await page.click(button);
          await page.mouse.move(0, 0);
          await sleep(1000);
          shots.push(await page.screenshot({ fullPage: true, caret: 'hide', animations: 'disabled' }));
          await page.close();
        }
        const n = await differingPixels(canvas, shots[0], shots[1]);
        check('nothing visible changes: ' + url + ' at ' + width + ' px (' + n + ' pixels differ)', n >= 0 && n <= 16);
      }
    }
  } finally {
    await context.close();
  }
}

/* ---- running them ---- */

async function runJourney(ctx, n, [name, start, walk, expected]) {
  const before = maxId(ctx.collector.db);
  const context = await launch(ctx.tmp, 'profile-' + n, {}, n + 1);
  try {
    const page = await newPage(context);
    const url = ctx.portal.origin + start + (start.startsWith('/kern/') ? ctx.session : '');
    await page.goto(url);
    await page.waitForLoadState('load');
    await walk(page);
    await sleep(200);
    await page.goto('about:blank');       // pagehide: the last batch
    const rows = (await eventsAfter(ctx.collector.db, before, expected.length + 1))
      .filter((r) => r.type !== 'engagement').map((r) => Object.assign({}, r, { ref: null }));
    compareEvents(name + ': exactly the expected events', rows, expected);
    check(name + ': no page error', page.errors.length === 0, JSON.stringify(page.errors));
    const visits = new Set(rows.map((r) => r.visit));
    check(name + ': one visit of its own', visits.size === 1 && !visits.has(null) && !ctx.visits.has([...visits][0]));
    visits.forEach((v) => ctx.visits.add(v));
    return rows;
  } finally {
    await context.close();
  }
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-frameworks-'));
  const ctx = { tmp, visits: new Set(), session: ';jsessionid=8F3AC0DE99B1' };
  try {
    ctx.collector = await startCollector(BUILD, tmp);
    ctx.portal = await startFrameworkPortal();
    ctx.portal.collector = ctx.collector.origin;
    let n = 0;
    const only = process.env.LOTSE_ONLY;
    for (const [framework, journeys] of FRAMEWORKS) {
      if (only && only !== framework) continue;
      for (const journey of journeys) {
        try {
          await runJourney(ctx, n++, journey);
        } catch (e) {
          check(journey[0] + ': ran to the end', false, e.stack);
        }
      }
    }
    const js = query(ctx.collector.db, "SELECT message FROM events WHERE type = 'js_error'").map((r) => r.message);
    check('js_error: the class and where it was thrown, never the text',
      (only && only !== 'preact') || (js.length === 1 && /^Error \/preact\/app\.js:[0-9]+:[0-9]+$/.test(js[0])),
      JSON.stringify(js));
    const proxied = ctx.portal.requests.filter((r) => r.url === '/lotse/e' && r.method === 'POST');
    check('the path-prefix endpoint: beacons went to /lotse/e', (only && only !== 'html5') || proxied.length > 0,
      proxied.length);
    reportChecks(ctx, only);
    if (!only || only === 'look') await sameLook(ctx);
    const rejects = query(ctx.collector.db, 'SELECT reason, type FROM rejects');
    check('the collector rejected no event', rejects.length === 0, JSON.stringify(rejects));
    const code = await stopCollector(ctx.collector);
    check('collector exits 0 on SIGTERM', code === 0, code);
    const text = dump(ctx.collector.db).toLowerCase();
    const leaks = SECRETS.filter((s) => text.includes(s));
    check('the database dump holds no typed value, no jsessionid, no thrown text', leaks.length === 0,
      JSON.stringify(leaks));
  } catch (e) {
    check('frameworks test ran to the end', false, e.stack);
  } finally {
    if (ctx.collector) await stopCollector(ctx.collector);
    if (ctx.portal) await ctx.portal.close();
    if (counts.failed === 0 && !process.env.LOTSE_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
    else console.log('# kept ' + tmp);
  }
  finish('frameworks');
}

main();
