#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# in_root.sh — runs inside the scratch root of scratch_root.sh: installs
# /tmp/lotse.deb as an administrator would, uses it as its units would (as
# user lotse with their umask), purges it, and prints what it found as lines
# "fact NAME VALUE" for tests/package/test_package.py to judge. No systemd runs
# here: the units are checked with systemd-analyze verify, not started.
set -u
export DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8
fact() { echo "fact $1 $2"; }
as_lotse() { runuser -u lotse -- sh -c "umask 027; $1"; }
mode() { stat -c '%U:%G:%a' "$1" 2>/dev/null || echo missing; }

dpkg -i /tmp/lotse.deb > /tmp/dpkg-install.log 2>&1
fact install $?
fact user "$(getent passwd lotse | cut -d: -f1,6,7)"
fact varlib "$(mode /var/lib/lotse)"
fact berichte "$(mode /var/lib/lotse/berichte)"
fact backupdir "$(mode /var/lib/lotse/backup)"
fact conf "$(mode /etc/lotse/lotse.conf)"
for u in multi-user.target.wants/lotse-collector.service timers.target.wants/lotse-report.timer \
	timers.target.wants/lotse-backup.timer; do
	fact "enabled:$u" "$(readlink "/etc/systemd/system/$u" || echo none)"
done
fact conffiles "$(dpkg-query -W -f='${Conffiles}' lotse | awk 'NF {print $1}' | sort | tr '\n' ' ')"
systemd-analyze verify --man=no /lib/systemd/system/lotse-*.service /lib/systemd/system/lotse-*.timer \
	> /tmp/verify.log 2>&1
fact verify $?
fact verify_output "$(tr '\n' '|' < /tmp/verify.log)"

# The shipped configuration is accepted by both programs (it is read before --version).
lotse-report --config /etc/lotse/lotse.conf --version > /dev/null 2> /tmp/conf.log
fact conf_report "$? $(tr '\n' '|' < /tmp/conf.log)"
if lotse-collector --help | grep -q -- '--trust-proxy CIDR'; then
	cp /etc/lotse/lotse.conf /tmp/collector.conf
	fact conf_trust_proxy checked
else
	# A collector before --trust-proxy took networks: that one line cannot be checked.
	grep -v '^trust-proxy' /etc/lotse/lotse.conf > /tmp/collector.conf
	fact conf_trust_proxy skipped
fi
chmod 644 /tmp/collector.conf
as_lotse "lotse-collector --config /tmp/collector.conf --version" > /dev/null 2> /tmp/conf.log
fact conf_collector "$? $(tr '\n' '|' < /tmp/conf.log)"

# Events of the last days, stored as the service user; then the nightly job and the backup as the units run them.
as_lotse "lotse-collector --config /tmp/collector.conf --import /tmp/events.ndjson" > /tmp/import.log 2>&1
fact import "$? $(tr '\n' '|' < /tmp/import.log)"
fact db "$(mode /var/lib/lotse/lotse.db)"
as_lotse "LOTSE_PERIOD=last-28-days /usr/lib/lotse/lotse-nightly" > /tmp/nightly.log 2>&1
fact nightly "$? $(tail -n 5 /tmp/nightly.log | tr '\n' '|')"
for s in ALL gladbeck bottrop; do
	fact "dir:$s" "$(mode "/var/lib/lotse/berichte/$s")"
	fact "latest:$s" "$(readlink "/var/lib/lotse/berichte/$s/latest" || echo none)"
	fact "index:$s" "$(mode "/var/lib/lotse/berichte/$s/latest/index.html")"
done
as_lotse "lotse-report --config /etc/lotse/lotse.conf --backup /var/lib/lotse/backup/lotse.db" > /tmp/backup.log 2>&1
fact backup "$? $(tr '\n' '|' < /tmp/backup.log)"
fact backupfile "$(mode /var/lib/lotse/backup/lotse.db)"

dpkg --purge lotse > /tmp/purge.log 2>&1
fact purge $?
fact etc_after_purge "$([ -e /etc/lotse ] && echo present || echo absent)"
fact db_after_purge "$([ -e /var/lib/lotse/lotse.db ] && echo present || echo absent)"
fact bin_after_purge "$([ -e /usr/bin/lotse-collector ] && echo present || echo absent)"
