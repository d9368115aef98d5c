#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# unit.sh KUBEFS UNIT...: `systemd-analyze verify` is clean (exit 0, no
# output) on the shipped units: examples/kubefs.service and the one meson
# installs (the package's; tests/package/deb.py verifies it once installed).
# The units are not started. verify checks that ExecStart='s binary and the
# Documentation= man page exist, so it runs in a private mount namespace in
# which /usr/local/bin holds KUBEFS and MANPATH has the man page; a broken
# copy must be reported (the check can fail).

set -uo pipefail

kubefs=$(realpath "${1:?usage: unit.sh KUBEFS UNIT...}")
shift
src=$(cd "$(dirname "$0")/../.." && pwd)
skip() { echo "SKIP: $*"; exit 77; }

if [ -z "${KFS_UNIT_NS:-}" ]; then
	command -v systemd-analyze >/dev/null ||
		skip "systemd-analyze is missing: the units are NOT verified (install systemd, .ci/packages has it)"
	[ "$(id -u)" = 0 ] || skip "unit test runs as root (a private mount namespace)"
	command -v unshare >/dev/null || skip "unshare is missing (package util-linux)"
	KFS_UNIT_NS=1 exec unshare -m --propagation private "$BASH" "$0" "$kubefs" "$@"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kfs-unit.XXXXXX")
trap 'mountpoint -q /usr/local/bin && umount /usr/local/bin; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/man/man1" "$tmp/units"
ln -s "$kubefs" "$tmp/bin/kubefs"
cp "$src/man/kubefs.1" "$tmp/man/man1/"
mount --bind "$tmp/bin" /usr/local/bin
export MANPATH=$tmp/man
failures=0

verify() { # UNIT-FILE: systemd-analyze verify output, and its exit code
	# the unit's file name is its name: verify a copy named kubefs.service
	local d
	d=$(mktemp -d "$tmp/units/u.XXXXXX")
	cp "$1" "$d/kubefs.service"
	systemd-analyze verify "$d/kubefs.service" 2>&1
}

for unit in "$@"; do
	if ! [ -f "$unit" ]; then
		echo "FAIL: $unit: no such file"
		failures=$((failures + 1))
		continue
	fi
	grep -q '^ExecStart=' "$unit" || { echo "FAIL: $unit has no ExecStart="; failures=$((failures + 1)); }
	if out=$(verify "$unit") && [ -z "$out" ]; then
		echo "ok: systemd-analyze verify $unit: clean ($(grep '^ExecStart=' "$unit"))"
	else
		echo "FAIL: systemd-analyze verify $unit:"
		echo "$out"
		failures=$((failures + 1))
	fi
done

# the check can fail: a unit naming a missing binary and an unknown key
sed -e 's|^ExecStart=[^ ]*|ExecStart=/nonexistent/kubefs|' -e 's|^Nice=|Nicety=|' "$1" >"$tmp/broken.service"
if out=$(verify "$tmp/broken.service"); then
	echo "FAIL: a broken unit verified clean"
	failures=$((failures + 1))
elif ! grep -q nonexistent <<<"$out" || ! grep -q Nicety <<<"$out"; then
	echo "FAIL: systemd-analyze missed a fault: $out"
	failures=$((failures + 1))
else
	echo "ok: a broken copy is reported: $(echo "$out" | tr '\n' ' ')"
fi

[ "$failures" -eq 0 ]
