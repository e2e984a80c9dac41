// SPDX-License-Identifier: EUPL-1.2
// server.js — the portal of the framework suite (frameworks.js) on an
// ephemeral loopback port, another origin than the collector. Pages are
// Nunjucks templates in pages/ (GOV.UK pages use govuk-frontend's own
// macros and page template); the vendors' CSS and JS come unchanged from
// node_modules under /vendor/NAME/. A POST to a form page runs that route's
// server-side validation, as form software does: errors render the same page
// again (200, with the framework's error markup), else 303 to the next page.
// Path parameters (";jsessionid=…", as Government Site Builder puts them into
// URLs) are ignored for routing. /lotse/… is a small reverse proxy to the
// collector (the path-prefix endpoint). Every request is kept in
// portal.requests ({method, url, body}).
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const nunjucks = require('nunjucks');
const { listen, closeServer } = require('../servers');

const MODULES = path.join(__dirname, '..', 'node_modules');
const VENDOR = {
  govuk: path.join(MODULES, 'govuk-frontend/dist/govuk'),
  bootstrap: path.join(MODULES, 'bootstrap/dist'),
  kern: path.join(MODULES, '@kern-ux/native/dist'),
  preact: path.join(MODULES, 'preact'),
  htm: path.join(MODULES, 'htm/dist')
};
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.mjs': 'text/javascript', '.woff2': 'font/woff2', '.woff': 'font/woff', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.pdf': 'application/pdf'
};
const SESSION = ';jsessionid=8F3AC0DE99B1';

// Server-side validation per form page: fields -> message when wrong, and
// where a valid submission goes.
const need = (msg) => (v) => (v ? '' : msg);
const ROUTES = {
  '/govuk/hundesteuer/halter': {
    next: '/govuk/hundesteuer/hund',
    check: { name: need('Geben Sie Ihren vollständigen Namen ein'), wohnsitz: need('Wählen Sie aus, ob Sie in Gladbeck wohnen') }
  },
  '/govuk/hundesteuer/hund': {
    next: '/govuk/hundesteuer/fertig',
    check: {
      'geburt-day': (v, b) => (v && b['geburt-month'] && b['geburt-year'] ? '' : 'Geben Sie das Geburtsdatum des Hundes ein'),
      chip: (v) => (/^[0-9]{15}$/.test(v) ? '' : 'Die Chipnummer hat 15 Ziffern')
    }
  },
  '/govuk/hundesteuer/fertig': { next: '/govuk/hundesteuer/danke', check: {} },
  '/bootstrap/ehrenamt': { next: '/bootstrap/ehrenamt/danke', check: {} },
  '/kern/wohngeld/antrag': {
    next: '/kern/wohngeld/einkommen' + SESSION,
    check: {
      vorname: need('Bitte geben Sie Ihren Vornamen ein.'),
      haushalt: (v) => (+v >= 1 && +v <= 20 ? '' : 'Bitte geben Sie eine Zahl von 1 bis 20 ein.')
    }
  },
  '/kern/wohngeld/einkommen': {
    next: '/kern/wohngeld/eingang' + SESSION,
    check: { einkommen: need('Bitte geben Sie Ihr Einkommen an.'), nachweis: need('Bitte wählen Sie einen Nachweis.') }
  },
  '/html5/fundsache': { next: '/html5/fundsache/danke', check: {} },
  '/kontakt/newsletter': { next: '/kontakt/danke', check: {} }
};

function drain(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function sendFile(res, file) {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
    return;
  }
  const headers = { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' };
  if (file.endsWith('.pdf')) headers['Content-Disposition'] = 'attachment; filename="vollmacht.pdf"';
  res.writeHead(200, headers);
  res.end(fs.readFileSync(file));
}

// A file under root, or null when the path leaves it.
function under(root, rel) {
  const file = path.normalize(path.join(root, rel));
  return file.startsWith(root + path.sep) ? file : null;
}

// /lotse/X -> the collector's /X, with the browser's headers (Origin,
// User-Agent, Content-Type) and body; the answer goes back as it came.
function proxy(portal, req, res, body, rest) {
  const target = new URL(portal.collector);
  const headers = Object.assign({}, req.headers, { host: target.host });
  delete headers['content-length'];
  const out = http.request({ host: target.hostname, port: target.port, method: req.method, path: rest, headers },
    (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
  out.on('error', () => {
    res.writeHead(502);
    res.end();
  });
  out.end(body);
}

async function startFrameworkPortal() {
  const portal = { collector: '', requests: [], port: 0, origin: '' };
  const env = nunjucks.configure([path.join(__dirname, 'pages'), path.join(MODULES, 'govuk-frontend/dist')],
    { autoescape: true, noCache: true });
  const server = http.createServer(async (req, res) => {
    const body = await drain(req);
    const url = new URL(req.url, 'http://127.0.0.1');
    portal.requests.push({ method: req.method, url: req.url, body });
    const route = url.pathname.replace(/;[^/]*/g, '');
    const parts = route.split('/');
    if (parts[1] === 'lotse') {
      proxy(portal, req, res, body, '/' + parts.slice(2).join('/') + url.search);
      return;
    }
    if (parts[1] === 'vendor' && VENDOR[parts[2]]) {
      sendFile(res, under(VENDOR[parts[2]], parts.slice(3).join('/')) || '');
      return;
    }
    if (parts[1] === 'assets') {
      sendFile(res, under(path.join(VENDOR.govuk, 'assets'), parts.slice(2).join('/')) || '');
      return;
    }
    if (/\.(js|pdf)$/.test(route)) {
      sendFile(res, under(path.join(__dirname, 'pages'), route) || '');
      return;
    }
    const form = Object.fromEntries(new URLSearchParams(body));
    const errors = {};
    const spec = ROUTES[route];
    if (req.method === 'POST' && spec) {
      for (const [field, check] of Object.entries(spec.check)) {
        const msg = check(form[field] || '', form);
        if (msg) errors[field] = msg;
      }
      if (Object.keys(errors).length === 0) {
        res.writeHead(303, { Location: spec.next });
        res.end();
        return;
      }
    }
    const template = route.replace(/\/$/, '') + '.njk';
    if (!fs.existsSync(path.join(__dirname, 'pages', template))) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const lotse = (prefix) => new nunjucks.runtime.SafeString('<script async src="' +
      (prefix ? '/lotse' : portal.collector) + '/lotse.js" data-site="portal"></script>');
    const errorList = Object.entries(errors).map(([field, text]) => ({ field, text }));
    const html = env.render(template.slice(1), {
      lotse, errors, errorList, values: form, session: SESSION, path: route
    });
    res.writeHead(200, { 'Content-Type': TYPES['.html'], 'Cache-Control': 'no-store' });
    res.end(html);
  });
  portal.port = await listen(server);
  portal.origin = 'http://127.0.0.1:' + portal.port;
  portal.close = () => closeServer(server);
  return portal;
}

module.exports = { startFrameworkPortal, SESSION };
