/* SPDX-License-Identifier: EUPL-1.2 */
/* lotse.js — the portal script (PROTOCOL.md, docs/integration.md): counts
 * pages, clicks, errors and data-lotse-* flows for the collector it came from.
 * It stores nothing on the device, reads no field value and no device
 * property, adds no DOM, never throws, and is silent under DNT or GPC. */
(function () {
  'use strict';

  const MAX_BATCH = 50;      // events per request (collector's limit)
  const MAX_CHARS = 5000;    // per request: < 16 KiB as UTF-8
  const MAX_QUEUE = 500;     // then the oldest are dropped
  const MAX_ERRORS = 10;     // js_error events per page
  const SEND_MS = 5000;
  const DOWNLOAD = /\.(pdf|docx?|xlsx?|pptx?|od[tsp]|rtf|csv|txt|zip|xml)$/i;
  const KINDS = {            // validity flag -> error, checked in order
    valueMissing: 'required', typeMismatch: 'format', patternMismatch: 'format',
    badInput: 'format', tooShort: 'format', tooLong: 'format',
    rangeUnderflow: 'range', rangeOverflow: 'range', stepMismatch: 'range'
  };

  // Everything the page or the browser calls is guarded: never throw into it.
  function guard(fn) {
    return function () {
      try {
        return fn.apply(this, arguments);
      } catch (e) { /* on purpose */ }
    };
  }
  function on(target, type, fn, capture) {
    target.addEventListener(type, guard(fn), !!capture);
  }
  function each(root, selector, fn) {
    if (root.matches && root.matches(selector)) fn(root);
    root.querySelectorAll(selector).forEach(fn);
  }
  function int(value, min, max) {
    const n = parseInt(value, 10);
    return n >= min && n <= max ? n : undefined;
  }

  // url without query, fragment, user info; undefined unless http(s).
  function clean(url) {
    try {
      const u = new URL(url, location.href);
      if (/^https?:$/.test(u.protocol)) return u.origin + u.pathname;
    } catch (e) { /* not a URL */ }
    return undefined;
  }

  let site = '';
  let endpoint = '';
  let queue = [];            // [event, performance.now() when queued]

  function send(type, fields) {
    const ev = Object.assign({}, fields, { site, type });
    ev.url = clean(ev.url || location.href);
    if (ev.ref) ev.ref = clean(ev.ref);
    if (ev.href) ev.href = clean(ev.href);
    if (queue.length >= MAX_QUEUE) queue.shift();
    queue.push([ev, performance.now()]);
  }

  function post(body) {
    if (navigator.sendBeacon && navigator.sendBeacon(endpoint, body)) return;
    fetch(endpoint, {
      method: 'POST', body, keepalive: true, mode: 'no-cors',
      headers: { 'Content-Type': 'text/plain' }
    }).catch(() => { /* collector unreachable: events lost */ });
  }

  // "age": ms the event waited in the queue.
  function flush() {
    while (queue.length) {
      const now = performance.now();
      const parts = [];
      let chars = 0;
      for (const [ev, queued] of queue) {
        const json = JSON.stringify(Object.assign({}, ev, { age: Math.min(Math.round(now - queued), 600000) }));
        chars += json.length + 1;
        if (parts.length === MAX_BATCH || (parts.length && chars > MAX_CHARS)) break;
        parts.push(json);
      }
      queue = queue.slice(parts.length);
      post('[' + parts.join(',') + ']');
    }
  }

  let lastUrl = '';
  let visibleMs = 0;
  let visibleSince = 0;

  function pageview(ref) {
    lastUrl = clean(location.href);
    send('pageview', { ref: ref || undefined });
  }
  function routeChanged() {
    if (clean(location.href) !== lastUrl) pageview(lastUrl);
  }
  function stopClock() {
    if (visibleSince) visibleMs += Date.now() - visibleSince;
    visibleSince = 0;
  }
  function startClock() {
    if (document.visibilityState === 'visible') visibleSince = Date.now();
  }
  function pagehide() {
    stopClock();
    if (visibleMs > 0) send('engagement', { ms: Math.min(visibleMs, 86400000) });
    visibleMs = 0;
    flush();
  }

  let rageEl = null;
  let rageTimes = [];

  // data-lotse-name, tag#id or tag.class
  function describe(el) {
    const name = el.getAttribute('data-lotse-name');
    const tag = el.tagName.toLowerCase();
    const id = el.id ? '#' + el.id : el.classList[0] ? '.' + el.classList[0] : '';
    return (name || tag + id).slice(0, 80);
  }

  function outlink(target) {
    const a = target.closest('a[href]');
    if (!a || typeof a.href !== 'string') return;
    const href = clean(a.href);
    if (href && (a.hostname !== location.hostname || a.hasAttribute('download') ||
        DOWNLOAD.test(a.pathname))) {
      send('outlink', { href });
      flush();
    }
  }

  // One rage_click per burst of 3+ clicks on an element within 1 s
  // without typing in between.
  function rage(target) {
    const el = target.closest('a,button,input,label,[role=button],[data-lotse-name]') || target;
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) &&
        !/^(button|submit|reset|image|checkbox|radio)$/.test(el.type)) return;
    const now = Date.now();
    rageTimes = el === rageEl ? rageTimes.filter((t) => now - t < 1000) : [];
    rageEl = el;
    rageTimes.push(now);
    if (rageTimes.length === 3) send('rage_click', { target: describe(el) });
  }

  function click(e) {
    outlink(e.target);
    rage(e.target);
  }

  let errors = 0;
  function scriptError(e) {
    const n = e.error && e.error.name, m = /\/\/[^/]*(\/[^?#]*)/.exec(e.filename);
    if (errors++ < MAX_ERRORS) send('js_error', { message: (n || 'Error') + (m ? ' ' + m[1] + ':' + e.lineno + ':' + e.colno : '') });
  }

  const shownStep = new Map();   // service -> step shown last
  const sent = new Set();        // "type service" sent once per page
  let pageFlow = '';             // in-memory flow id (single-page apps)
  let loaded = false;            // after the first scan

  function once(type, fields) {
    const key = type + ' ' + fields.service;
    if (!sent.has(key)) send(type, fields);
    sent.add(key);
  }

  // data-lotse-flow of el or an ancestor, else the page's (made if create).
  function flowOf(el, create) {
    const holder = el.closest('[data-lotse-flow]');
    if (holder) return holder.getAttribute('data-lotse-flow');
    if (create && !pageFlow) {
      const bytes = crypto.getRandomValues(new Uint8Array(12));
      pageFlow = Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join('');
    }
    return pageFlow || undefined;
  }

  // A step shown at load, or later (single-page app: with a flow id).
  function stepShown(form) {
    const service = form.getAttribute('data-lotse-service');
    const step = int(form.getAttribute('data-lotse-step'), 1, 50);
    if (!service || !step || shownStep.get(service) === step) return;
    shownStep.set(service, step);
    const fields = { service, flow: flowOf(form, loaded) };
    if (step === 1) once('flow_start', fields);
    const name = form.getAttribute('data-lotse-step-name');
    send('flow_step', Object.assign({ step, step_name: name ? name.slice(0, 80) : undefined }, fields));
  }

  function completeShown(el) {
    const holder = el.closest('[data-lotse-service]');
    const service = holder && holder.getAttribute('data-lotse-service');
    if (service) once('flow_complete', { service, flow: flowOf(el, false) });
  }

  // An HTML5 "invalid" event: the field's name and the kind of error.
  function invalid(e) {
    const field = e.target;
    const holder = (field.form || field).closest('[data-lotse-service]');
    const name = (field.getAttribute('name') || field.id || '')
      .replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
    const flag = Object.keys(KINDS).find((f) => field.validity[f]);
    if (!holder || !name) return;
    send('field_error', {
      service: holder.getAttribute('data-lotse-service'),
      step: int(holder.getAttribute('data-lotse-step'), 1, 50),
      field: name,
      error: KINDS[flag] || 'invalid',
      flow: flowOf(holder, false)
    });
  }

  function feedback(e) {
    const form = e.target;
    if (!form.hasAttribute('data-lotse-feedback')) return;
    const checked = form.querySelector('input[name=rating]:checked');
    const rating = checked && int(checked.value, 1, 5);
    if (!rating) return;
    send('feedback', { rating, service: form.getAttribute('data-lotse-service') || undefined });
    flush();
  }

  function scan(root) {
    each(root, 'form[data-lotse-service][data-lotse-step]', stepShown);
    each(root, '[data-lotse-complete]', completeShown);
  }

  function start() {
    scan(document);
    loaded = true;
    new MutationObserver(guard(function (records) {
      for (const r of records) {
        if (r.type === 'attributes') scan(r.target);
        else r.addedNodes.forEach((n) => n.nodeType === 1 && scan(n));
      }
    })).observe(document.documentElement, {
      subtree: true, childList: true, attributes: true,
      attributeFilter: ['data-lotse-step', 'data-lotse-complete']
    });
  }

  // lotse(type, fields); earlier calls wait in the stub's lotse.q.
  function lotse(type, fields) {
    send(String(type), fields || {});
  }

  guard(function () {
    const prior = window.lotse;
    if (prior && prior.loaded) return;    // included twice
    const script = document.currentScript ||
      document.querySelector('script[data-site][src*="lotse.js"]');
    site = script && script.getAttribute('data-site');
    const active = site && navigator.doNotTrack !== '1' && navigator.globalPrivacyControl !== true;
    window.lotse = active ? guard(lotse) : () => { /* sends nothing */ };
    window.lotse.loaded = true;
    if (!active) return;
    endpoint = new URL(script.src, location.href).origin + '/e';

    startClock();
    pageview(document.referrer);
    for (const args of (prior && prior.q) || []) window.lotse.apply(null, args);

    for (const name of ['pushState', 'replaceState']) {
      const original = history[name];
      history[name] = function () {
        const result = original.apply(this, arguments);
        guard(routeChanged)();
        return result;
      };
    }
    on(window, 'popstate', routeChanged);
    on(document, 'visibilitychange', () => {
      if (document.visibilityState === 'visible') {
        startClock();
      } else {
        stopClock();
        flush();
      }
    });
    on(window, 'pagehide', pagehide);
    on(window, 'pageshow', (e) => {   // from back/forward cache
      if (!e.persisted) return;
      startClock();
      pageview(document.referrer);
    });
    on(document, 'click', click, true);
    on(document, 'input', () => { rageEl = null; }, true);
    on(window, 'error', scriptError);
    on(window, 'unhandledrejection', (e) => scriptError({ error: e.reason }));
    on(document, 'invalid', invalid, true);
    on(document, 'submit', feedback, true);
    if (document.readyState === 'loading') on(document, 'DOMContentLoaded', start);
    else start();
    setInterval(guard(flush), SEND_MS);
  })();

})();
