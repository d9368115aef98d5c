#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# test-examples.sh SRCDIR: examples/make-nodes.sh makes the node roots it
# promises (examples/README.md): the files, modes, symlinks and sockets of
# each layout; certificates that parse, chain and match their keys, with
# every expiry status; kubeconfigs that kubectl loads; secrets planted where
# the .secrets lists say; a re-run that replaces the output; and no private
# key in the git tree. The clock is pinned (KUBEFS_NOW) so names and dates
# are known. Parts whose tool is missing (kubectl, git) are skipped loudly.

set -euo pipefail

src=${1:?usage: test-examples.sh SRCDIR}
NOW=1767225600          # 2026-01-01T00:00:00Z, as tests/golden.py
DAY=86400
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-examples.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
out=$tmp/nodes
failures=0
checks=0

fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
check() { checks=$((checks + 1)); }
skip() { printf 'SKIP: %s\n' "$*"; }

for tool in openssl base64; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool not found"; exit 77; }
done

# --- generate twice: the second run must replace the first cleanly
start=$(date +%s)
KUBEFS_NOW=$NOW "$src/examples/make-nodes.sh" "$out" >/dev/null || { echo "FAIL: make-nodes.sh failed"; exit 1; }
touch "$out/kubeadm/stale-file"
KUBEFS_NOW=$NOW "$src/examples/make-nodes.sh" "$out" >/dev/null || { echo "FAIL: make-nodes.sh re-run failed"; exit 1; }
echo "make-nodes.sh twice: $(($(date +%s) - start)) s"
check
[ ! -e "$out/kubeadm/stale-file" ] || fail "re-run kept a file of the previous run"
check
leftover=$(find "$out" -maxdepth 1 -name '.make-nodes.*')
[ -z "$leftover" ] || fail "staging directory left behind: $leftover"
for layout in kubeadm kubeasz k3s; do
	check
	[ "$(stat -c %a "$out/$layout.secrets")" = 600 ] || fail "$layout.secrets is not 0600"
done

# --- layout: TYPE MODE PATH (find -printf %y %m); "-" = any mode
boot=kubelet-client-$(date -u -d "@$((NOW - 400 * DAY + 120))" +%Y-%m-%d-%H-%M-%S).pem
rot=kubelet-client-$(date -u -d "@$((NOW - 108 * DAY))" +%Y-%m-%d-%H-%M-%S).pem
layout_check() { # LAYOUT < "TYPE MODE PATH" lines
	local root=$out/$1 type mode path got
	while read -r type mode path; do
		case $type in '' | '#'*) continue ;; esac
		check
		if ! got=$(find "$root/$path" -maxdepth 0 -printf '%y %m' 2>/dev/null); then
			fail "$1: missing $path"
		elif [ "${got% *}" != "$type" ] || { [ "$mode" != - ] && [ "${got#* }" != "$mode" ]; }; then
			fail "$1: $path is '$got', want '$type $mode'"
		fi
	done
}

layout_check kubeadm <<EOF
l - bin
l - lib
l - sbin
d 755 etc/kubernetes
d 755 etc/kubernetes/pki
d 755 etc/kubernetes/pki/etcd
f 644 etc/kubernetes/pki/ca.crt
f 600 etc/kubernetes/pki/ca.key
f 644 etc/kubernetes/pki/apiserver.crt
f 600 etc/kubernetes/pki/apiserver.key
f 644 etc/kubernetes/pki/apiserver-kubelet-client.crt
f 600 etc/kubernetes/pki/apiserver-kubelet-client.key
f 644 etc/kubernetes/pki/apiserver-etcd-client.crt
f 600 etc/kubernetes/pki/apiserver-etcd-client.key
f 644 etc/kubernetes/pki/front-proxy-ca.crt
f 600 etc/kubernetes/pki/front-proxy-ca.key
f 644 etc/kubernetes/pki/front-proxy-client.crt
f 600 etc/kubernetes/pki/front-proxy-client.key
f 600 etc/kubernetes/pki/sa.key
f 600 etc/kubernetes/pki/sa.pub
f 644 etc/kubernetes/pki/etcd/ca.crt
f 600 etc/kubernetes/pki/etcd/ca.key
f 644 etc/kubernetes/pki/etcd/server.crt
f 600 etc/kubernetes/pki/etcd/server.key
f 644 etc/kubernetes/pki/etcd/peer.crt
f 600 etc/kubernetes/pki/etcd/peer.key
f 644 etc/kubernetes/pki/etcd/healthcheck-client.crt
f 600 etc/kubernetes/pki/etcd/healthcheck-client.key
f 600 etc/kubernetes/admin.conf
f 600 etc/kubernetes/super-admin.conf
f 600 etc/kubernetes/controller-manager.conf
f 600 etc/kubernetes/scheduler.conf
f 600 etc/kubernetes/kubelet.conf
f 600 etc/kubernetes/kubeadm-config.yaml
d 700 etc/kubernetes/enc
f 600 etc/kubernetes/enc/encryption-config.yaml
d 700 etc/kubernetes/manifests
f 600 etc/kubernetes/manifests/etcd.yaml
f 600 etc/kubernetes/manifests/kube-apiserver.yaml
f 600 etc/kubernetes/manifests/kube-controller-manager.yaml
f 600 etc/kubernetes/manifests/kube-scheduler.yaml
f 644 var/lib/kubelet/config.yaml
f 644 var/lib/kubelet/kubeadm-flags.env
f 600 var/lib/kubelet/cpu_manager_state
f 600 var/lib/kubelet/memory_manager_state
d 750 var/lib/kubelet/device-plugins
f 600 var/lib/kubelet/device-plugins/kubelet_internal_checkpoint
s - var/lib/kubelet/device-plugins/kubelet.sock
s - var/lib/kubelet/pod-resources/kubelet.sock
d 755 var/lib/kubelet/pods
f 600 var/lib/kubelet/pki/$boot
f 600 var/lib/kubelet/pki/$rot
l 777 var/lib/kubelet/pki/kubelet-client-current.pem
f 644 var/lib/kubelet/pki/kubelet.crt
f 600 var/lib/kubelet/pki/kubelet.key
f 644 usr/lib/systemd/system/kubelet.service
f 644 usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf
f 644 usr/lib/systemd/system/containerd.service
f 644 etc/systemd/system/kubelet.service.d/20-node-ip.conf
l - etc/systemd/system/multi-user.target.wants/kubelet.service
f 644 etc/default/kubelet
f 644 etc/containerd/config.toml
f 644 etc/containerd/conf.d/10-metrics.toml
f 644 etc/containerd/certs.d/docker.io/hosts.toml
f 644 etc/crictl.yaml
f 644 etc/cni/net.d/10-calico.conflist
f 600 etc/cni/net.d/calico-kubeconfig
d 700 root
f 600 root/.kube/config
d 750 home/ubuntu
f 600 home/ubuntu/.kube/config
# outside the Kubernetes locations
f 644 etc/hostname
f 644 etc/passwd
f 640 etc/shadow
f 640 var/log/syslog
f 600 etc/kubernetes.bak/admin.conf
EOF

layout_check kubeasz <<'EOF'
f 644 etc/kubernetes/ssl/ca.pem
f 600 etc/kubernetes/ssl/ca-key.pem
f 644 etc/kubernetes/ssl/kubernetes.pem
f 600 etc/kubernetes/ssl/kubernetes-key.pem
f 644 etc/kubernetes/ssl/etcd.pem
f 600 etc/kubernetes/ssl/etcd-key.pem
f 644 etc/kubernetes/ssl/kubelet.pem
f 600 etc/kubernetes/ssl/kubelet-key.pem
f 644 etc/kubernetes/ssl/aggregator-proxy.pem
f 600 etc/kubernetes/ssl/aggregator-proxy-key.pem
f 644 etc/kubernetes/ssl/admin.pem
f 600 etc/kubernetes/ssl/admin-key.pem
f 644 etc/kubernetes/ssl/kube-proxy.pem
f 600 etc/kubernetes/ssl/kube-proxy-key.pem
f 600 etc/kubernetes/kubelet.kubeconfig
f 600 etc/kubernetes/kube-proxy.kubeconfig
f 600 etc/kubernetes/kube-controller-manager.kubeconfig
f 600 etc/kubernetes/kube-scheduler.kubeconfig
f 644 var/lib/kube-proxy/kube-proxy-config.yaml
f 644 var/lib/kubelet/config.yaml
f 644 etc/systemd/system/kubelet.service
f 644 etc/systemd/system/kube-proxy.service
f 644 etc/systemd/system/kube-apiserver.service
f 644 etc/systemd/system/kube-controller-manager.service
f 644 etc/systemd/system/kube-scheduler.service
f 644 etc/systemd/system/etcd.service
f 644 etc/cni/net.d/10-flannel.conflist
f 644 etc/crictl.yaml
f 400 root/.kube/config
f 644 etc/hostname
EOF

layout_check k3s <<'EOF'
f 600 etc/rancher/k3s/k3s.yaml
f 600 etc/rancher/k3s/config.yaml
f 600 etc/rancher/k3s/config.yaml.d/10-extra.yaml
f 600 etc/rancher/k3s/registries.yaml
f 600 etc/rancher/node/password
f 644 etc/systemd/system/k3s.service
f 600 etc/systemd/system/k3s.service.env
d 700 var/lib/rancher/k3s/server
f 644 var/lib/rancher/k3s/server/tls/server-ca.crt
f 600 var/lib/rancher/k3s/server/tls/server-ca.key
f 644 var/lib/rancher/k3s/server/tls/client-ca.crt
f 644 var/lib/rancher/k3s/server/tls/request-header-ca.crt
f 644 var/lib/rancher/k3s/server/tls/serving-kube-apiserver.crt
f 600 var/lib/rancher/k3s/server/tls/serving-kube-apiserver.key
f 644 var/lib/rancher/k3s/server/tls/client-admin.crt
f 600 var/lib/rancher/k3s/server/tls/client-admin.key
f 644 var/lib/rancher/k3s/server/tls/etcd/server-ca.crt
f 644 var/lib/rancher/k3s/server/tls/etcd/peer-server-client.crt
f 600 var/lib/rancher/k3s/server/tls/service.key
f 600 var/lib/rancher/k3s/server/cred/admin.kubeconfig
f 600 var/lib/rancher/k3s/server/cred/passwd
f 600 var/lib/rancher/k3s/server/token
l 777 var/lib/rancher/k3s/server/node-token
f 644 var/lib/rancher/k3s/server/manifests/rolebindings.yaml
f 600 var/lib/rancher/k3s/agent/kubelet.kubeconfig
f 644 var/lib/rancher/k3s/agent/client-kubelet.crt
f 600 var/lib/rancher/k3s/agent/client-kubelet.key
d - var/lib/rancher/k3s/agent/containerd
f - var/lib/rancher/k3s/agent/containerd/io.containerd.metadata.v1.bolt/meta.db
EOF

# --- symlinks: absolute, resolving inside the root
for spec in "kubeadm var/lib/kubelet/pki/kubelet-client-current.pem /var/lib/kubelet/pki/$rot" \
	    "k3s var/lib/rancher/k3s/server/node-token /var/lib/rancher/k3s/server/token"; do
	read -r layout path want <<< "$spec"
	check
	got=$(readlink "$out/$layout/$path" || true)
	[ "$got" = "$want" ] || fail "$layout: $path -> '$got', want '$want'"
	check
	[ -f "$out/$layout$want" ] || fail "$layout: $path's target is not inside the root"
done

# --- the kubeasz unit the project started from, byte for byte
check
cmp -s "$out/kubeasz/etc/systemd/system/kubelet.service" - <<'EOF' || fail "kubeasz: kubelet.service is not the issue's unit"
[Service]
WorkingDirectory=/var/lib/kubelet
ExecStart=/opt/kube/bin/kubelet \
  --config=/var/lib/kubelet/config.yaml \
  --container-runtime-endpoint=unix:///run/containerd/containerd.sock \
  --hostname-override=192.168.0.160 \
  --kubeconfig=/etc/kubernetes/kubelet.kubeconfig \
  --root-dir=/var/lib/kubelet \
  --v=2
Restart=always
EOF
check
grep -qx 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9"' \
	"$out/kubeadm/var/lib/kubelet/kubeadm-flags.env" || fail "kubeadm: kubeadm-flags.env"

# --- certificates: every PEM certificate parses; every key parses and
# matches its certificate; chains verify at NOW
certs=0
while IFS= read -r -d '' f; do
	certs=$((certs + 1))
	check
	openssl x509 -noout -text -in "$f" >/dev/null 2>&1 || fail "does not parse: ${f#"$out"/}"
done < <(grep -rlZ -- '-----BEGIN CERTIFICATE-----' "$out"/kubeadm "$out"/kubeasz "$out"/k3s)
echo "certificate files: $certs"

spki_of() { openssl "$1" -in "$2" -pubout -outform DER 2>/dev/null | sha256sum; }  # fails with openssl
pair() { # CERT KEY
	check
	local c k
	if ! c=$(openssl x509 -in "$1" -pubkey -noout 2>/dev/null | openssl pkey -pubin -outform DER | sha256sum) ||
	   ! k=$(spki_of pkey "$2") || [ "$c" != "$k" ]; then
		fail "key does not match certificate: ${2#"$out"/}"
	fi
}
P=$out/kubeadm/etc/kubernetes/pki
for f in ca apiserver apiserver-kubelet-client apiserver-etcd-client front-proxy-ca front-proxy-client \
	 etcd/ca etcd/server etcd/peer etcd/healthcheck-client; do
	pair "$P/$f.crt" "$P/$f.key"
done
pair "$out/kubeadm/var/lib/kubelet/pki/$rot" "$out/kubeadm/var/lib/kubelet/pki/$rot"
pair "$out/kubeadm/var/lib/kubelet/pki/kubelet.crt" "$out/kubeadm/var/lib/kubelet/pki/kubelet.key"
check
[ "$(spki_of pkey "$P/sa.key")" = "$(openssl pkey -pubin -in "$P/sa.pub" -outform DER | sha256sum)" ] ||
	fail "kubeadm: sa.pub is not sa.key's public key"
for f in ca kubernetes etcd kubelet aggregator-proxy admin kube-proxy; do
	pair "$out/kubeasz/etc/kubernetes/ssl/$f.pem" "$out/kubeasz/etc/kubernetes/ssl/$f-key.pem"
done
T=$out/k3s/var/lib/rancher/k3s/server/tls
for f in server-ca client-ca request-header-ca client-admin serving-kube-apiserver etcd/peer-server-client \
	 ../../agent/client-kubelet; do
	pair "$T/$f.crt" "$T/$f.key"
done

verify() { # CA CERT...
	local ca=$1 f
	shift
	for f in "$@"; do
		check
		openssl verify -attime "$NOW" -CAfile "$ca" "$f" >/dev/null 2>&1 || fail "does not verify: ${f#"$out"/}"
	done
}
verify "$P/ca.crt" "$P"/{apiserver,apiserver-kubelet-client}.crt "$out/kubeadm/var/lib/kubelet/pki/$rot"
verify "$P/front-proxy-ca.crt" "$P/front-proxy-client.crt"
verify "$P/etcd/ca.crt" "$P"/etcd/{server,peer}.crt "$P/apiserver-etcd-client.crt"
D=$out/kubeasz/etc/kubernetes/ssl
verify "$D/ca.pem" "$D"/{kubernetes,etcd,kubelet,aggregator-proxy,admin,kube-proxy}.pem
verify "$T/client-ca.crt" "$T"/client-{admin,controller,scheduler,kube-apiserver,kube-proxy,k3s-controller,supervisor}.crt
verify "$T/server-ca.crt" "$T/serving-kube-apiserver.crt" "$out/k3s/var/lib/rancher/k3s/agent/serving-kubelet.crt"
verify "$T/request-header-ca.crt" "$T/client-auth-proxy.crt"
verify "$T/etcd/server-ca.crt" "$T"/etcd/{client,server-client}.crt
verify "$T/etcd/peer-ca.crt" "$T/etcd/peer-server-client.crt"

# every .expiry status is there: STATUS CERT
days_left() { echo $(( ($(date -u -d "$(openssl x509 -noout -enddate -in "$1" | cut -d= -f2)" +%s) - NOW) / DAY )); }
starts() { date -u -d "$(openssl x509 -noout -startdate -in "$1" | cut -d= -f2)" +%s; }
check; [ "$(days_left "$P/apiserver.crt")" -ge 30 ] || fail "apiserver.crt should be valid"
d=$(days_left "$P/front-proxy-client.crt")
check; if [ "$d" -lt 0 ] || [ "$d" -ge 30 ]; then fail "front-proxy-client.crt should expire within 30 days ($d)"; fi
check; [ "$(days_left "$P/etcd/healthcheck-client.crt")" -lt 0 ] || fail "etcd/healthcheck-client.crt should be expired"
check; [ "$(starts "$out/kubeadm/var/lib/kubelet/pki/kubelet.crt")" -gt "$NOW" ] || fail "kubelet.crt should not be valid yet"
check; [ "$(days_left "$out/kubeadm/var/lib/kubelet/pki/$boot")" -lt 0 ] || fail "$boot should be expired"
check
[ "$(grep -c 'BEGIN CERTIFICATE' "$out/kubeadm/var/lib/kubelet/pki/kubelet.crt")" = 2 ] || fail "kubelet.crt should be a 2-certificate chain"
check
[ "$(sed -n '/BEGIN/p' "$out/kubeadm/var/lib/kubelet/pki/$rot")" = "$(printf '%s\n' '-----BEGIN CERTIFICATE-----' '-----BEGIN EC PRIVATE KEY-----')" ] ||
	fail "$rot should hold a certificate then an EC PRIVATE KEY"
check
openssl asn1parse -in "$D/ca.pem" | grep -q GENERALIZEDTIME || fail "kubeasz ca.pem should end after 2049 (GeneralizedTime)"

# --- kubeconfigs: embedded data decodes and pairs; kubectl loads them all
kubeconfigs=()
while IFS= read -r -d '' f; do kubeconfigs+=("$f"); done < <(grep -rlZE '^kind: Config|^current-context:' "$out"/kubeadm "$out"/kubeasz "$out"/k3s)
check
[ "${#kubeconfigs[@]}" -ge 20 ] || fail "only ${#kubeconfigs[@]} kubeconfigs found"
for f in "${kubeconfigs[@]}"; do
	check
	while read -r key val; do
		val=${val#\"}
		val=${val%\"}
		case $key in
		certificate-authority-data:|client-certificate-data:)
			printf '%s' "$val" | base64 -d 2>/dev/null | openssl x509 -noout 2>/dev/null ||
				fail "${f#"$out"/}: $key is not a certificate" ;;
		client-key-data:)
			printf '%s' "$val" | base64 -d 2>/dev/null | openssl pkey -noout 2>/dev/null ||
				fail "${f#"$out"/}: client-key-data is not a key" ;;
		esac
	done < <(grep -E '^ *(certificate-authority|client-certificate|client-key)-data:' "$f")
done
if command -v kubectl >/dev/null; then
	for f in "${kubeconfigs[@]}"; do
		check
		n=$(kubectl config get-contexts --kubeconfig "$f" --no-headers 2>&1 | grep -c .) ||
			fail "kubectl cannot load ${f#"$out"/}"
		[ "$n" -ge 1 ] || fail "kubectl finds no context in ${f#"$out"/}"
	done
	for spec in "kubeadm/root/.kube/config 5 kubernetes-admin@kubernetes" \
		    "kubeasz/root/.kube/config 3 context-cluster1"; do
		read -r path want cur <<< "$spec"
		check
		n=$(kubectl config get-contexts --kubeconfig "$out/$path" --no-headers | grep -c .)
		[ "$n" = "$want" ] || fail "$path: $n contexts, want $want"
		check
		[ "$(kubectl config current-context --kubeconfig "$out/$path")" = "$cur" ] || fail "$path: current-context"
	done
else
	skip "kubectl not found: kubeconfigs not loaded with kubectl"
fi

# --- secrets: every listed value is planted in its root, and the lists
# stay outside the roots
for layout in kubeadm kubeasz k3s; do
	n=0
	while IFS= read -r s; do
		n=$((n + 1))
		check
		grep -rqF -- "$s" "$out/$layout" || fail "$layout.secrets line $n is not in the root"
	done < "$out/$layout.secrets"
	check
	[ "$n" -ge 10 ] || fail "$layout.secrets has only $n secrets"
done

# --- no key material in the git tree, and the output is ignored
if command -v git >/dev/null && git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	check
	# shellcheck disable=SC2016 # awk program
	keys=$(git -C "$src" ls-files -z | (cd "$src" && xargs -0 -r awk '
		prev ~ /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/ && /^[A-Za-z0-9+\/=]+$/ && length($0) >= 40 { print FILENAME; nextfile }
		/(key-data|PRIVATE KEY)[": ]*LS0tLS1CRUdJTi/ { print FILENAME; nextfile }
		{ prev = $0 }') || true)
	[ -z "$keys" ] || fail "private key material committed: $keys"
	check
	git -C "$src" check-ignore -q examples/nodes/kubeadm/etc/kubernetes/pki/ca.key ||
		fail "examples/nodes/ is not ignored by git"
else
	skip "not a git checkout: committed-key check skipped"
fi

echo "examples: $checks checks, $failures failed"
[ "$failures" -eq 0 ]
