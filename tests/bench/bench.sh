#!/bin/bash
# Benchmarks, side by side in one run (hyperfine): the plain directory vs
# `bindfs -r` vs kubefs for listing, grepping and reading; sidecars vs the
# oracle tools they replace; how long a certificate rotation takes to show.
# Not a test: it reports numbers (and ratios), it asserts nothing.
#
# usage: tests/bench/bench.sh [KUBEFS]      (as root; needs hyperfine and bindfs)
# Results: build/bench/*.md (markdown tables) and the summary on stdout.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kubefs=$(readlink -f "${1:-$top/build/kubefs}")
out=$top/build/bench
mkdir -p "$out"
for t in hyperfine bindfs openssl; do
        command -v $t >/dev/null || { echo "bench: $t is missing (apt-get install -y $t)"; exit 1; }
done

work=$(mktemp -d /tmp/kfs-bench-XXXXXX)
mk=$work/kubefs mb=$work/bindfs
mkdir -p "$mk" "$mb"
cleanup() {
        for m in "$mk" "$mb" "${mbig:-}"; do [ -n "$m" ] && fusermount3 -u -z "$m" 2>/dev/null || true; done
        rm -rf "$work"
}
trap cleanup EXIT

"$top/examples/make-nodes.sh" "$work/nodes" >/dev/null
root=$work/nodes/kubeadm
# a second node for the bulk comparisons: 2,000 certificates and 500 kubeconfigs
bigroot=$work/big
big=$bigroot/etc/kubernetes
mkdir -p "$big/certs" "$big/kubeconfigs"
for i in $(seq 1 2000); do cp "$root/etc/kubernetes/pki/apiserver.crt" "$big/certs/c$i.crt"; done
for i in $(seq 1 500); do cp "$root/etc/kubernetes/admin.conf" "$big/kubeconfigs/k$i.conf"; done
mbig=$work/kubefs-big
mkdir -p "$mbig"

mount_kubefs() { "$kubefs" "$root" "$mk"; }
mount_kubefs
bindfs -r "$root" "$mb"
dirs="etc/kubernetes var/lib/kubelet usr/lib/systemd/system"
under() { local base=$1; shift; for d in $dirs; do printf '%s/%s ' "$base" "$d"; done; }

run() {         # run NAME hyperfine-args...   (RUNS=N [WARMUP=N] for slow ones)
        local name=$1; shift
        local runs=(--warmup 2 --min-runs 5)
        [ -n "${RUNS:-}" ] && runs=(--warmup "${WARMUP:-0}" --runs "$RUNS")
        echo "== $name"
        hyperfine --style basic "${runs[@]}" --export-markdown "$out/$name.md" "$@" 2>&1 |
                grep -E '^(Benchmark|  Time|Summary| +[0-9.]+ ± |  .* ran)' || true
}

run ls-lR \
        -n native "ls -lR $(under "$root") >/dev/null" \
        -n bindfs "ls -lR $(under "$mb") >/dev/null" \
        -n kubefs "ls -lR $(under "$mk") >/dev/null"
run grep-r \
        -n native "grep -r cgroupDriver $(under "$root") >/dev/null || true" \
        -n bindfs "grep -r cgroupDriver $(under "$mb") >/dev/null || true" \
        -n kubefs "grep -r cgroupDriver $(under "$mk") >/dev/null || true"
# every sidecar of the node; "first read" remounts before each run
sidecars="find $mk -type f -regextype egrep -regex '.*\\.(txt|subject|issuer|san|expiry|sha256|json|contexts|current-context|clusters|users|yaml|flags|env|unit|flat|objects)' ! -path '*/.kubefs/*' -print0 | xargs -0 cat >/dev/null"
run cat-sidecars-warm -n "kubefs warm" "$sidecars"
run cat-sidecars-first \
        --prepare "fusermount3 -u -z $mk; $kubefs $root $mk" -n "kubefs first read" "$sidecars"
mountpoint -q "$mk" || mount_kubefs

# the question operators ask of 2,000 certificates: when do they expire
remount_big="fusermount3 -u -z $mbig 2>/dev/null; $kubefs $bigroot $mbig"
"$kubefs" "$bigroot" "$mbig"
RUNS=3 WARMUP=1 run expiry-2000 \
        -n "openssl loop" "for f in $big/certs/*.crt; do openssl x509 -noout -enddate -in \$f; done >/dev/null" \
        -n "kubefs grep Not After (warm)" "grep -h 'Not After' $mbig/etc/kubernetes/certs/*.txt >/dev/null"
RUNS=3 run expiry-2000-first \
        --prepare "$remount_big" \
        -n "kubefs grep Not After (first read)" "grep -h 'Not After' $mbig/etc/kubernetes/certs/*.txt >/dev/null"
mountpoint -q "$mbig" || "$kubefs" "$bigroot" "$mbig"
if command -v kubectl >/dev/null; then
        RUNS=3 WARMUP=1 run contexts-500 \
                -n "kubectl loop" "for f in $big/kubeconfigs/*.conf; do kubectl config get-contexts --kubeconfig \$f; done >/dev/null" \
                -n "kubefs cat .contexts (warm)" "cat $mbig/etc/kubernetes/kubeconfigs/*.contexts >/dev/null"
        RUNS=3 run contexts-500-first \
                --prepare "$remount_big" \
                -n "kubefs cat .contexts (first read)" "cat $mbig/etc/kubernetes/kubeconfigs/*.contexts >/dev/null"
fi

# rotation: re-point kubelet-client-current.pem, time until its .txt shows the new certificate
echo "== rotation (mounted with -o timeout=30: only the watcher's invalidation can make it show)"
fusermount3 -u -z "$mk"
"$kubefs" -o timeout=30 "$root" "$mk"
pki=$root/var/lib/kubelet/pki
link=$pki/kubelet-client-current.pem
certs=($(cd "$pki" && ls kubelet-client-2*.pem))
/usr/bin/python3 - "$mk/var/lib/kubelet/pki/kubelet-client-current.pem.txt" "$link" "$pki" "${certs[@]}" <<'PY'
import os, statistics, subprocess, sys, time
side, link, pki, certs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
want = {c: subprocess.run(["openssl", "x509", "-noout", "-text", "-in", os.path.join(pki, c)],
                          capture_output=True).stdout for c in certs}
times = []
for i in range(40):
    c = certs[i % len(certs)]
    open(side, "rb").read()
    os.symlink("/var/lib/kubelet/pki/" + c, link + ".tmp")
    t0 = time.monotonic()
    os.rename(link + ".tmp", link)
    # the file holds the certificate and its key: .txt is the certificate's text, then the key summary
    while not open(side, "rb").read().startswith(want[c]):
        if time.monotonic() - t0 > 5:
            sys.exit("rotation did not show within 5 s")
    times.append((time.monotonic() - t0) * 1000)
print(f"  rotation visible after: median {statistics.median(times):.2f} ms, max {max(times):.2f} ms (40 rotations)")
PY
# the stress run of issue 10 at full length: 60 s, 32 readers (the suite runs 20 s, 8 readers)
echo "== stress (symlink re-pointed every 10 ms, a kubeconfig and a drop-in rewritten; readers checked against kubefs decode)"
KUBEFS_STRESS_SECONDS=60 KUBEFS_STRESS_READERS=32 KUBEFS_STRESS_REPORT="$out/stress.txt" \
        /usr/bin/python3 "$top/tests/mount/run.py" "$kubefs" -q -k test_stress_no_torn_reads >/dev/null ||
        echo "  stress: FAILED (tests/mount/test_stress.py)"
sed 's/^/  /' "$out/stress.txt" 2>/dev/null | tail -1

echo "tables: $out/*.md"
