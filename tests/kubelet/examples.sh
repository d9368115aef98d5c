#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# examples.sh KUBEFS SRCDIR [--update]: the kubelet reports and the audit of
# the three example nodes (examples/make-nodes.sh, clock pinned) against
# tests/kubelet/expected/NODE.REPORT.expected. Owners are part of the
# audit, and make-nodes.sh writes files as whoever runs it: the expected
# files are root's, so other users skip (77).

set -euo pipefail

kubefs=${1:?usage: examples.sh KUBEFS SRCDIR [--update]}
src=${2:?usage: examples.sh KUBEFS SRCDIR [--update]}
update=${3:-}
expected=$src/tests/kubelet/expected
[ "$(id -u)" = 0 ] || { echo "SKIP: the expected owners are root's"; exit 77; }
command -v openssl >/dev/null || { echo "SKIP: openssl not found"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kubelet-examples.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
KUBEFS_NOW=1767225600 "$src/examples/make-nodes.sh" "$tmp/nodes" >/dev/null

failures=0
for node in kubeadm kubeasz k3s; do
	for report in audit kubelet/flags kubelet/config.flat; do
		want=$expected/$node.${report//\//-}.expected
		KUBEFS_NOW=1767225600 "$kubefs" report --root "$tmp/nodes/$node" "$report" > "$tmp/got"
		if [ "$update" = --update ]; then
			cp "$tmp/got" "$want"
		elif ! diff -u "$want" "$tmp/got"; then
			echo "FAIL: $node $report"
			failures=$((failures + 1))
		fi
	done
	# the JSON forms carry the same results
	KUBEFS_NOW=1767225600 "$kubefs" report --root "$tmp/nodes/$node" audit.json audit.xml kubelet/configz.json > /dev/null
done
echo "$failures failure(s)"
[ "$failures" = 0 ]
