#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# export-source.sh — copies the source tree to DEST as a release tarball would
# hold it: the files git knows (tracked or new, not ignored) when run in a git
# work tree, else everything but build/ and demo/; no .git. With VERSION,
# writes it into DEST/VERSION (what --version prints when built there).
# Usage: sh scripts/export-source.sh DEST [VERSION]
set -eu
dest=$1
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mkdir -p "$dest"
if [ "$(git rev-parse --show-toplevel 2>/dev/null || true)" = "$(pwd -P)" ]; then
	git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar --null -T - -cf - | tar -xf - -C "$dest"
else
	tar --exclude=./build --exclude=./demo -cf - . | tar -xf - -C "$dest"
fi
if [ $# -ge 2 ]; then
	echo "$2" > "$dest/VERSION"
fi
