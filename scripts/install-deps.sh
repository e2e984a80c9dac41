#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# install-deps.sh — installs the named Debian packages that are missing, with
# no terminal and no standard input (CI). Runs `apt-get update` once when
# something must be installed. Installs nothing when all are present.
# An argument PACKAGE=COMMAND counts as present when COMMAND is on the PATH,
# whatever package brought it (Node.js from another source bundles npm).
set -eu
missing=""
for arg in "$@"; do
	p=${arg%%=*}
	cmd=${arg#*=}
	if [ "$cmd" != "$arg" ] && command -v "$cmd" >/dev/null 2>&1; then
		continue
	fi
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
		echo "install-deps: missing packages:$missing (run as root or install them)" >&2
		exit 1
	fi
else
	SUDO=""
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq </dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $missing </dev/null >/dev/null
