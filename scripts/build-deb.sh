#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# build-deb.sh — `make deb`: builds build/lotse_VERSION_ARCH.deb with Debian's
# own tooling (dpkg-buildpackage, debhelper; debian/). The source is exported
# first (scripts/export-source.sh) to build/deb/lotse-VERSION/ with the
# version written into its VERSION file,
# so the package is built exactly as from a release tarball without .git;
# the Debian version is VERSION with '-' as '+' (1.1.0-3-gabc → 1.1.0+3+gabc).
# Usage: sh scripts/build-deb.sh VERSION
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
version=${1:-$(sh scripts/version.sh)}
debver=$(echo "$version" | tr -- '-' '+')
arch=$(dpkg --print-architecture)
work=build/deb
src=$work/lotse-$debver
rm -rf "$work"
rm -f build/lotse_*.deb
sh scripts/export-source.sh "$src" "$version"
# The package's version is the program's (its date stays the changelog's, for reproducibility).
sed -i "1s/^lotse ([^)]*)/lotse ($debver)/" "$src/debian/changelog"
(cd "$src" && dpkg-buildpackage -b -us -uc --no-sign >../build.log 2>&1) || {
	tail -n 40 "$work/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed (log: $work/build.log)" >&2
	exit 1
}
cp "$work/lotse_${debver}_${arch}.deb" build/
echo "build/lotse_${debver}_${arch}.deb"
