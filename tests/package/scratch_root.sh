#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# scratch_root.sh — installs a .deb into a scratch root and runs in_root.sh
# there: an overlay of this machine's / (writes go to WORK/upper, the machine
# stays untouched) with fresh /run and /tmp, entered with chroot. Run inside
# `unshare -m` so every mount vanishes with the process.
# Usage: unshare -m sh scratch_root.sh DEB WORK FILES...  (FILES are copied to /tmp)
set -eu
deb=$1 work=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work/upper" "$work/work" "$work/root"
mount --make-rprivate /
mount -t overlay overlay -o "lowerdir=/,upperdir=$work/upper,workdir=$work/work" "$work/root"
mount -t proc proc "$work/root/proc"
mount --rbind /dev "$work/root/dev"
mount -t tmpfs tmpfs "$work/root/run"
mount -t tmpfs tmpfs "$work/root/tmp"
cp "$deb" "$work/root/tmp/lotse.deb"
cp "$here/in_root.sh" "$work/root/tmp/"
for f in "$@"; do cp "$f" "$work/root/tmp/"; done
chroot "$work/root" /bin/sh /tmp/in_root.sh
