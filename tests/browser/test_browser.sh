#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# test_browser.sh — end-to-end test of lotse.js in Debian's headless Chromium
# against the real collector on the example portal in portal/ (e2e.js says
# what is walked and asserted). Last line "browser: N passed, N failed".
exec sh "$(dirname "$0")/run-suite.sh" browser e2e.js 170
