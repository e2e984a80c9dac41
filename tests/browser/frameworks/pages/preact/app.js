// SPDX-License-Identifier: EUPL-1.2
// app.js — the Preact applications of preact/umzug.njk (test fixture): a
// three-step wizard whose steps are URLs (history.pushState), validated by
// its own code with aria-invalid, and a call-back widget in the same page.
import { h, render } from 'preact';
import { useState } from 'preact/hooks';
import htm from 'htm';

const html = htm.bind(h);
const PATHS = ['/preact/umzug', '/preact/umzug/wohnung', '/preact/umzug/pruefen', '/preact/umzug/fertig'];

function Field({ name, label, error, children }) {
  return html`<label>${label} ${children}</label>
    ${error && html`<p class="fehler" id=${name + '-fehler'}>${error}</p>`}`;
}

function Wizard() {
  const [step, setStep] = useState(0);
  const [error, setError] = useState('');
  const go = (next) => {
    history.pushState({ step: next }, '', PATHS[next]);
    setError('');
    setStep(next);
  };
  const submit = (e) => {
    e.preventDefault();
    const form = e.target;
    if (step === 0 && !form.elements.plz.value.trim()) return setError('Bitte geben Sie die Postleitzahl ein.');
    if (step === 2 && !form.elements.bestaetigt.checked) return setError('Bitte bestätigen Sie Ihre Angaben.');
    go(step + 1);
  };
  if (step === 3) return html`<h1>Umzug gemeldet</h1><p>Sie erhalten eine Bestätigung per Post.</p>`;
  const invalid = error ? { 'aria-invalid': 'true', 'aria-describedby': (step ? 'bestaetigt' : 'plz') + '-fehler' } : {};
  return html`<h1>Umzug melden</h1>
    <form noValidate onSubmit=${submit}>
      ${step === 0 && html`<${Field} name="plz" label="Postleitzahl der neuen Wohnung" error=${error}>
        <input name="plz" inputmode="numeric" ...${invalid} /></${Field}>`}
      ${step === 1 && html`<${Field} name="zimmer" label="Zimmer">
        <select name="zimmer"><option>1</option><option>2</option><option>3</option></select></${Field}>
        <button type="button" id="pruefen" onClick=${() => {
          throw new Error('Adresse nicht gefunden: Holunderweg 77a, 45964 Kleinkleckersdorf');
        }}>Adresse prüfen</button>`}
      ${step === 2 && html`<${Field} name="bestaetigt" label="Angaben bestätigen" error=${error}>
        <input type="checkbox" name="bestaetigt" ...${invalid} /></${Field}>`}
      <button type="submit" id="weiter">${step === 2 ? 'Absenden' : 'Weiter'}</button>
    </form>`;
}

const CALL_STEPS = ['Zeit wählen', 'Bestätigen'];
function Callback() {
  const [step, setStep] = useState(1);
  if (step > 2) return html`<p data-lotse-service="rueckruf" data-lotse-complete>Wir rufen Sie zurück.</p>`;
  return html`<section data-lotse-service="rueckruf" data-lotse-step=${step} data-lotse-step-name=${CALL_STEPS[step - 1]}>
    <h2>Rückruf anfordern</h2>
    ${step === 1 && html`<label><input type="radio" name="zeit" value="vormittag" /> vormittags</label>
      <label><input type="radio" name="zeit" value="nachmittag" /> nachmittags</label>`}
    <button type="button" id="rueckruf-weiter" onClick=${() => setStep(step + 1)}>${step === 1 ? 'Weiter' : 'Rückruf anfordern'}</button>
  </section>`;
}

render(html`<${Wizard} />`, document.getElementById('umzug'));
render(html`<${Callback} />`, document.getElementById('rueckruf'));
