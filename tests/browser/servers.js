// SPDX-License-Identifier: EUPL-1.2
// servers.js — the two small HTTP servers of the browser test, both on
// ephemeral loopback ports: the example portal (tests/browser/portal/, another
// origin than the collector) and a recording stand-in collector ("spy") that
// counts every beacon it gets. The spy serves the collector's own lotse.js
// bytes; it is used only to prove that nothing at all is sent under DNT. It
// does not validate or store events: that is the real collector's job.
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');

const TYPES = { '.html': 'text/html; charset=utf-8', '.pdf': 'application/pdf' };

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

// Closes server, also its idle keep-alive connections from the browser.
function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function drain(req) {
  return new Promise((resolve) => {
    let size = 0;
    const chunks = [];
    req.on('data', (c) => {
      size += c.length;
      if (size <= 65536) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

// The portal: static files from root; in .html files {{COLLECTOR}} becomes
// portal.collector (changeable between walks) and {{OTHERHOST}} the same
// server under the name "localhost" (another host for outlinks). A POST to
// /x answers 303 to /x.html, as form software does after accepting a step.
// PDFs are sent as attachments, so clicking one downloads and stays.
// Every request's method, URL and DNT header is kept in portal.requests.
async function startPortal(root) {
  const portal = { collector: '', requests: [], port: 0, origin: '' };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    portal.requests.push({ method: req.method, url: req.url, dnt: req.headers.dnt || null });
    await drain(req);
    if (req.method === 'POST') {
      res.writeHead(303, { Location: url.pathname + '.html' });
      res.end();
      return;
    }
    const file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const ext = path.extname(file);
    const headers = { 'Content-Type': TYPES[ext] || 'application/octet-stream', 'Cache-Control': 'no-store' };
    let body = fs.readFileSync(file);
    if (ext === '.html') {
      body = body.toString('utf8')
        .replace(/\{\{COLLECTOR\}\}/g, portal.collector)
        .replace(/\{\{OTHERHOST\}\}/g, 'http://localhost:' + portal.port);
    }
    if (ext === '.pdf') headers['Content-Disposition'] = 'attachment; filename="geburtsurkunde.pdf"';
    res.writeHead(200, headers);
    res.end(body);
  });
  portal.port = await listen(server);
  portal.origin = 'http://127.0.0.1:' + portal.port;
  portal.close = () => closeServer(server);
  return portal;
}

// The spy: GET /lotse.js answers script (a Buffer); any other request is
// recorded in spy.beacons and answered 204 with CORS, as the collector would.
async function startSpy(script) {
  const spy = { beacons: [], port: 0, origin: '' };
  const server = http.createServer(async (req, res) => {
    const body = await drain(req);
    if (req.method === 'GET' && req.url === '/lotse.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
      res.end(script);
      return;
    }
    spy.beacons.push({ method: req.method, url: req.url, body });
    res.writeHead(204, { 'Access-Control-Allow-Origin': req.headers.origin || '*' });
    res.end();
  });
  spy.port = await listen(server);
  spy.origin = 'http://127.0.0.1:' + spy.port;
  spy.close = () => closeServer(server);
  return spy;
}

module.exports = { startPortal, startSpy, listen, closeServer };
