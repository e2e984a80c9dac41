#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# version.sh — prints Lotse's version, the one both programs' --version show
# and the package carries. Built from git (the source folder is the top of a
# git work tree): `git describe --tags --match 'v[0-9]*' --dirty` without the
# leading v, e.g. 1.1.0-4-g2a9c1e3; before the first release tag, the VERSION
# file's number and the commit, e.g. 1.1.0-g2a9c1e3. Anywhere else (a source
# export, the package build): the VERSION file alone, which `make deb` writes
# into its export.  Usage: sh scripts/version.sh [SOURCE_DIR]
set -eu
cd "${1:-.}"
base=$(cat VERSION)
top=$(git rev-parse --show-toplevel 2>/dev/null || true)
if [ -n "$top" ] && [ "$top" = "$(pwd -P)" ]; then
	if d=$(git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null); then
		echo "${d#v}"
		exit 0
	fi
	if d=$(git describe --always --dirty --abbrev=7 2>/dev/null); then
		echo "$base-g$d"
		exit 0
	fi
fi
echo "$base"
