#!/bin/sh
# From a fresh Debian/Ubuntu clone to a mounted example node, in one command:
# installs the missing packages, builds kubefs, generates the example kubeadm
# node (examples/nodes/kubeadm) and mounts it read-only, then shows it.
#
# usage: examples/quickstart.sh [MOUNTPOINT]     (default /tmp/kubefs-demo)
set -eu
cd "$(dirname "$0")/.."
mnt=${1:-/tmp/kubefs-demo}

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
missing=$(for p in $(grep -v '^#' .ci/packages); do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" || echo "$p"
done)
if [ -n "$missing" ]; then
        echo "quickstart: installing $(echo $missing)"
        $SUDO apt-get update -q
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi

[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build >/dev/null
examples/make-nodes.sh examples/nodes >/dev/null

mkdir -p "$mnt"
if mountpoint -q "$mnt"; then fusermount3 -u -z "$mnt"; fi
build/kubefs examples/nodes/kubeadm "$mnt"

show() { echo; echo "\$ $*"; "$@"; }
cd "$mnt"
show ls etc/kubernetes/pki
show cat etc/kubernetes/pki/apiserver.crt.expiry
show cat root/.kube/config.contexts
show cat usr/lib/systemd/system/kubelet.service.flags
show grep -r --include='*.flat' cgroupDriver .
cd - >/dev/null
echo
echo "kubefs: the example kubeadm node is mounted read-only at $mnt"
echo "kubefs: unmount it with: fusermount3 -u $mnt"
