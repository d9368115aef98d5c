#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# fstab.sh KUBEFS: the documented fstab line works through mount(8) and
# mount.fuse3, for real: `mount -T FSTAB MNT` with a temporary fstab file,
# the mount as /proc/mounts shows it, a sidecar against openssl, `umount`
# (and the daemon gone), and one-line errors for options kubefs does not take.
#
# How mount.fuse3 finds kubefs: for type fuse.kubefs, mount(8) runs
# /sbin/mount.fuse (mount.fuse3), which runs `/bin/sh -c "'kubefs' ROOT MNT
# -o OPTS"`. mount(8) removes PATH from the helper's environment
# (util-linux's sanitize_env), so sh looks in its default path
# (/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin): a PATH
# set for the test would not reach it. So the test runs in a private mount
# namespace in which a temporary directory holding the built kubefs is
# bind-mounted on /usr/local/bin; nothing outside the namespace changes.

set -uo pipefail

kubefs=$(realpath "${1:?usage: fstab.sh KUBEFS}")
skip() { echo "SKIP: $*"; exit 77; }

if [ -z "${KFS_FSTAB_NS:-}" ]; then
	[ "$(id -u)" = 0 ] || skip "fstab test runs as root (mount(8) with a helper)"
	[ -e /dev/fuse ] || skip "no /dev/fuse"
	command -v mount.fuse3 >/dev/null || skip "mount.fuse3 is missing (package fuse3)"
	command -v unshare >/dev/null || skip "unshare is missing (package util-linux)"
	command -v openssl >/dev/null || skip "openssl is missing"
	KFS_FSTAB_NS=1 exec unshare -m --propagation private "$BASH" "$0" "$@"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kfs-fstab.XXXXXX")
chmod 755 "$tmp"
root=$tmp/root
mnt=$tmp/mnt
failures=0
checks=0

cleanup() {
	if mountpoint -q "$mnt" 2>/dev/null; then umount -l "$mnt" 2>/dev/null || fusermount3 -u -z "$mnt"; fi
	mountpoint -q /usr/local/bin && umount /usr/local/bin
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
check() { checks=$((checks + 1)); }

# the daemons serving MNT (their command line names it)
daemons() {
	local p
	for p in /proc/[0-9]*; do
		{ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -q -- " $mnt" && echo "${p#/proc/}"
	done
}

wait_gone() { # until no daemon serves MNT, at most 5 s
	local i
	for i in $(seq 500); do
		[ -z "$(daemons)" ] && return 0
		sleep 0.01
	done
	return 1
}

mkdir -p "$root/etc/kubernetes/pki" "$mnt" "$tmp/bin"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/ca.key" \
	-out "$root/etc/kubernetes/pki/ca.crt" -subj /CN=fstab-test-ca -days 30 2>/dev/null
ln -s "$kubefs" "$tmp/bin/kubefs"
mount --bind "$tmp/bin" /usr/local/bin
echo "kubefs for mount.fuse3: $(env -i /bin/sh -c 'command -v kubefs') -> $kubefs"

# --- the documented line
line="$root $mnt fuse.kubefs ro,allow_other,nofail 0 0"
echo "$line" >"$tmp/fstab"
echo "fstab: $line"
check
# (PATH does not matter: mount(8) drops it before running mount.fuse3)
mount_bin=$(command -v mount)
if out=$(PATH=/nowhere "$mount_bin" -v -T "$tmp/fstab" "$mnt" 2>&1); then
	ok "mount -T FSTAB MNT: ${out:-(no output)}"
else
	fail "mount -T FSTAB MNT failed: $out"
fi
check
pm=$(awk -v m="$mnt" '$2 == m' /proc/mounts)
echo "/proc/mounts: $pm"
read -r src _ type opts _ <<<"$pm"
if [ "$src" = "$root" ] && [ "$type" = fuse.kubefs ]; then ok "source ROOT, type fuse.kubefs"; else fail "source/type: $pm"; fi
for want in ro nosuid nodev default_permissions allow_other; do
	check
	case ",$opts," in *",$want,"*) ;; *) fail "mount option $want missing: $opts" ;; esac
done
check
want=$(openssl x509 -noout -subject -nameopt RFC2253 -in "$root/etc/kubernetes/pki/ca.crt" | sed 's/^subject=//')
got=$(cat "$mnt/etc/kubernetes/pki/ca.crt.subject" 2>&1)
if [ "$got" = "$want" ]; then ok "ca.crt.subject = openssl's ($got)"; else fail "ca.crt.subject: '$got', openssl: '$want'"; fi
check
if [ -n "$(daemons)" ]; then ok "daemon running: pid $(daemons | tr '\n' ' ')"; else fail "no daemon serves $mnt"; fi
check
if out=$(umount "$mnt" 2>&1); then ok "umount MNT"; else fail "umount: $out"; fi
check
mountpoint -q "$mnt" && fail "still mounted after umount"
check
if wait_gone; then ok "daemon exited after umount"; else fail "daemon still running: $(daemons)"; fi

# --- fstab-only words are taken: noauto, _netdev, x-systemd.*
check
line="$root $mnt fuse.kubefs ro,allow_other,noauto,_netdev,x-systemd.automount,timeout=5 0 0"
echo "$line" >"$tmp/fstab"
echo "fstab: $line"
if out=$(mount -T "$tmp/fstab" "$mnt" 2>&1) && mountpoint -q "$mnt"; then
	ok "mounted with noauto,_netdev,x-systemd.automount,timeout=5"
	umount "$mnt" || fail "umount"
	wait_gone || fail "daemon still running"
else
	fail "mount with fstab-only words: $out"
fi

# --- options kubefs does not take: one line, naming the option; nothing mounted
bad() { # OPTS EXPECTED-STDERR
	check
	echo "$root $mnt fuse.kubefs $1 0 0" >"$tmp/fstab"
	local err rc
	err=$(mount -T "$tmp/fstab" "$mnt" 2>&1)
	rc=$?
	if mountpoint -q "$mnt"; then
		fail "-o $1 mounted"
		umount "$mnt"
	elif [ $rc -eq 0 ]; then
		fail "-o $1: mount exited 0"
	elif [ "$err" != "$2" ]; then
		fail "-o $1: stderr '$err', want '$2'"
	else
		ok "-o $1 refused (mount exit $rc): $err"
	fi
}
bad ro,allow_other,bogus_opt,nofail "kubefs: unknown mount option 'bogus_opt' (kubefs --help lists them)"
bad ro,max_read=lots "kubefs: unknown mount option 'max_read=lots' (kubefs --help lists them)"
bad ro,timeout=soon "kubefs: bad value in option 'timeout=soon'"
bad rw,allow_other "kubefs: option 'rw': kubefs is read-only"
check
[ -z "$(daemons)" ] || fail "a daemon is left: $(daemons)"

echo "$checks checks, $failures failed"
[ "$failures" -eq 0 ]
