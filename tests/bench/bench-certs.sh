#!/bin/sh
# Reading 2,000 certificates: `kubefs decode` vs a shell loop of openssl.
#
#   usage: tests/bench/bench-certs.sh [KUBEFS] [N]     (defaults: build/kubefs, 2000)
#
# Makes N certificate files (40 distinct certificates, RSA and EC, repeated
# under different names) in a temp dir, then runs hyperfine on
#   1. kubefs decode --view txt        (every certificate's full text)
#   2. kubefs decode --view expiry     (the same information as 3)
#   3. for f in *.crt; do openssl x509 -noout -enddate -in "$f"; done
# Not a test: numbers for the closing note. Needs hyperfine and openssl.
set -eu
kubefs=$(realpath "${1:-build/kubefs}")
n=${2:-2000}
command -v hyperfine >/dev/null || { echo "hyperfine not found" >&2; exit 1; }
dir=$(mktemp -d /tmp/kubefs-bench-certs.XXXXXX)
trap 'rm -rf "$dir"' EXIT

mkdir "$dir/src" "$dir/certs"
for i in $(seq 1 40); do
        if [ $((i % 2)) = 0 ]; then alg="-newkey rsa:2048"; else alg="-newkey ec -pkeyopt ec_paramgen_curve:P-256"; fi
        # shellcheck disable=SC2086
        openssl req -x509 $alg -nodes -keyout /dev/null -subj "/O=bench/CN=node-$i" -days $((i * 10)) \
                -addext "subjectAltName=DNS:node-$i.cluster.local,IP:10.0.0.$i" \
                -out "$dir/src/$i.crt" 2>/dev/null
done
i=0
while [ $i -lt "$n" ]; do
        cp "$dir/src/$((i % 40 + 1)).crt" "$dir/certs/cert-$i.crt"
        i=$((i + 1))
done
echo "$n certificates in $dir/certs ($(du -sh "$dir/certs" | cut -f1)); $(openssl version); $(nproc) CPUs"

cd "$dir/certs"
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-markdown "$dir/bench.md" \
        -n "kubefs decode --view txt ($n files)" \
        "$kubefs decode --root $dir --view txt $dir/certs/*.crt > /dev/null" \
        -n "kubefs decode --view expiry ($n files)" \
        "$kubefs decode --root $dir --view expiry $dir/certs/*.crt > /dev/null" \
        -n "shell loop: openssl x509 -noout -enddate ($n files)" \
        "for f in $dir/certs/*.crt; do openssl x509 -noout -enddate -in \"\$f\"; done > /dev/null"
cat "$dir/bench.md"
