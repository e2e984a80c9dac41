// SPDX-License-Identifier: EUPL-1.2
// minify.js — makes scripts/lotse.min.js (what the collector serves) from
// scripts/lotse.js with terser, pinned in package-lock.json, so that the
// Debian build needs no npm: the output is committed. `node minify.js`
// writes it (`make lotse-min`); `node minify.js --check` exits 1 when the
// committed file is not what the source makes (the browser test runs it).
'use strict';

const fs = require('fs');
const path = require('path');
const { minify } = require('terser');

const TOP = path.resolve(__dirname, '../..');
const SOURCE = path.join(TOP, 'scripts/lotse.js');
const OUTPUT = path.join(TOP, 'scripts/lotse.min.js');
const OPTIONS = {
  ecma: 2020,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: /SPDX-License-Identifier/ }
};

async function build() {
  const result = await minify(fs.readFileSync(SOURCE, 'utf8'), OPTIONS);
  return result.code + '\n';
}

async function main() {
  const code = await build();
  if (process.argv[2] === '--check') {
    const committed = fs.existsSync(OUTPUT) ? fs.readFileSync(OUTPUT, 'utf8') : '';
    if (committed !== code) {
      console.error('scripts/lotse.min.js is not made from scripts/lotse.js: run `make lotse-min`');
      process.exit(1);
    }
    return;
  }
  fs.writeFileSync(OUTPUT, code);
}

main().catch((e) => {
  console.error(e.stack || e);
  process.exit(1);
});
