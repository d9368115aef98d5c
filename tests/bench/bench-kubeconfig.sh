#!/bin/sh
# Reading the contexts of 500 kubeconfigs: `kubefs decode --view contexts`
# over all of them, against a loop of `kubectl config get-contexts`.
#
# usage: tests/bench/bench-kubeconfig.sh [KUBEFS] [N]
#   KUBEFS defaults to build/kubefs, N to 500. Needs hyperfine, kubectl, openssl.
#   Writes the kubeconfigs to a temporary directory (removed on exit) and prints
#   hyperfine's table; KUBEFS_BENCH_JSON=FILE also keeps hyperfine's JSON.
set -eu

kubefs=$(realpath "${1:-build/kubefs}")
n=${2:-500}
for tool in hyperfine kubectl openssl; do
        command -v "$tool" >/dev/null || { echo "bench-kubeconfig: $tool not found" >&2; exit 77; }
done

dir=$(mktemp -d /tmp/kubefs-bench-kubeconfig.XXXXXX)
trap 'rm -rf "$dir"' EXIT INT TERM

# One CA and one client certificate, embedded as kubeadm embeds them.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/ca.key" \
        -out "$dir/ca.crt" -subj /CN=kubernetes -days 365 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/admin.key" \
        -out "$dir/admin.csr" -subj /O=system:masters/CN=kubernetes-admin 2>/dev/null
openssl x509 -req -in "$dir/admin.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
        -out "$dir/admin.crt" -days 365 2>/dev/null
ca=$(base64 -w0 "$dir/ca.crt")
crt=$(base64 -w0 "$dir/admin.crt")
key=$(base64 -w0 "$dir/admin.key")

# N kubeconfigs as kubectl writes them, each with 1 to 8 contexts.
mkdir "$dir/configs"
i=0
while [ "$i" -lt "$n" ]; do
        f="$dir/configs/node-$i.kubeconfig"
        contexts=$((i % 8 + 1))
        {
                printf 'apiVersion: v1\nclusters:\n'
                c=0
                while [ "$c" -lt "$contexts" ]; do
                        printf -- '- cluster:\n    certificate-authority-data: %s\n    server: https://10.0.%d.%d:6443\n  name: cluster-%d\n' \
                                "$ca" "$i" "$c" "$c"
                        c=$((c + 1))
                done
                printf 'contexts:\n'
                c=0
                while [ "$c" -lt "$contexts" ]; do
                        printf -- '- context:\n    cluster: cluster-%d\n    namespace: ns-%d\n    user: admin\n  name: admin@cluster-%d\n' \
                                "$c" "$c" "$c"
                        c=$((c + 1))
                done
                printf 'current-context: admin@cluster-0\nkind: Config\npreferences: {}\nusers:\n'
                printf -- '- name: admin\n  user:\n    client-certificate-data: %s\n    client-key-data: %s\n' "$crt" "$key"
        } > "$f"
        i=$((i + 1))
done

# Same bytes first (this also warms the page cache), then time it.
for f in "$dir"/configs/*.kubeconfig; do
        kubectl config get-contexts --kubeconfig "$f"
done > "$dir/kubectl.out"
for f in "$dir"/configs/*.kubeconfig; do
        "$kubefs" decode --view contexts "$f"
done > "$dir/kubefs.out"
if ! cmp -s "$dir/kubectl.out" "$dir/kubefs.out"; then
        echo "bench-kubeconfig: kubefs and kubectl disagree" >&2
        diff "$dir/kubectl.out" "$dir/kubefs.out" | head -20 >&2
        exit 1
fi

cd "$dir/configs"
hyperfine --runs "${KUBEFS_BENCH_RUNS:-3}" -N \
        ${KUBEFS_BENCH_JSON:+--export-json "$KUBEFS_BENCH_JSON"} \
        -n "kubefs decode --view contexts (all $n, one process)" \
        "$kubefs decode --view contexts $(ls | tr '\n' ' ')" \
        -n "loop: kubefs decode --view contexts (per file)" \
        "sh -c 'for f in *.kubeconfig; do $kubefs decode --view contexts \$f; done'" \
        -n "loop: kubectl config get-contexts" \
        "sh -c 'for f in *.kubeconfig; do kubectl config get-contexts --kubeconfig \$f; done'"
