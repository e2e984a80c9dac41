#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# npm-install.sh — installs the browser tests' npm packages (playwright-core,
# terser, and the third-party form markup: govuk-frontend, bootstrap,
# @kern-ux/native, preact, htm, nunjucks), exactly as pinned in
# package-lock.json, into tests/browser/node_modules with `npm ci` when they
# are missing or the lock file changed since. It never downloads a browser.
# Exit status 0 when node_modules matches the lock file.
set -u
here=$(cd "$(dirname "$0")" && pwd)
stamp=$here/node_modules/.lotse-lock
want=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && exit 0
cd "$here" || exit 1
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout 300 npm ci --no-audit --no-fund --loglevel=error || exit 1
echo "$want" > "$stamp"
