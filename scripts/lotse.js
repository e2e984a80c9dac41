/* SPDX-License-Identifier: EUPL-1.2 */
/* lotse.js — the portal script (PROTOCOL.md "lotse.js", docs/integration.md).
 * One tag, <script async src="…/lotse.js" data-site="…">, and nothing else:
 * it counts pages, outlinks and downloads, rage clicks, script errors, the
 * field errors a person saw on any form markup, data-lotse-* steps and
 * feedback forms, and sends them to "e" beside its own src.
 * It stores nothing on the device, reads no typed value (only the value of
 * a chosen rating) and no device property, adds no DOM, takes no focus,
 * never throws into the page, and sends nothing under DNT or GPC.
 * What it costs the page at load is kept small: evaluating it only reads
 * its own tag and registers five listeners; everything else (the page view,
 * wrappers, observer, first scan) waits for an idle moment, at the latest
 * the person's first mouse button or key press, or the page's end.
 * This is the readable source. The collector serves scripts/lotse.min.js,
 * made from it by `make lotse-min` (terser, pinned in tests/browser); the
 * browser test fails when the two differ. */
(() => {
  'use strict';
  const W = window;
  const D = document;
  const KINDS = {            // validity flag -> error, in this order
    valueMissing: 'required', typeMismatch: 'format', patternMismatch: 'format',
    badInput: 'format', tooShort: 'format', tooLong: 'format',
    rangeUnderflow: 'range', rangeOverflow: 'range', stepMismatch: 'range'
  };
  // Markup showing an error: a control marked invalid, a group around
  // controls (BEM "--error" modifiers of GOV.UK, KERN, USWDS), a message that
  // describes controls, an error summary's links.
  const ERRORS = '[aria-invalid=true],.is-invalid,[class*="--error"],.govuk-error-message,' +
    '.kern-error,.invalid-feedback,.usa-error-message,[class*=error-summary] a[href^="#"]';
  const STEP = '[data-lotse-service][data-lotse-step]';
  const DONE = '[data-lotse-complete]';

  // Everything the page or the browser calls runs guarded: nothing thrown.
  const guard = (fn) => function () {
    try {
      return fn.apply(this, arguments);
    } catch (e) { /* on purpose */ }
  };
  const on = (target, type, fn, capture) => target.addEventListener(type, guard(fn), !!capture);
  const int = (v, lo, hi) => {
    const n = +v;
    return Number.isInteger(n) && n >= lo && n <= hi ? n : undefined;
  };
  const attr = (el, name) => el.getAttribute('data-lotse-' + name);
  const near = (el, name) => {
    const h = el.closest('[data-lotse-' + name + ']');
    return h ? attr(h, name) : undefined;
  };
  // "visible" forces style and layout: only ever asked of matched elements.
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const isField = (el) => el.matches('input,select,textarea') && !/^(hidden|submit|button|reset|image)$/.test(el.type);

  // An absolute http(s) URL without user info, query, fragment and path
  // parameters (";jsessionid=…" in any segment); undefined otherwise. No
  // regular expression unless there is a ";": a page's first one costs
  // a fresh context about half a millisecond.
  const clean = (url) => {
    try {
      const u = new URL(url, location.href);
      const p = u.pathname;
      if (u.protocol === 'https:' || u.protocol === 'http:') return u.origin + (p.includes(';') ? p.replace(/;[^/]*/g, '') : p);
    } catch (e) { /* not a URL */ }
  };

  let site;                  // none: inactive (no tag, DNT or GPC)
  let src;                   // the script's own URL
  let endpoint;
  let queue = [];            // [event, Date.now() when queued]
  let flushTimer = 0;

  function send(type, fields) {
    start();                 // the page view comes first
    if (!site) return;
    const ev = Object.assign({}, fields, { site, type });
    ev.url = clean(ev.url || location.href);
    for (const k of ['ref', 'href']) if (ev[k]) ev[k] = clean(ev[k]);
    if (queue.length < 500) queue.push([ev, Date.now()]);
    if (!flushTimer) flushTimer = setTimeout(guard(flush), 5000);
  }

  function post(body) {
    const N = navigator;
    if (N.sendBeacon && N.sendBeacon(endpoint, body)) return;
    fetch(endpoint, {
      method: 'POST', body, keepalive: true, mode: 'no-cors',
      headers: { 'Content-Type': 'text/plain' }
    }).catch(() => { /* collector unreachable: events lost */ });
  }

  // Batches of at most 50 events and about 5000 characters (the collector
  // takes 50 and 16 KiB); "age" is how long an event waited.
  function flush() {
    clearTimeout(flushTimer);
    flushTimer = 0;
    while (queue.length) {
      const now = Date.now();
      let body = '';
      let n = 0;
      for (; n < queue.length && n < 50; n++) {
        const [ev, queued] = queue[n];
        ev.age = Math.max(0, Math.min(now - queued, 600000));
        const json = JSON.stringify(ev);
        if (n && body.length + json.length > 5000) break;
        body += (n ? ',' : '') + json;
      }
      queue = queue.slice(n);
      post('[' + body + ']');
    }
  }

  /* ---- pages and time ---- */

  let lastUrl;
  let seen;                  // "field error" sent in this attempt or page
  let visibleMs = 0;
  let visibleSince = 0;

  function pageview(ref) {
    lastUrl = clean(location.href);
    seen = new Set();
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
    if (D.visibilityState === 'visible') visibleSince = Date.now();
  }

  /* ---- clicks ---- */

  let rageEl;
  let rageTimes = [];
  let rageDone;              // this burst was sent, or selected text

  // data-lotse-name, tag#id or tag.class
  function describe(el) {
    const id = el.id ? '#' + el.id : el.classList[0] ? '.' + el.classList[0] : '';
    return (el.getAttribute('data-lotse-name') || el.tagName.toLowerCase() + id).slice(0, 80);
  }

  function outlink(target) {
    const a = target.closest('a[href]');
    const href = a && clean(a.href);
    if (href && (new URL(href).hostname !== location.hostname || a.hasAttribute('download') ||
        /\.(pdf|docx?|xlsx?|pptx?|od[tsp]|rtf|csv|txt|zip|7z|xml|epub)$/i.test(href))) {
      send('outlink', { href });
      flush();
    }
  }

  // One rage_click per burst of 3+ clicks on an element within 1 s; none
  // when a click of the burst selected text in it (copying a number) or
  // when the person typed in between (correcting a form).
  function rage(target) {
    const el = target.closest('a,button,input,select,label,[role=button],[data-lotse-name]') || target;
    if (isField(el) && !/^(checkbox|radio)$/.test(el.type)) return;
    const now = Date.now();
    const sel = getSelection();
    if (el !== rageEl || now - rageTimes[rageTimes.length - 1] > 1000) {
      rageTimes = [];
      rageDone = false;
    }
    rageEl = el;
    rageTimes = rageTimes.filter((t) => now - t < 1000).concat(now);
    if (sel && !sel.isCollapsed && sel.containsNode(el, true)) rageDone = true;
    if (rageTimes.length > 2 && !rageDone) {
      rageDone = true;
      send('rage_click', { target: describe(el) });
    }
  }

  /* ---- field errors ---- */

  let attempting = 0;        // inside a submit attempt's task
  let polling = 0;           // inside checkValidity()

  // A submit attempt begins: its errors count once more. What the page
  // shows now (a step changed a moment ago) is taken in first.
  function attempt() {
    leaving = false;
    if (timer) scan();
    if (!attempting) seen = new Set();
    attempting = 1;
    setTimeout(() => { attempting = 0; });
  }

  const shown = new Map();   // service -> step shown last
  const done = new Set();    // services completed on this page

  // service, step and flow of the markup around el (none: the report finds
  // the service from the path).
  function where(el) {
    const service = near(el, 'service');
    return service ? {
      service,
      step: int(near(el, 'step'), 1, 50) || shown.get(service),
      flow: near(el, 'flow')
    } : {};
  }

  function fieldError(control, kind) {
    const field = (control.name || control.id).replace(/[^\w.-]/g, '_').slice(0, 64);
    const v = control.validity;
    let error = kind;
    if (v && !v.valid) {
      error = 'invalid';
      for (const flag in KINDS) {
        if (v[flag]) {
          error = KINDS[flag];
          break;
        }
      }
    }
    const key = field + ' ' + error;
    if (!field || seen.has(key)) return;
    seen.add(key);
    send('field_error', Object.assign({ field, error }, where(control)));
  }

  // The controls an error element speaks of: itself, the visible ones inside
  // it, those it describes (aria-describedby), an error summary link's target.
  function markupError(el) {
    let found = [el];
    if (el.tagName === 'A') {
      el = D.getElementById(decodeURIComponent(el.getAttribute('href').slice(1)));
      found = el ? [el] : [];
    }
    if (el && el.id) found.push(...D.querySelectorAll('[aria-describedby~="' + CSS.escape(el.id) + '"]'));
    if (el) found.push(...[...el.querySelectorAll('input,select,textarea')].filter(visible));
    for (const c of found) if (isField(c)) fieldError(c, 'server');
  }

  /* ---- markup: steps, completion, feedback ---- */

  function stepShown(el) {
    const service = attr(el, 'service');
    const step = int(attr(el, 'step'), 1, 50);
    if (!step || shown.get(service) === step) return;
    shown.set(service, step);
    const fields = { service, flow: near(el, 'flow') };
    if (step === 1) send('flow_start', fields);
    send('flow_step', Object.assign({ step, step_name: (attr(el, 'step-name') || '').slice(0, 80) || undefined }, fields));
  }

  function completeShown(el) {
    const service = near(el, 'service');
    if (!service || done.has(service)) return;
    done.add(service);
    send('flow_complete', { service, flow: near(el, 'flow') });
  }

  // Rating from the group "rating" (1–5) or data-lotse-rating-field, whose
  // values data-lotse-rating-values maps to 1–5 in order.
  function feedback(form) {
    if (!form.hasAttribute || !form.hasAttribute('data-lotse-feedback')) return;
    const name = attr(form, 'rating-field') || 'rating';
    const values = attr(form, 'rating-values');
    let value;
    for (const c of form.elements) {
      if (c.name === name && (c.checked || c.tagName === 'SELECT')) value = c.value;
    }
    const rating = values ? values.trim().split(/[\s,|]+/).indexOf(value) + 1 : int(value, 1, 5);
    if (rating > 0 && rating < 6) send('feedback', { rating, service: near(form, 'service') });
  }

  // What the page shows now. Runs after load (stylesheets applied) and,
  // batched, after DOM changes.
  let timer = 0;
  let ready = false;
  let leaving = false;
  function scan() {
    clearTimeout(timer);
    timer = 0;
    for (const el of D.querySelectorAll(STEP + ',' + DONE)) {
      if (!visible(el)) continue;
      if (el.matches(STEP)) stepShown(el);
      if (el.matches(DONE)) completeShown(el);
    }
    if (!leaving) for (const el of D.querySelectorAll(ERRORS)) if (visible(el)) markupError(el);
  }

  function pagehide() {
    start();
    if (timer) scan();
    stopClock();
    if (visibleMs > 0) send('engagement', { ms: Math.min(visibleMs, 86400000) });
    visibleMs = 0;
    flush();
  }

  /* ---- start ---- */

  let jsErrors = 0;
  function scriptError(name, file, line, col) {
    if (jsErrors++ >= 10) return;
    name = /^[A-Za-z]{1,40}$/.test(name) ? name : 'Error';
    const url = line > 0 && clean(file);
    const message = url ? name + ' ' + new URL(url).pathname + ':' + line + ':' + (col | 0) : name;
    send('js_error', { message: message.length > 200 ? name : message });
  }

  // Everything but the page's first moments: the page view, the calls
  // queued before the script came, wrappers, listeners and the observer.
  // Runs once, when the page is idle or the person acts (see below).
  let started = false;
  let prior;
  function start() {
    if (started) return;
    started = true;
    if (navigator.doNotTrack === '1' || navigator.globalPrivacyControl === true) site = null;
    if (!site) return;
    endpoint = new URL('e', src).href;
    startClock();
    pageview(D.referrer);
    for (const args of (prior && prior.q) || []) W.lotse.apply(null, args);

    for (const name of ['pushState', 'replaceState']) {
      const original = history[name];
      history[name] = function () {
        const result = original.apply(this, arguments);
        guard(routeChanged)();
        return result;
      };
    }
    // checkValidity() shows nothing, so its invalid events count only when
    // a submit attempt calls it (Bootstrap's needs-validation does). These
    // are the elements whose checkValidity() can fire invalid at a control
    // (buttons, object and output never count as fields).
    for (const name of ['Form', 'Input', 'Select', 'TextArea', 'FieldSet']) {
      const proto = (W['HTML' + name + 'Element'] || {}).prototype;
      const original = proto && proto.checkValidity;
      if (original) proto.checkValidity = function () {
        polling++;
        try {
          return original.apply(this, arguments);
        } finally {
          polling--;
        }
      };
    }
    on(W, 'popstate', routeChanged);
    on(D, 'visibilitychange', () => {
      if (D.visibilityState === 'visible') {
        startClock();
      } else {
        stopClock();
        flush();
      }
    });
    on(W, 'pageshow', (e) => {            // back from the back/forward cache
      if (!e.persisted) return;
      leaving = false;
      startClock();
      pageview(D.referrer);
    });
    const clicked = (e) => {
      const t = e.target;
      if (e.type === 'auxclick') {
        if (e.button === 1) outlink(t);
        return;
      }
      outlink(t);
      rage(t);
      const b = t.closest('button,input');
      if (b && /^(submit|image)$/.test(b.type)) attempt();
    };
    on(D, 'click', clicked, true);
    on(D, 'auxclick', clicked, true);
    on(D, 'input', () => {               // still here, correcting a form
      rageEl = null;
      leaving = false;
    }, true);
    // A submit that goes through: until the next page (or the person acts
    // again on this one), the errors still shown are the ones already counted.
    on(D, 'submit', (e) => {
      attempt();
      feedback(e.target);
      setTimeout(() => { leaving = !e.defaultPrevented; });
    }, true);
    on(D, 'invalid', (e) => {
      if (timer) scan();
      if ((!polling || attempting) && isField(e.target)) fieldError(e.target, 'invalid');
    }, true);
    new MutationObserver(guard(() => {
      if (ready && !timer) timer = setTimeout(guard(scan), 150);
    })).observe(D.documentElement, {
      subtree: true, childList: true, attributes: true,
      attributeFilter: ['class', 'style', 'hidden', 'open', 'aria-invalid',
        'data-lotse-service', 'data-lotse-step', 'data-lotse-complete']
    });
    const loaded = () => {
      ready = true;
      scan();
    };
    if (D.readyState === 'complete') loaded();
    else on(W, 'load', loaded);
  }

  // At evaluation only what cannot wait: the tag (document.currentScript
  // exists only now), the manual API, and what must not be missed before
  // start() ran: script errors, the page's end, and the first mouse button
  // (before click or auxclick; a tap sends mousedown too) or key press,
  // which start it at once. Listeners on the window's capture phase run
  // before the document's that start() adds, in the same dispatch.
  // Otherwise start() waits for an idle moment (at most a second), so that
  // it never delays the page's own loading. DNT and GPC are read by start()
  // (a page's first use of navigator costs 0.2 ms on the bench machine):
  // until then nothing is queued, and then nothing is set up.
  try {
    prior = W.lotse;
    if (!prior || !prior.loaded) {        // else: included twice
      const script = D.currentScript || D.querySelector('script[data-site][src*="lotse"]');
      site = script && script.getAttribute('data-site');
      W.lotse = site ? guard((type, fields) => send('' + type, fields || {})) : () => { /* sends nothing */ };
      W.lotse.loaded = true;
      if (site) {
        src = script.src;
        on(W, 'mousedown', start, true);   // before click and auxclick
        on(W, 'keydown', (e) => {
          start();
          if (e.key === 'Enter' && e.target.tagName === 'INPUT' && e.target.form) attempt();
        }, true);
        on(W, 'pagehide', pagehide);
        on(W, 'error', (e) => scriptError(e.error && e.error.name, e.filename, e.lineno, e.colno));
        on(W, 'unhandledrejection', (e) => scriptError(e.reason && e.reason.name));
        if (W.requestIdleCallback) requestIdleCallback(guard(start), { timeout: 1000 });
        else setTimeout(guard(start), 1);
      }
    }
  } catch (e) { /* on purpose */ }
})();
