#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# test_frameworks.sh — lotse.js on pages built with real third-party form
# markup from npm (GOV.UK Frontend, Bootstrap, KERN UX, HTML5, Preact), in
# Debian's headless Chromium against the real collector (frameworks.js says
# what is walked and asserted). Last line "frameworks: N passed, N failed".
exec sh "$(dirname "$0")/run-suite.sh" frameworks frameworks.js 900
