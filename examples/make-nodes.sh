#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# make-nodes.sh - generate example Kubernetes node roots for kubefs.
#
#   examples/make-nodes.sh [OUTDIR]          (OUTDIR defaults to examples/nodes)
#
# Writes three node ROOTs, each laid out the way its installer lays out a real
# node, with freshly generated keys and certificates:
#
#   OUTDIR/kubeadm/   a kubeadm v1.30 control-plane node (Ubuntu, deb packages)
#   OUTDIR/kubeasz/   a kubeasz (binary install) master+node
#   OUTDIR/k3s/       a k3s server with embedded etcd
#   OUTDIR/broken/    the kubeadm node with one fault per check of .kubefs/doctor
#
# and, beside them (never inside a root), OUTDIR/<layout>.secrets: every secret
# value planted in that root, one per line, for leak tests.
#
# The structure (paths, names, modes, subjects, dates, file texts) is fixed;
# keys, serials and what derives from them change on every run. Dates are
# relative to now, or to KUBEFS_NOW=<epoch> when set, so that `.expiry` always
# shows valid, expiring, expired and not-yet-valid certificates, and two runs
# with the same KUBEFS_NOW give the same file names. Re-running replaces the
# output. Needs only openssl, coreutils and python3 (to bind UNIX sockets).
# Never commit the output: it holds private keys.

set -euo pipefail
umask 022

prog=${0##*/}
die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$here/nodes}
NOW=${KUBEFS_NOW:-$(date -u +%s)}
case $NOW in '' | *[!0-9]*) die "KUBEFS_NOW must be seconds since the epoch, not '$NOW'" ;; esac
DAY=86400

command -v openssl >/dev/null || die "openssl not found"
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=$(command -v python3) || die "python3 not found"

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
[ "$OUT" != / ] || die "refusing to write into /"
STAGE=$(mktemp -d "$OUT/.make-nodes.XXXXXX")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/make-nodes.XXXXXX")
trap 'rm -rf "$STAGE" "$WORK"' EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- helpers ---

# The openssl configuration for `req` (CSRs) and `ca` (signing with exact
# dates, serials and extensions). $CADIR is one scratch CA database per
# certificate.
CNF=$WORK/openssl.cnf
cat > "$CNF" <<'EOF'
[ ca ]
default_ca = scratch
[ scratch ]
database = $ENV::CADIR/index.txt
new_certs_dir = $ENV::CADIR
serial = $ENV::CADIR/serial
default_md = sha256
policy = anything
unique_subject = no
email_in_dn = no
copy_extensions = none
[ anything ]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = optional
[ req ]
distinguished_name = dn
string_mask = utf8only
prompt = no
[ dn ]
EOF

# asn1time EPOCH: the form `openssl ca -startdate/-enddate` takes.
asn1time() { TZ=UTC0 printf '%(%Y%m%d%H%M%S)TZ\n' "$1"; }

# serial: a random positive serial of $SERIAL_BYTES bytes (8 = Go's 63-bit
# serials as kubeadm and client-go make them, 20 = cfssl), never with a
# leading zero byte.
SERIAL_BYTES=8
serial() {
	local h='' n
	if [ -n "${SRANDOM:-}" ]; then
		while [ ${#h} -lt $((SERIAL_BYTES * 2)) ]; do h+=$(printf '%08x' "$SRANDOM"); done
		h=${h:0:$((SERIAL_BYTES * 2))}
	else
		h=$(openssl rand -hex "$SERIAL_BYTES")
	fi
	n=$((0x${h:0:1} & 7))
	[ "$n" -ne 0 ] || n=1
	printf '%x%s\n' "$n" "${h:1}"
}

# genkey rsa|ec FILE...: private keys in the traditional PEM forms kubeadm,
# cfssl and the kubelet write (RSA PRIVATE KEY, EC PRIVATE KEY), mode 0600.
# RSA keys are generated in parallel: they are most of the run time.
genkey() {
	local type=$1 f pids=()
	shift
	for f in "$@"; do
		mkdir -p "$(dirname "$f")"
		case $type in
		rsa) (umask 077; openssl genrsa -traditional -out "$f" 2048 2>/dev/null) & pids+=($!) ;;
		ec) (umask 077; openssl ecparam -name prime256v1 -genkey -noout -out "$f") ;;
		*) die "genkey: unknown key type $type" ;;
		esac
	done
	for f in "${pids[@]}"; do wait "$f" || die "openssl genrsa failed"; done
	chmod 600 "$@"
}

# sign KEY SUBJECT NOTBEFORE NOTAFTER EXTENSIONS OUT [CA_CRT CA_KEY]
# Issue a certificate for KEY with exactly these dates (epochs) and
# extensions (openssl x509v3 config lines, in the order Go writes them:
# keyUsage, extendedKeyUsage, basicConstraints, SKI, AKI, SAN); self-signed
# without CA_CRT. The subject keeps its order (Go's: C ST L O OU CN).
sign() {
	local key=$1 subj=$2 nb=$3 na=$4 ext=$5 out=$6 cacrt=${7:-} cakey=${8:-}
	local d=$WORK/ca.$BASHPID issuer
	[ -d "$d" ] || mkdir "$d"
	: > "$d/index.txt"
	serial > "$d/serial"
	printf '[ext]\n%s\n' "$ext" > "$d/ext.cnf"
	if [ -n "$cacrt" ]; then
		issuer=(-cert "$cacrt" -keyfile "$cakey")
	else
		issuer=(-selfsign -keyfile "$key")
	fi
	[ -d "${out%/*}" ] || mkdir -p "${out%/*}"
	if ! CADIR=$d openssl req -new -config "$CNF" -key "$key" -subj "$subj" \
			-out "$d/req.csr" 2>"$d/err" ||
	   ! CADIR=$d openssl ca -batch -config "$CNF" "${issuer[@]}" -in "$d/req.csr" \
			-out "$out" -startdate "$(asn1time "$nb")" -enddate "$(asn1time "$na")" \
			-extfile "$d/ext.cnf" -extensions ext -notext -preserveDN -md sha256 \
			2>>"$d/err"; then
		cat "$d/err" >&2
		die "cannot issue $out ($subj)"
	fi
}

# Extension sets, as Go's crypto/x509 writes them for kubeadm and client-go.
ext_ca() { # SAN
	printf '%s\n' 'keyUsage = critical, digitalSignature, keyEncipherment, keyCertSign' \
		'basicConstraints = critical, CA:TRUE' 'subjectKeyIdentifier = hash' \
		"subjectAltName = $1"
}
ext_leaf() { # EKU [SAN]
	printf '%s\n' 'keyUsage = critical, digitalSignature, keyEncipherment' \
		"extendedKeyUsage = $1" 'basicConstraints = critical, CA:FALSE' \
		'subjectKeyIdentifier = none' 'authorityKeyIdentifier = keyid'
	[ -z "${2:-}" ] || printf 'subjectAltName = %s\n' "$2"
}

b64() { base64 -w0 < "$1"; }
b64ln() { base64 -w0 < "$1"; echo; }
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
randhex() { openssl rand -hex "$1"; }

# jwt ISS SUB NAMESPACE NAME: a service-account-token-shaped JWT (the
# signature is random bytes: it only has to look and parse like one).
jwt() {
	local hdr body
	hdr=$(printf '{"alg":"RS256","kid":"%s"}' "$(openssl rand 32 | b64url)" | b64url)
	body=$(printf '{"aud":["%s"],"exp":%d,"iat":%d,"iss":"%s","kubernetes.io":{"namespace":"%s","serviceaccount":{"name":"%s","uid":"%s"}},"nbf":%d,"sub":"%s"}' \
		"$1" $((NOW + 365 * DAY)) $((NOW - 30 * DAY)) "$1" "$3" "$4" "$(uuid)" \
		$((NOW - 30 * DAY)) "$2" | b64url)
	printf '%s.%s.%s\n' "$hdr" "$body" "$(openssl rand 256 | b64url)"
}

uuid() {
	local h
	h=$(randhex 16)
	printf '%s-%s-4%s-a%s-%s\n' "${h:0:8}" "${h:8:4}" "${h:13:3}" "${h:17:3}" "${h:20:12}"
}

# put MODE FILE: write stdin to FILE (creating its directory) with MODE.
put() {
	mkdir -p "$(dirname "$2")"
	cat > "$2"
	chmod "$1" "$2"
}

# socket PATH: a UNIX socket, bound and closed, as a live kubelet leaves it.
# Bound by relative name so that a long OUTDIR does not hit sun_path's limit.
socket() {
	mkdir -p "$(dirname "$1")"
	(cd "$(dirname "$1")" && "$PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.close()' "$(basename "$1")") || die "cannot create socket $1"
}

# keyline PEMFILE: a line of base64 from the private part of the file's key
# (the first body line of an EC key holds the private scalar, the second to
# last of an RSA key the CRT coefficient), for the .secrets list: if a view
# ever prints the key, it prints this line.
keyline() {
	awk '/-----BEGIN .*PRIVATE KEY-----/ { k = 1; n = 0; ec = /EC / ; next }
	     /-----END .*PRIVATE KEY-----/ { k = 0; print (ec ? l[1] : l[n - 1]); exit }
	     k { l[++n] = $0 }' "$1"
}

# mtime EPOCH FILE...: files keep the time their writer made them.
mtime() { local t=$1; shift; touch -h -d "@$t" "$@"; }

# Common files outside the Kubernetes locations: kubefs must not show them
# unless asked (--all).
base_os() { # ROOT HOSTNAME
	local r=$1
	printf '%s\n' "$2" | put 644 "$r/etc/hostname"
	put 644 "$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin
messagebus:x:100:102::/nonexistent:/usr/sbin/nologin
sshd:x:105:65534::/run/sshd:/usr/sbin/nologin
ubuntu:x:1000:1000:Ubuntu:/home/ubuntu:/bin/bash
etcd:x:999:999:etcd user:/var/lib/etcd:/usr/sbin/nologin
EOF
	put 640 "$r/etc/shadow" <<'EOF'
root:*:19800:0:99999:7:::
daemon:*:19800:0:99999:7:::
ubuntu:$y$j9T$Fq4n3WmR0vV8u1kXo2Zp4.$4cJ8bJm7eL3u2sQe9Wc1oH5lV0aKxN6dTg8rY2pZ/u1:19800:0:99999:7:::
EOF
	put 640 "$r/var/log/syslog" <<EOF
Nov 20 06:25:01 $2 systemd[1]: Started kubelet.service - kubelet: The Kubernetes Node Agent.
Nov 20 06:25:02 $2 kubelet[1187]: I1120 06:25:02.118377    1187 server.go:487] "Kubelet version" kubeletVersion="v1.30.6"
Nov 20 06:25:02 $2 kubelet[1187]: I1120 06:25:02.140519    1187 certificate_store.go:130] Loading cert/key pair from "/var/lib/kubelet/pki/kubelet-client-current.pem".
Nov 20 06:25:03 $2 containerd[812]: time="2025-11-20T06:25:03.118377Z" level=info msg="StartContainer for \\"kube-apiserver\\" returns successfully"
EOF
}

# --------------------------------------------------------------- kubeadm ---

# A kubeadm v1.30 control-plane node on Ubuntu 22.04 (merged /usr), deb
# packages from pkgs.k8s.io, containerd, calico, dual-stack. The cluster was
# initialised 400 days ago; most certificates were renewed 60 days ago
# (`kubeadm upgrade apply`); front-proxy-client.crt missed that renewal and
# expires in 20 days; etcd/healthcheck-client.crt (unused since the etcd
# probes went to plain HTTP) expired 35 days ago; the kubelet's self-signed
# serving certificate was made while the clock ran 3 days fast (first boot,
# before NTP) and is not valid yet. The kubelet rotated its client
# certificate 108 days ago; the bootstrap one is still there, expired.
make_kubeadm() {
	local R=$STAGE/kubeadm S=$STAGE/kubeadm.secrets
	local P=$R/etc/kubernetes/pki K=$R/etc/kubernetes
	local node=k8s-cp-1 ip=10.0.0.10 ip6=fd00:10::10 cpe=k8s-api.example.internal
	local tinit=$((NOW - 400 * DAY)) tren=$((NOW - 60 * DAY)) tfp=$((NOW - 345 * DAY))
	local tboot=$((NOW - 400 * DAY + 120)) trot=$((NOW - 108 * DAY)) tskew=$((NOW + 3 * DAY))
	local ca10=$((3650 * DAY)) y1=$((365 * DAY)) bd=300
	local f

	mkdir -p "$R"
	: > "$S"
	for f in bin sbin lib; do ln -s "usr/$f" "$R/$f"; done
	mkdir -p "$R/usr/bin" "$R/usr/sbin" "$R/usr/lib/systemd/system"
	base_os "$R" "$node"

	# --- /etc/kubernetes/pki: RSA 2048 everywhere (kubeadm's default
	# encryptionAlgorithm); kubeadm writes keys as PKCS#1, 0600.
	genkey rsa "$P"/{ca,apiserver,apiserver-kubelet-client,apiserver-etcd-client,front-proxy-ca,front-proxy-client,sa}.key \
		"$P"/etcd/{ca,server,peer,healthcheck-client}.key \
		"$WORK"/kubeadm-{admin,super-admin,controller-manager,scheduler}.key
	sign "$P/ca.key" /CN=kubernetes $((tinit - bd)) $((tinit + ca10)) "$(ext_ca DNS:kubernetes)" "$P/ca.crt"
	sign "$P/front-proxy-ca.key" /CN=front-proxy-ca $((tinit - bd)) $((tinit + ca10)) \
		"$(ext_ca DNS:front-proxy-ca)" "$P/front-proxy-ca.crt"
	sign "$P/etcd/ca.key" /CN=etcd-ca $((tinit - bd)) $((tinit + ca10)) "$(ext_ca DNS:etcd-ca)" "$P/etcd/ca.crt"
	mtime "$tinit" "$P"/{ca,front-proxy-ca,etcd/ca,sa}.* 2>/dev/null || true

	local ca=("$P/ca.crt" "$P/ca.key") eca=("$P/etcd/ca.crt" "$P/etcd/ca.key")
	sign "$P/apiserver.key" /CN=kube-apiserver $((tren - bd)) $((tren + y1)) \
		"$(ext_leaf serverAuth "DNS:$node, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, DNS:$cpe, IP:10.96.0.1, IP:$ip, IP:$ip6")" \
		"$P/apiserver.crt" "${ca[@]}"
	sign "$P/apiserver-kubelet-client.key" /O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client \
		$((tren - bd)) $((tren + y1)) "$(ext_leaf clientAuth)" "$P/apiserver-kubelet-client.crt" "${ca[@]}"
	sign "$P/front-proxy-client.key" /CN=front-proxy-client $((tfp - bd)) $((tfp + y1)) \
		"$(ext_leaf clientAuth)" "$P/front-proxy-client.crt" "$P/front-proxy-ca.crt" "$P/front-proxy-ca.key"
	sign "$P/apiserver-etcd-client.key" /CN=kube-apiserver-etcd-client $((tren - bd)) $((tren + y1)) \
		"$(ext_leaf clientAuth)" "$P/apiserver-etcd-client.crt" "${eca[@]}"
	for f in server peer; do
		sign "$P/etcd/$f.key" "/CN=$node" $((tren - bd)) $((tren + y1)) \
			"$(ext_leaf 'serverAuth, clientAuth' "DNS:$node, DNS:localhost, IP:$ip, IP:127.0.0.1, IP:::1")" \
			"$P/etcd/$f.crt" "${eca[@]}"
	done
	sign "$P/etcd/healthcheck-client.key" /CN=kube-etcd-healthcheck-client $((tinit - bd)) $((tinit + y1)) \
		"$(ext_leaf clientAuth)" "$P/etcd/healthcheck-client.crt" "${eca[@]}"
	openssl rsa -in "$P/sa.key" -pubout -out "$P/sa.pub" 2>/dev/null
	chmod 600 "$P/sa.pub"   # kubeadm writes the public half with keyutil.WriteKey: 0600
	mtime "$tren" "$P"/{apiserver,apiserver-kubelet-client,apiserver-etcd-client}.* "$P"/etcd/{server,peer}.*
	mtime "$tfp" "$P"/front-proxy-client.*
	mtime "$tinit" "$P"/etcd/healthcheck-client.* "$P"/sa.*
	for f in "$P"/*.key "$P"/etcd/*.key; do keyline "$f" >> "$S"; done

	# --- kubeconfigs: embedded data, 0600; kubelet.conf points at the
	# rotating client certificate.
	local W=$WORK/kubeadm-
	sign "${W}admin.key" /O=kubeadm:cluster-admins/CN=kubernetes-admin $((tren - bd)) $((tren + y1)) \
		"$(ext_leaf clientAuth)" "${W}admin.crt" "${ca[@]}"
	sign "${W}super-admin.key" /O=system:masters/CN=kubernetes-super-admin $((tren - bd)) $((tren + y1)) \
		"$(ext_leaf clientAuth)" "${W}super-admin.crt" "${ca[@]}"
	sign "${W}controller-manager.key" /CN=system:kube-controller-manager $((tren - bd)) $((tren + y1)) \
		"$(ext_leaf clientAuth)" "${W}controller-manager.crt" "${ca[@]}"
	sign "${W}scheduler.key" /CN=system:kube-scheduler $((tren - bd)) $((tren + y1)) \
		"$(ext_leaf clientAuth)" "${W}scheduler.crt" "${ca[@]}"
	kubeadm_kubeconfig "$K/admin.conf" "https://$cpe:6443" kubernetes-admin "${W}admin"
	kubeadm_kubeconfig "$K/super-admin.conf" "https://$cpe:6443" kubernetes-super-admin "${W}super-admin"
	kubeadm_kubeconfig "$K/controller-manager.conf" "https://$ip:6443" system:kube-controller-manager "${W}controller-manager"
	kubeadm_kubeconfig "$K/scheduler.conf" "https://$ip:6443" system:kube-scheduler "${W}scheduler"
	for f in admin super-admin controller-manager scheduler; do b64ln "${W}$f.key"; done >> "$S"
	put 600 "$K/kubelet.conf" <<EOF
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: $(b64 "$P/ca.crt")
    server: https://$cpe:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: system:node:$node
  name: system:node:$node@kubernetes
current-context: system:node:$node@kubernetes
kind: Config
preferences: {}
users:
- name: system:node:$node
  user:
    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem
    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem
EOF

	# --- the admin's kubeadm config (a bootstrap token and the certificate
	# key in the clear) and the encryption-at-rest config it enables.
	local btok certkey enckey
	btok=$(randhex 3).$(randhex 8)
	certkey=$(randhex 32)
	enckey=$(openssl rand -base64 32)
	printf '%s\n%s\n%s\n' "$btok" "$certkey" "$enckey" >> "$S"
	kubeadm_config "$btok" "$certkey" | put 600 "$K/kubeadm-config.yaml"
	put 600 "$K/enc/encryption-config.yaml" <<EOF
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources:
      - secrets
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: $enckey
      - identity: {}
EOF
	chmod 700 "$K/enc"

	# --- static pods (0600 in a 0700 directory, as kubeadm writes them)
	mkdir -p "$K/manifests"
	chmod 700 "$K/manifests"
	kubeadm_manifests "$K/manifests" "$node" "$ip"
	chmod 600 "$K"/manifests/*.yaml

	# A backup taken before the last upgrade: same files, but not a
	# Kubernetes location (kubefs must not show etc/kubernetes.bak).
	mkdir -p "$R/etc/kubernetes.bak"
	cp -p "$K/admin.conf" "$R/etc/kubernetes.bak/admin.conf"

	# --- /var/lib/kubelet
	local L=$R/var/lib/kubelet
	kubelet_config | put 644 "$L/config.yaml"
	# Go %q quoting, as kubeadm writes it; no --node-ip here: the admin
	# tried to set it with a drop-in (see 20-node-ip.conf).
	printf 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9"\n' |
		put 644 "$L/kubeadm-flags.env"
	kubelet_pki "$L/pki" "$node" "$ip" "$tboot" "$trot" "$tskew" "${ca[@]}" "$S"
	kubelet_state "$L"
	mkdir -p "$L"/{plugins,plugins_registry,pods,checkpoints}

	# --- systemd: the units as the pkgs.k8s.io deb packages ship them
	# (kubelet.service; kubeadm's 10-kubeadm.conf with /etc/sysconfig
	# rewritten to /etc/default), an admin's drop-in in /etc, and
	# /etc/default/kubelet. The drop-in's Environment= is overridden by
	# EnvironmentFile=/etc/default/kubelet, which sets the same variable:
	# the effective command line has no --node-ip (systemd.exec(5)).
	put 644 "$R/usr/lib/systemd/system/kubelet.service" <<'EOF'
[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
EOF
	put 644 "$R/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf" <<'EOF'
# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort. Preferably, the user should use
# the .NodeRegistration.KubeletExtraArgs object in the configuration files instead. KUBELET_EXTRA_ARGS should be sourced from this file.
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
EOF
	put 644 "$R/etc/systemd/system/kubelet.service.d/20-node-ip.conf" <<'EOF'
# Pin the node IP: eth0 is the cluster network, eth1 the storage network.
[Service]
Environment="KUBELET_EXTRA_ARGS=--node-ip=10.0.0.10"
EOF
	put 644 "$R/etc/default/kubelet" <<'EOF'
KUBELET_EXTRA_ARGS="--node-labels=node.kubernetes.io/pool=infra,topology.kubernetes.io/zone=eu-west-1a --v=2"
EOF
	put 644 "$R/usr/lib/systemd/system/containerd.service" <<'EOF'
[Unit]
Description=containerd container runtime
Documentation=https://containerd.io
After=network.target local-fs.target dbus.service

[Service]
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/bin/containerd

Type=notify
Delegate=yes
KillMode=process
Restart=always
RestartSec=5

# Having non-zero Limit*s causes performance problems due to accounting overhead
# in the kernel. We recommend using cgroups to do container-local accounting.
LimitNPROC=infinity
LimitCORE=infinity

# Comment TasksMax if your systemd version does not supports it.
# Only systemd 226 and above support this version.
TasksMax=infinity
OOMScoreAdjust=-999

[Install]
WantedBy=multi-user.target
EOF
	mkdir -p "$R/etc/systemd/system/multi-user.target.wants"
	ln -s /usr/lib/systemd/system/kubelet.service "$R/etc/systemd/system/multi-user.target.wants/kubelet.service"
	ln -s /usr/lib/systemd/system/containerd.service "$R/etc/systemd/system/multi-user.target.wants/containerd.service"

	# --- container runtime and CNI
	# containerd 1.7's `containerd config default` (version 2), trimmed, as
	# kubeadm's docs have it edited: SystemdCgroup = true; a private
	# registry's credentials (secret: the password and auth).
	local regpw regauth
	regpw=$(randhex 12)
	regauth=$(printf 'puller:%s' "$regpw" | base64 -w0)
	printf '%s\n' "$regpw" "$regauth" >> "$S"
	put 644 "$R/etc/containerd/config.toml" <<EOF
disabled_plugins = []
imports = ["/etc/containerd/conf.d/*.toml"]
oom_score = 0
root = "/var/lib/containerd"
state = "/run/containerd"
version = 2

[grpc]
  address = "/run/containerd/containerd.sock"
  max_recv_message_size = 16777216
  max_send_message_size = 16777216

[plugins]
  [plugins."io.containerd.gc.v1.scheduler"]
    pause_threshold = 0.02
    schedule_delay = "0s"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "registry.k8s.io/pause:3.9"
    [plugins."io.containerd.grpc.v1.cri".registry.configs."registry.example.internal:5000".auth]
      username = "puller"
      password = "$regpw"
      auth = "$regauth"
    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes]
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
          runtime_type = "io.containerd.runc.v2"
          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
            SystemdCgroup = true
    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = "/etc/containerd/certs.d"
EOF
	put 644 "$R/etc/containerd/conf.d/10-metrics.toml" <<'EOF'
version = 2
[metrics]
  address = "127.0.0.1:1338"
EOF
	put 644 "$R/etc/containerd/certs.d/docker.io/hosts.toml" <<'EOF'
server = "https://registry-1.docker.io"

[host."https://mirror.example.internal:5000"]
  capabilities = ["pull", "resolve"]
EOF
	put 644 "$R/etc/crictl.yaml" <<'EOF'
runtime-endpoint: unix:///run/containerd/containerd.sock
image-endpoint: unix:///run/containerd/containerd.sock
timeout: 10
debug: false
EOF
	kubeadm_calico "$R/etc/cni/net.d" "$node" "$P/ca.crt" "$S"

	# --- kubectl users: root's config holds several clusters and every
	# kind of user; ubuntu's is the admin.conf copy kubeadm init suggests.
	kubeadm_root_kubeconfig "$R/root/.kube/config" "$cpe" "${W}admin" "$P/ca.crt" "$S"
	chmod 700 "$R/root"
	mkdir -p "$R/home/ubuntu/.kube"
	cp "$K/admin.conf" "$R/home/ubuntu/.kube/config"
	chmod 600 "$R/home/ubuntu/.kube/config"
	chmod 750 "$R/home/ubuntu"
	if [ "$(id -u)" = 0 ]; then chown -R 1000:1000 "$R/home/ubuntu"; fi
}

# kubeadm_kubeconfig FILE SERVER USER CERTBASE: a kubeconfig as kubeadm writes it.
kubeadm_kubeconfig() {
	put 600 "$1" <<EOF
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: $(b64 "$STAGE/kubeadm/etc/kubernetes/pki/ca.crt")
    server: $2
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: $3
  name: $3@kubernetes
current-context: $3@kubernetes
kind: Config
preferences: {}
users:
- name: $3
  user:
    client-certificate-data: $(b64 "$4.crt")
    client-key-data: $(b64 "$4.key")
EOF
}

kubeadm_config() { # BOOTSTRAP_TOKEN CERTIFICATE_KEY
	cat <<EOF
# kubeadm init --config /etc/kubernetes/kubeadm-config.yaml --upload-certs
apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
bootstrapTokens:
- groups:
  - system:bootstrappers:kubeadm:default-node-token
  token: $1
  ttl: 24h0m0s
  usages:
  - signing
  - authentication
certificateKey: $2
localAPIEndpoint:
  advertiseAddress: 10.0.0.10
  bindPort: 6443
nodeRegistration:
  criSocket: unix:///var/run/containerd/containerd.sock
  imagePullPolicy: IfNotPresent
  name: k8s-cp-1
  taints:
  - effect: NoSchedule
    key: node-role.kubernetes.io/control-plane
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
apiServer:
  certSANs:
  - fd00:10::10
  extraArgs:
    encryption-provider-config: /etc/kubernetes/enc/encryption-config.yaml
  extraVolumes:
  - hostPath: /etc/kubernetes/enc
    mountPath: /etc/kubernetes/enc
    name: encryption-config
    pathType: DirectoryOrCreate
    readOnly: true
clusterName: kubernetes
controlPlaneEndpoint: k8s-api.example.internal:6443
kubernetesVersion: v1.30.6
networking:
  dnsDomain: cluster.local
  podSubnet: 192.168.0.0/16,fd00:10:244::/56
  serviceSubnet: 10.96.0.0/12,fd00:10:96::/112
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
cpuManagerPolicy: static
memoryManagerPolicy: Static
reservedMemory:
- limits:
    memory: 1124Mi
  numaNode: 0
reservedSystemCPUs: "0"
systemReserved:
  memory: 1Gi
EOF
}

# The KubeletConfiguration kubeadm v1.30 writes (defaults it leaves to the
# kubelet appear as 0s), with the admin's static CPU and memory managers.
kubelet_config() {
	cat <<'EOF'
apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: ""
cpuManagerPolicy: static
cpuManagerReconcilePeriod: 0s
evictionPressureTransitionPeriod: 0s
fileCheckFrequency: 0s
healthzBindAddress: 127.0.0.1
healthzPort: 10248
httpCheckFrequency: 0s
imageMaximumGCAge: 0s
imageMinimumGCAge: 0s
kind: KubeletConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
memoryManagerPolicy: Static
memorySwap: {}
nodeStatusReportFrequency: 0s
nodeStatusUpdateFrequency: 0s
reservedMemory:
- limits:
    memory: 1124Mi
  numaNode: 0
reservedSystemCPUs: "0"
resolvConf: /run/systemd/resolve/resolv.conf
rotateCertificates: true
runtimeRequestTimeout: 0s
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
syncFrequency: 0s
systemReserved:
  memory: 1Gi
volumeStatsAggPeriod: 0s
EOF
}

# kubelet_pki DIR NODE IP TBOOT TROT TSKEW CA_CRT CA_KEY SECRETS
# The kubelet's client certificates (ECDSA P-256 from its CSR, signed by the
# cluster CA with the controller-manager's 5-minute backdate; cert then key
# in one file, 0600; a new file per rotation; an absolute symlink to the
# current one) and its self-signed serving pair (RSA, a 2-certificate chain:
# the leaf then its own throwaway CA).
kubelet_pki() {
	local d=$1 node=$2 ip=$3 tboot=$4 trot=$5 tskew=$6 cacrt=$7 cakey=$8 S=$9
	local t name ext
	ext=$(printf '%s\n' 'keyUsage = critical, digitalSignature' 'extendedKeyUsage = clientAuth' \
		'basicConstraints = critical, CA:FALSE' 'subjectKeyIdentifier = none' 'authorityKeyIdentifier = keyid')
	mkdir -p "$d"
	for t in "$tboot" "$trot"; do
		name=kubelet-client-$(date -u -d "@$t" +%Y-%m-%d-%H-%M-%S).pem
		genkey ec "$WORK/kc.key"
		sign "$WORK/kc.key" "/O=system:nodes/CN=system:node:$node" $((t - 300)) $((t + 365 * DAY)) \
			"$ext" "$WORK/kc.crt" "$cacrt" "$cakey"
		cat "$WORK/kc.crt" "$WORK/kc.key" | put 600 "$d/$name"
		keyline "$d/$name" >> "$S"
		mtime "$t" "$d/$name"
	done
	ln -s "/var/lib/kubelet/pki/$name" "$d/kubelet-client-current.pem"
	mtime "$trot" "$d/kubelet-client-current.pem"

	local cn=$node@$tskew
	genkey rsa "$WORK/ks-ca.key" "$d/kubelet.key"
	sign "$WORK/ks-ca.key" "/CN=$node-ca@$tskew" $((tskew - 3600)) $((tskew - 3600 + 365 * DAY)) \
		"$(printf '%s\n' 'keyUsage = critical, digitalSignature, keyEncipherment, keyCertSign' \
			'basicConstraints = critical, CA:TRUE' 'subjectKeyIdentifier = hash')" "$WORK/ks-ca.crt"
	sign "$d/kubelet.key" "/CN=$cn" $((tskew - 3600)) $((tskew - 3600 + 365 * DAY)) \
		"$(ext_leaf serverAuth "DNS:$node")" "$WORK/ks.crt" "$WORK/ks-ca.crt" "$WORK/ks-ca.key"
	cat "$WORK/ks.crt" "$WORK/ks-ca.crt" | put 644 "$d/kubelet.crt"
	keyline "$d/kubelet.key" >> "$S"
	mtime "$tskew" "$d/kubelet.crt" "$d/kubelet.key"
}

# kubelet_state DIR: checkpoint files (single-line JSON, no final newline,
# 0600) for the static CPU manager, the static memory manager and a GPU
# device plugin, and the kubelet's sockets.
kubelet_state() {
	local L=$1
	local pod=6f1c2a9e-3b7d-4e21-9c5a-0d8e4f7a1b23 gpupod=a3e5b7c9-1d2f-4a6b-8c0e-2f4a6b8c0d1e
	printf '{"policyName":"static","defaultCpuSet":"0,3-5,7","entries":{"%s":{"trader":"1-2"},"%s":{"cuda":"6"}},"checksum":3591318427}' \
		"$pod" "$gpupod" | put 600 "$L/cpu_manager_state"
	printf '{"policyName":"Static","machineState":{"0":{"numberOfAssignments":2,"memoryMap":{"hugepages-1Gi":{"total":0,"systemReserved":0,"allocatable":0,"reserved":0,"free":0},"hugepages-2Mi":{"total":0,"systemReserved":0,"allocatable":0,"reserved":0,"free":0},"memory":{"total":16777216000,"systemReserved":1178599424,"allocatable":15598616576,"reserved":6442450944,"free":9156165632}},"cells":[0]}},"entries":{"%s":{"trader":[{"numaAffinity":[0],"type":"memory","size":4294967296}]},"%s":{"cuda":[{"numaAffinity":[0],"type":"memory","size":2147483648}]}},"checksum":1920546745}' \
		"$pod" "$gpupod" | put 600 "$L/memory_manager_state"
	# AllocResp: a ContainerAllocateResponse protobuf with
	# envs{NVIDIA_VISIBLE_DEVICES: GPU-...}, base64 as encoding/json writes []byte.
	printf '{"Data":{"PodDeviceEntries":[{"PodUID":"%s","ContainerName":"cuda","ResourceName":"nvidia.com/gpu","DeviceIDs":{"0":["GPU-8f3a2c1d-5e6b-4f70-9a81-b2c3d4e5f607"]},"AllocResp":"CkIKFk5WSURJQV9WSVNJQkxFX0RFVklDRVMSKEdQVS04ZjNhMmMxZC01ZTZiLTRmNzAtOWE4MS1iMmMzZDRlNWY2MDc="}],"RegisteredDevices":{"nvidia.com/gpu":["GPU-8f3a2c1d-5e6b-4f70-9a81-b2c3d4e5f607","GPU-1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b"]}},"Checksum":2785064185}' \
		"$gpupod" | put 600 "$L/device-plugins/kubelet_internal_checkpoint"
	chmod 750 "$L/device-plugins"
	socket "$L/device-plugins/kubelet.sock"
	socket "$L/pod-resources/kubelet.sock"
}

kubeadm_calico() { # DIR NODE CA_CRT SECRETS
	local tok
	tok=$(jwt https://kubernetes.default.svc.cluster.local system:serviceaccount:kube-system:calico-cni-plugin \
		kube-system calico-cni-plugin)
	printf '%s\n' "$tok" >> "$4"
	put 644 "$1/10-calico.conflist" <<EOF
{
  "name": "k8s-pod-network",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "calico",
      "log_level": "info",
      "log_file_path": "/var/log/calico/cni/cni.log",
      "datastore_type": "kubernetes",
      "nodename": "$2",
      "mtu": 0,
      "ipam": {
          "type": "calico-ipam",
          "assign_ipv4": "true",
          "assign_ipv6": "true"
      },
      "policy": {
          "type": "k8s"
      },
      "kubernetes": {
          "kubeconfig": "/etc/cni/net.d/calico-kubeconfig"
      }
    },
    {
      "type": "portmap",
      "snat": true,
      "capabilities": {"portMappings": true}
    },
    {
      "type": "bandwidth",
      "capabilities": {"bandwidth": true}
    }
  ]
}
EOF
	put 600 "$1/calico-kubeconfig" <<EOF
# Kubeconfig file for Calico CNI plugin. Installed by calico/node.
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://10.96.0.1:443
    certificate-authority-data: "$(b64 "$3")"
users:
- name: calico
  user:
    token: $tok
contexts:
- name: calico-context
  context:
    cluster: local
    user: calico
current-context: calico-context
EOF
}

# root's ~/.kube/config: this cluster's admin, a staging cluster with a
# service-account token, an EKS cluster with an exec plugin (and a secret in
# its env), an OIDC auth-provider user, and a legacy basic-auth user.
kubeadm_root_kubeconfig() { # FILE CPE ADMINBASE CA_CRT SECRETS
	local S=$5 w=$WORK/rootkc tok awssecret idtok reftok clsecret pass
	genkey ec "$w-staging.key" "$w-eks.key"
	sign "$w-staging.key" /CN=staging-ca $((NOW - 200 * DAY)) $((NOW + 3450 * DAY)) \
		"$(ext_ca DNS:staging-ca)" "$w-staging.crt"
	sign "$w-eks.key" /CN=kubernetes $((NOW - 90 * DAY)) $((NOW + 3560 * DAY)) \
		"$(ext_ca DNS:kubernetes)" "$w-eks.crt"
	tok=$(jwt https://kubernetes.default.svc.cluster.local system:serviceaccount:ci:deployer ci deployer)
	awssecret=$(openssl rand -base64 30)
	idtok=$(printf '{"alg":"RS256","kid":"%s"}' "$(randhex 20)" | b64url).$(printf '{"iss":"https://dex.example.com","sub":"Cgdqb2huZG9lEgRsZGFw","aud":"kubernetes","exp":%d,"iat":%d,"email":"jane@example.com","groups":["dev"]}' $((NOW + 3600)) "$NOW" | b64url).$(openssl rand 256 | b64url)
	reftok=Chl$(openssl rand 30 | b64url)
	clsecret=ZXhhbXBsZS1hcHAtc2VjcmV0-$(randhex 8)
	pass=$(openssl rand -base64 18)
	printf '%s\n' "$tok" "$awssecret" "$idtok" "$reftok" "$clsecret" "$pass" >> "$S"
	put 600 "$1" <<EOF
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: $(b64 "$w-eks.crt")
    server: https://3F2A9C41B7E05D6A8E1F0B2C4D6E8A0B.gr7.eu-west-1.eks.amazonaws.com
  name: arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu-west-1
- cluster:
    certificate-authority-data: $(b64 "$4")
    server: https://$2:6443
  name: kubernetes
- cluster:
    insecure-skip-tls-verify: true
    server: https://192.168.56.10:6443
  name: legacy
- cluster:
    certificate-authority-data: $(b64 "$w-staging.crt")
    server: https://staging-api.example.com:6443
  name: staging
contexts:
- context:
    cluster: arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu-west-1
    user: arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu-west-1
  name: arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu-west-1
- context:
    cluster: staging
    namespace: team-a
    user: oidc-jane
  name: dev-oidc
- context:
    cluster: kubernetes
    user: kubernetes-admin
  name: kubernetes-admin@kubernetes
- context:
    cluster: legacy
    user: legacy-admin
  name: legacy
- context:
    cluster: staging
    namespace: ci
    user: ci-deployer
  name: staging
current-context: kubernetes-admin@kubernetes
kind: Config
preferences: {}
users:
- name: arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu-west-1
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - --region
      - eu-west-1
      - eks
      - get-token
      - --cluster-name
      - prod-eu-west-1
      - --output
      - json
      command: aws
      env:
      - name: AWS_PROFILE
        value: prod
      - name: AWS_SECRET_ACCESS_KEY
        value: $awssecret
      interactiveMode: IfAvailable
      provideClusterInfo: false
- name: ci-deployer
  user:
    token: $tok
- name: kubernetes-admin
  user:
    client-certificate-data: $(b64 "$3.crt")
    client-key-data: $(b64 "$3.key")
- name: legacy-admin
  user:
    password: $pass
    username: admin
- name: oidc-jane
  user:
    auth-provider:
      config:
        client-id: kubernetes
        client-secret: $clsecret
        id-token: $idtok
        idp-issuer-url: https://dex.example.com
        refresh-token: $reftok
      name: oidc
EOF
}

# static_pod NAME IMAGE ANNOTATION CPU MEMORY PROBE VOLUMES ARG...
# A control-plane static pod as kubeadm renders it (staticpodutil): keys
# sorted, probes on HOST:PORT, hostPath volumes mounted at the same path.
# PROBE is "HOST PORT SCHEME LIVEZ READYZ STARTZ" (READYZ - for none);
# VOLUMES is "name:path:type:ro|rw ..." in volumeMounts order (volumes are
# listed sorted by name).
static_pod() {
	local name=$1 image=$2 annot=$3 cpu=$4 mem=$5 probe=$6 vols=$7 a v
	local host port scheme live ready start vname vpath vtype vro
	shift 7
	read -r host port scheme live ready start <<< "$probe"
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n'
	[ -z "$annot" ] || printf '  annotations:\n    %s\n' "$annot"
	printf '  creationTimestamp: null\n  labels:\n    component: %s\n    tier: control-plane\n' "$name"
	printf '  name: %s\n  namespace: kube-system\nspec:\n  containers:\n  - command:\n    - %s\n' "$name" "$name"
	for a; do printf '    - %s\n' "$a"; done
	printf '    image: %s\n    imagePullPolicy: IfNotPresent\n' "$image"
	static_pod_probe livenessProbe 8 "$host" "$live" "$port" "$scheme"
	printf '    name: %s\n' "$name"
	[ "$ready" = - ] || static_pod_probe readinessProbe 3 "$host" "$ready" "$port" "$scheme"
	printf '    resources:\n      requests:\n        cpu: %s\n' "$cpu"
	[ -z "$mem" ] || printf '        memory: %s\n' "$mem"
	static_pod_probe startupProbe 24 "$host" "$start" "$port" "$scheme"
	printf '    volumeMounts:\n'
	for v in $vols; do
		IFS=: read -r vname vpath vtype vro <<< "$v"
		printf '    - mountPath: %s\n      name: %s\n' "$vpath" "$vname"
		[ "$vro" = rw ] || printf '      readOnly: true\n'
	done
	printf '  hostNetwork: true\n  priority: 2000001000\n  priorityClassName: system-node-critical\n'
	printf '  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n  volumes:\n'
	# shellcheck disable=SC2086 # $vols is a list
	for v in $(printf '%s\n' $vols | LC_ALL=C sort); do
		IFS=: read -r vname vpath vtype vro <<< "$v"
		printf '  - hostPath:\n      path: %s\n      type: %s\n    name: %s\n' "$vpath" "$vtype" "$vname"
	done
	printf 'status: {}\n'
}

static_pod_probe() { # KIND FAILURES HOST PATH PORT SCHEME
	printf '    %s:\n      failureThreshold: %s\n      httpGet:\n        host: %s\n        path: %s\n        port: %s\n        scheme: %s\n' \
		"$1" "$2" "$3" "$4" "$5" "$6"
	if [ "$1" = readinessProbe ]; then
		printf '      periodSeconds: 1\n'
	else
		printf '      initialDelaySeconds: 10\n      periodSeconds: 10\n'
	fi
	printf '      timeoutSeconds: 15\n'
}

kubeadm_manifests() { # DIR NODE IP
	local d=$1 node=$2 ip=$3 v=v1.30.6 pki=/etc/kubernetes/pki
	# volumes, in the name order kubeadm sorts them in (etcd's mounts excepted)
	local cacerts=ca-certs:/etc/ssl/certs:DirectoryOrCreate:ro
	local etcca=etc-ca-certificates:/etc/ca-certificates:DirectoryOrCreate:ro
	local certs=k8s-certs:$pki:DirectoryOrCreate:ro
	local share="usr-local-share-ca-certificates:/usr/local/share/ca-certificates:DirectoryOrCreate:ro
		usr-share-ca-certificates:/usr/share/ca-certificates:DirectoryOrCreate:ro"

	static_pod etcd registry.k8s.io/etcd:3.5.15-0 \
		"kubeadm.kubernetes.io/etcd.advertise-client-urls: https://$ip:2379" 100m 100Mi \
		"127.0.0.1 2381 HTTP /health?exclude=NOSPACE&serializable=true - /health?serializable=false" \
		"etcd-data:/var/lib/etcd:DirectoryOrCreate:rw etcd-certs:$pki/etcd:DirectoryOrCreate:rw" \
		--advertise-client-urls="https://$ip:2379" --cert-file=$pki/etcd/server.crt --client-cert-auth=true \
		--data-dir=/var/lib/etcd --experimental-initial-corrupt-check=true \
		--experimental-watch-progress-notify-interval=5s --initial-advertise-peer-urls="https://$ip:2380" \
		--initial-cluster="$node=https://$ip:2380" --key-file=$pki/etcd/server.key \
		--listen-client-urls="https://127.0.0.1:2379,https://$ip:2379" \
		--listen-metrics-urls=http://127.0.0.1:2381 --listen-peer-urls="https://$ip:2380" --name="$node" \
		--peer-cert-file=$pki/etcd/peer.crt --peer-client-cert-auth=true --peer-key-file=$pki/etcd/peer.key \
		--peer-trusted-ca-file=$pki/etcd/ca.crt --snapshot-count=10000 --trusted-ca-file=$pki/etcd/ca.crt \
		> "$d/etcd.yaml"

	static_pod kube-apiserver "registry.k8s.io/kube-apiserver:$v" \
		"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: $ip:6443" 250m "" \
		"$ip 6443 HTTPS /livez /readyz /livez" \
		"$cacerts encryption-config:/etc/kubernetes/enc:DirectoryOrCreate:ro $etcca $certs $share" \
		--advertise-address="$ip" --allow-privileged=true --authorization-mode=Node,RBAC \
		--client-ca-file=$pki/ca.crt --enable-admission-plugins=NodeRestriction \
		--enable-bootstrap-token-auth=true \
		--encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml \
		--etcd-cafile=$pki/etcd/ca.crt --etcd-certfile=$pki/apiserver-etcd-client.crt \
		--etcd-keyfile=$pki/apiserver-etcd-client.key --etcd-servers=https://127.0.0.1:2379 \
		--kubelet-client-certificate=$pki/apiserver-kubelet-client.crt \
		--kubelet-client-key=$pki/apiserver-kubelet-client.key \
		--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname \
		--proxy-client-cert-file=$pki/front-proxy-client.crt --proxy-client-key-file=$pki/front-proxy-client.key \
		--requestheader-allowed-names=front-proxy-client --requestheader-client-ca-file=$pki/front-proxy-ca.crt \
		--requestheader-extra-headers-prefix=X-Remote-Extra- --requestheader-group-headers=X-Remote-Group \
		--requestheader-username-headers=X-Remote-User --secure-port=6443 \
		--service-account-issuer=https://kubernetes.default.svc.cluster.local \
		--service-account-key-file=$pki/sa.pub --service-account-signing-key-file=$pki/sa.key \
		--service-cluster-ip-range=10.96.0.0/12,fd00:10:96::/112 \
		--tls-cert-file=$pki/apiserver.crt --tls-private-key-file=$pki/apiserver.key \
		> "$d/kube-apiserver.yaml"

	static_pod kube-controller-manager "registry.k8s.io/kube-controller-manager:$v" "" 200m "" \
		"127.0.0.1 10257 HTTPS /healthz - /healthz" \
		"$cacerts $etcca flexvolume-dir:/usr/libexec/kubernetes/kubelet-plugins/volume/exec:DirectoryOrCreate:rw $certs
		 kubeconfig:/etc/kubernetes/controller-manager.conf:FileOrCreate:ro $share" \
		--allocate-node-cidrs=true --authentication-kubeconfig=/etc/kubernetes/controller-manager.conf \
		--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf --bind-address=127.0.0.1 \
		--client-ca-file=$pki/ca.crt --cluster-cidr=192.168.0.0/16,fd00:10:244::/56 --cluster-name=kubernetes \
		--cluster-signing-cert-file=$pki/ca.crt --cluster-signing-key-file=$pki/ca.key \
		'--controllers=*,bootstrapsigner,tokencleaner' --kubeconfig=/etc/kubernetes/controller-manager.conf \
		--leader-elect=true --requestheader-client-ca-file=$pki/front-proxy-ca.crt --root-ca-file=$pki/ca.crt \
		--service-account-private-key-file=$pki/sa.key --service-cluster-ip-range=10.96.0.0/12,fd00:10:96::/112 \
		--use-service-account-credentials=true \
		> "$d/kube-controller-manager.yaml"

	static_pod kube-scheduler "registry.k8s.io/kube-scheduler:$v" "" 100m "" \
		"127.0.0.1 10259 HTTPS /healthz - /healthz" \
		"kubeconfig:/etc/kubernetes/scheduler.conf:FileOrCreate:ro" \
		--authentication-kubeconfig=/etc/kubernetes/scheduler.conf \
		--authorization-kubeconfig=/etc/kubernetes/scheduler.conf --bind-address=127.0.0.1 \
		--kubeconfig=/etc/kubernetes/scheduler.conf --leader-elect=true \
		> "$d/kube-scheduler.yaml"
}

# ---------------------------------------------------------------- kubeasz ---

# A kubeasz master+node (192.168.0.160): binaries in /opt/kube/bin, cfssl
# certificates (RSA 2048, C/ST/L/O/OU subjects, 20-byte serials, kubeasz's
# defaults of 100 years for the CA and 50 for the rest, so notAfter is a
# GeneralizedTime past 2050), kubectl-made kubeconfigs with embedded data,
# units rendered from kubeasz's templates, no drop-ins.
make_kubeasz() {
	local R=$STAGE/kubeasz S=$STAGE/kubeasz.secrets
	local D=$R/etc/kubernetes/ssl ip=192.168.0.160 bin=/opt/kube/bin
	local t=$((NOW - 500 * DAY)) nb na caext ext names='/C=CN/ST=HangZhou/L=XS'
	local f

	mkdir -p "$R"
	: > "$S"
	SERIAL_BYTES=20
	base_os "$R" k8s-master-01
	# cfssl backdates by 5 minutes; the profiles' expiry counts from now.
	nb=$((t - 300))
	na=$((t + 438000 * 3600))
	caext=$(printf '%s\n' 'keyUsage = critical, keyCertSign, cRLSign' 'basicConstraints = critical, CA:TRUE' \
		'subjectKeyIdentifier = hash')
	genkey rsa "$D"/{ca,kubernetes,etcd,kubelet,aggregator-proxy,admin,kube-proxy}-key.pem \
		"$WORK"/kubeasz-{kube-controller-manager,kube-scheduler,read}-key.pem
	sign "$D/ca-key.pem" "$names/O=k8s/OU=System/CN=kubernetes-ca" "$nb" $((t + 876000 * 3600)) "$caext" "$D/ca.pem"
	local ca=("$D/ca.pem" "$D/ca-key.pem")
	# asz_leaf OUT SUBJECT PROFILE SAN KEY: kubeasz's cfssl profiles:
	# "kubernetes" (server and client) and "kcfg" (client).
	asz_leaf() {
		local eku
		case $3 in kubernetes) eku='serverAuth, clientAuth' ;; kcfg) eku=clientAuth ;; esac
		ext=$(printf '%s\n' 'keyUsage = critical, digitalSignature, keyEncipherment' \
			"extendedKeyUsage = $eku" 'basicConstraints = critical, CA:FALSE' \
			'subjectKeyIdentifier = hash' 'authorityKeyIdentifier = keyid')
		[ -z "${4:-}" ] || ext+=$'\n'"subjectAltName = $4"
		sign "$5" "$names$2" "$nb" "$na" "$ext" "$1" "${ca[@]}"
	}
	asz_leaf "$D/kubernetes.pem" /O=k8s/OU=System/CN=kubernetes kubernetes \
		"DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster, DNS:kubernetes.default.svc.cluster.local, DNS:k8s.easzlab.io, IP:127.0.0.1, IP:$ip, IP:10.68.0.1" \
		"$D/kubernetes-key.pem"
	asz_leaf "$D/etcd.pem" /O=k8s/OU=System/CN=etcd kubernetes "IP:127.0.0.1, IP:$ip" "$D/etcd-key.pem"
	asz_leaf "$D/kubelet.pem" "/O=system:nodes/OU=System/CN=system:node:$ip" kubernetes \
		"IP:127.0.0.1, IP:$ip" "$D/kubelet-key.pem"
	asz_leaf "$D/aggregator-proxy.pem" /O=k8s/OU=System/CN=aggregator kubernetes "" "$D/aggregator-proxy-key.pem"
	asz_leaf "$D/admin.pem" /O=system:masters/OU=System/CN=admin kcfg "" "$D/admin-key.pem"
	asz_leaf "$D/kube-proxy.pem" /O=k8s/OU=System/CN=system:kube-proxy kcfg "" "$D/kube-proxy-key.pem"
	local W=$WORK/kubeasz-
	asz_leaf "${W}kube-controller-manager.pem" /O=system:kube-controller-manager/OU=System/CN=system:kube-controller-manager \
		kubernetes "IP:127.0.0.1, IP:$ip" "${W}kube-controller-manager-key.pem"
	asz_leaf "${W}kube-scheduler.pem" /O=system:kube-scheduler/OU=System/CN=system:kube-scheduler \
		kubernetes "IP:127.0.0.1, IP:$ip" "${W}kube-scheduler-key.pem"
	asz_leaf "${W}read.pem" /O=group:read/OU=System/CN=read kcfg "" "${W}read-key.pem"
	mtime "$t" "$D"/*.pem
	for f in "$D"/*-key.pem; do keyline "$f" >> "$S"; done

	# kubeconfigs, as `kubectl config set-cluster/set-credentials
	# --embed-certs=true` write them; nodes reach the apiservers through
	# the local kube-lb on 127.0.0.1:6443.
	asz_kubeconfig "$R/etc/kubernetes/kubelet.kubeconfig" "system:node:$ip" "$D/kubelet"
	asz_kubeconfig "$R/etc/kubernetes/kube-proxy.kubeconfig" kube-proxy "$D/kube-proxy"
	asz_kubeconfig "$R/etc/kubernetes/kube-controller-manager.kubeconfig" system:kube-controller-manager \
		"${W}kube-controller-manager"
	asz_kubeconfig "$R/etc/kubernetes/kube-scheduler.kubeconfig" system:kube-scheduler "${W}kube-scheduler"
	for f in "$D/kubelet" "$D/kube-proxy" "${W}kube-controller-manager" "${W}kube-scheduler"; do
		b64ln "$f-key.pem"
	done >> "$S"

	# --- units (kubelet.service is the one the project started from)
	local U=$R/etc/systemd/system
	put 644 "$U/kubelet.service" <<'EOF'
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
	put 644 "$U/kube-proxy.service" <<EOF
[Unit]
Description=Kubernetes Kube-Proxy Server
Documentation=https://github.com/GoogleCloudPlatform/kubernetes
After=network.target

[Service]
WorkingDirectory=/var/lib/kube-proxy
ExecStart=$bin/kube-proxy \\
  --config=/var/lib/kube-proxy/kube-proxy-config.yaml
Restart=always
RestartSec=5
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
EOF
	put 644 "$U/kube-apiserver.service" <<EOF
[Unit]
Description=Kubernetes API Server
Documentation=https://github.com/GoogleCloudPlatform/kubernetes
After=network.target

[Service]
ExecStart=$bin/kube-apiserver \\
  --allow-privileged=true \\
  --anonymous-auth=false \\
  --api-audiences=api,istio-ca \\
  --authorization-mode=Node,RBAC \\
  --bind-address=$ip \\
  --client-ca-file=/etc/kubernetes/ssl/ca.pem \\
  --endpoint-reconciler-type=lease \\
  --etcd-cafile=/etc/kubernetes/ssl/ca.pem \\
  --etcd-certfile=/etc/kubernetes/ssl/kubernetes.pem \\
  --etcd-keyfile=/etc/kubernetes/ssl/kubernetes-key.pem \\
  --etcd-servers=https://$ip:2379 \\
  --kubelet-certificate-authority=/etc/kubernetes/ssl/ca.pem \\
  --kubelet-client-certificate=/etc/kubernetes/ssl/kubernetes.pem \\
  --kubelet-client-key=/etc/kubernetes/ssl/kubernetes-key.pem \\
  --secure-port=6443 \\
  --service-account-issuer=https://kubernetes.default.svc \\
  --service-account-signing-key-file=/etc/kubernetes/ssl/ca-key.pem \\
  --service-account-key-file=/etc/kubernetes/ssl/ca.pem \\
  --service-cluster-ip-range=10.68.0.0/16 \\
  --service-node-port-range=30000-32767 \\
  --tls-cert-file=/etc/kubernetes/ssl/kubernetes.pem \\
  --tls-private-key-file=/etc/kubernetes/ssl/kubernetes-key.pem \\
  --requestheader-client-ca-file=/etc/kubernetes/ssl/ca.pem \\
  --requestheader-allowed-names="aggregator,system:aggregator:kube-apiserver" \\
  --requestheader-extra-headers-prefix=X-Remote-Extra- \\
  --requestheader-group-headers=X-Remote-Group \\
  --requestheader-username-headers=X-Remote-User \\
  --proxy-client-cert-file=/etc/kubernetes/ssl/aggregator-proxy.pem \\
  --proxy-client-key-file=/etc/kubernetes/ssl/aggregator-proxy-key.pem \\
  --enable-aggregator-routing=true \\
  --v=2
Restart=always
RestartSec=5
Type=notify
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
EOF
	put 644 "$U/kube-controller-manager.service" <<EOF
[Unit]
Description=Kubernetes Controller Manager
Documentation=https://github.com/GoogleCloudPlatform/kubernetes

[Service]
ExecStart=$bin/kube-controller-manager \\
  --allocate-node-cidrs=true \\
  --authentication-kubeconfig=/etc/kubernetes/kube-controller-manager.kubeconfig \\
  --authorization-kubeconfig=/etc/kubernetes/kube-controller-manager.kubeconfig \\
  --bind-address=0.0.0.0 \\
  --cluster-cidr=172.20.0.0/16 \\
  --cluster-name=kubernetes \\
  --cluster-signing-cert-file=/etc/kubernetes/ssl/ca.pem \\
  --cluster-signing-key-file=/etc/kubernetes/ssl/ca-key.pem \\
  --kubeconfig=/etc/kubernetes/kube-controller-manager.kubeconfig \\
  --leader-elect=true \\
  --node-cidr-mask-size=24 \\
  --root-ca-file=/etc/kubernetes/ssl/ca.pem \\
  --service-account-private-key-file=/etc/kubernetes/ssl/ca-key.pem \\
  --service-cluster-ip-range=10.68.0.0/16 \\
  --use-service-account-credentials=true \\
  --v=2
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
EOF
	put 644 "$U/kube-scheduler.service" <<EOF
[Unit]
Description=Kubernetes Scheduler
Documentation=https://github.com/GoogleCloudPlatform/kubernetes

[Service]
ExecStart=$bin/kube-scheduler \\
  --authentication-kubeconfig=/etc/kubernetes/kube-scheduler.kubeconfig \\
  --authorization-kubeconfig=/etc/kubernetes/kube-scheduler.kubeconfig \\
  --bind-address=0.0.0.0 \\
  --kubeconfig=/etc/kubernetes/kube-scheduler.kubeconfig \\
  --leader-elect=true \\
  --v=2
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
EOF
	# ETCD_WAL_DIR is empty by default: kubeasz renders `--wal-dir= \`.
	put 644 "$U/etcd.service" <<EOF
[Unit]
Description=Etcd Server
After=network.target
After=network-online.target
Wants=network-online.target
Documentation=https://github.com/coreos

[Service]
Type=notify
WorkingDirectory=/var/lib/etcd
ExecStart=$bin/etcd \\
  --name=etcd-$ip \\
  --cert-file=/etc/kubernetes/ssl/etcd.pem \\
  --key-file=/etc/kubernetes/ssl/etcd-key.pem \\
  --peer-cert-file=/etc/kubernetes/ssl/etcd.pem \\
  --peer-key-file=/etc/kubernetes/ssl/etcd-key.pem \\
  --trusted-ca-file=/etc/kubernetes/ssl/ca.pem \\
  --peer-trusted-ca-file=/etc/kubernetes/ssl/ca.pem \\
  --initial-advertise-peer-urls=https://$ip:2380 \\
  --listen-peer-urls=https://$ip:2380 \\
  --listen-client-urls=https://$ip:2379,http://127.0.0.1:2379 \\
  --advertise-client-urls=https://$ip:2379 \\
  --initial-cluster-token=etcd-cluster-0 \\
  --initial-cluster=etcd-$ip=https://$ip:2380 \\
  --initial-cluster-state=new \\
  --data-dir=/var/lib/etcd \\
  --wal-dir= \\
  --snapshot-count=50000 \\
  --auto-compaction-retention=1 \\
  --auto-compaction-mode=periodic \\
  --max-request-bytes=10485760 \\
  --quota-backend-bytes=8589934592
Restart=always
RestartSec=15
LimitNOFILE=65536
OOMScoreAdjust=-999

[Install]
WantedBy=multi-user.target
EOF

	# --- component configs, rendered from kubeasz's templates with its
	# defaults (trailing spaces and comments as the templates have them).
	put 644 "$R/var/lib/kubelet/config.yaml" <<'EOF'
kind: KubeletConfiguration
apiVersion: kubelet.config.k8s.io/v1beta1
address: 0.0.0.0
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 2m0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/ssl/ca.pem
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 5m0s
    cacheUnauthorizedTTL: 30s
cgroupDriver: systemd 
cgroupsPerQOS: true
clusterDNS:
- 169.254.20.10
clusterDomain: cluster.local
configMapAndSecretChangeDetectionStrategy: Watch
containerLogMaxFiles: 3 
containerLogMaxSize: 10Mi
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
enforceNodeAllocatable:
- pods
eventBurst: 10
eventRecordQPS: 5
evictionHard:
  imagefs.available: 15%
  memory.available: 300Mi
  nodefs.available: 10%
  nodefs.inodesFree: 5%
evictionPressureTransitionPeriod: 5m0s
failCgroupV1: true
failSwapOn: true
fileCheckFrequency: 40s
hairpinMode: hairpin-veth 
healthzBindAddress: 0.0.0.0
healthzPort: 10248
httpCheckFrequency: 40s
imageGCHighThresholdPercent: 85
imageGCLowThresholdPercent: 80
imageMinimumGCAge: 2m0s
kubeAPIBurst: 100
kubeAPIQPS: 50
makeIPTablesUtilChains: true
maxOpenFiles: 1000000
maxParallelImagePulls: 5
maxPods: 110
nodeLeaseDurationSeconds: 40
nodeStatusReportFrequency: 1m0s
nodeStatusUpdateFrequency: 10s
oomScoreAdj: -999
podPidsLimit: -1
port: 10250
# disable readOnlyPort 
readOnlyPort: 0
resolvConf: /etc/resolv.conf
runtimeRequestTimeout: 2m0s
serializeImagePulls: false
streamingConnectionIdleTimeout: 4h0m0s
syncFrequency: 1m0s
tlsCertFile: /etc/kubernetes/ssl/kubelet.pem
tlsPrivateKeyFile: /etc/kubernetes/ssl/kubelet-key.pem
EOF
	put 644 "$R/var/lib/kube-proxy/kube-proxy-config.yaml" <<EOF
kind: KubeProxyConfiguration
apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
clientConnection:
  kubeconfig: "/etc/kubernetes/kube-proxy.kubeconfig"
# 根据clusterCIDR 判断集群内部和外部流量，配置clusterCIDR选项后，kube-proxy 会对访问 Service IP 的请求做 SNAT
clusterCIDR: "172.20.0.0/16"
conntrack:
  maxPerCore: 32768
  min: 131072
  tcpCloseWaitTimeout: 1h0m0s
  tcpEstablishedTimeout: 24h0m0s
healthzBindAddress: 0.0.0.0:10256
# hostnameOverride 值必须与 kubelet 的对应一致，否则 kube-proxy 启动后会找不到该 Node，从而不会创建任何 iptables 规则
hostnameOverride: "$ip"
metricsBindAddress: 0.0.0.0:10249
mode: "ipvs"
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 30s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
EOF
	put 644 "$R/etc/cni/net.d/10-flannel.conflist" <<'EOF'
{
  "name": "cbr0",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "flannel",
      "delegate": {
        "hairpinMode": true,
        "isDefaultGateway": true
      }
    },
    {
      "type": "portmap",
      "capabilities": {
        "portMappings": true
      }
    }
  ]
}
EOF
	put 644 "$R/etc/crictl.yaml" <<'EOF'
runtime-endpoint: unix:///run/containerd/containerd.sock
EOF
	mkdir -p "$R/var/lib/kubelet/pki" "$R/var/lib/kubelet/pods"

	# --- root's kubeconfig, 0400 as kubeasz leaves it: this cluster's
	# admin (current), a read-only user of it with a long context name,
	# and a second kubeasz cluster reached with a token.
	local tok
	tok=$(jwt https://kubernetes.default.svc system:serviceaccount:kube-system:admin-user kube-system admin-user)
	{ printf '%s\n' "$tok"; b64ln "$D/admin-key.pem"; b64ln "${W}read-key.pem"; } >> "$S"
	mkdir -p "$R/root/.kube"
	chmod 700 "$R/root"
	put 400 "$R/root/.kube/config" <<EOF
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: $(b64 "$D/ca.pem")
    server: https://$ip:6443
  name: cluster1
- cluster:
    insecure-skip-tls-verify: true
    server: https://192.168.1.160:6443
  name: cluster2
contexts:
- context:
    cluster: cluster1
    user: admin
  name: context-cluster1
- context:
    cluster: cluster1
    namespace: monitoring
    user: read
  name: context-cluster1-read-monitoring-prometheus-operator-readonly
- context:
    cluster: cluster2
    namespace: kube-system
    user: admin-user
  name: context-cluster2
current-context: context-cluster1
kind: Config
preferences: {}
users:
- name: admin
  user:
    client-certificate-data: $(b64 "$D/admin.pem")
    client-key-data: $(b64 "$D/admin-key.pem")
- name: admin-user
  user:
    token: $tok
- name: read
  user:
    client-certificate-data: $(b64 "${W}read.pem")
    client-key-data: $(b64 "${W}read-key.pem")
EOF
}

asz_kubeconfig() { # FILE USER CERTBASE
	put 600 "$1" <<EOF
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: $(b64 "$STAGE/kubeasz/etc/kubernetes/ssl/ca.pem")
    server: https://127.0.0.1:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: $2
  name: default
current-context: default
kind: Config
preferences: {}
users:
- name: $2
  user:
    client-certificate-data: $(b64 "$3.pem")
    client-key-data: $(b64 "$3-key.pem")
EOF
}

# -------------------------------------------------------------------- k3s ---

# A k3s v1.30 server (k3s-server-1, 10.0.0.30) with embedded etcd, installed
# by get.k3s.io with K3S_TOKEN set. client-go style certificates: ECDSA
# P-256, CAs named <name>@<unix time> (and a DNS SAN of that name), leaves
# that start when their CA starts, .crt files holding the leaf then its CA.
make_k3s() {
	local R=$STAGE/k3s S=$STAGE/k3s.secrets
	local V=$R/var/lib/rancher/k3s T=$R/var/lib/rancher/k3s/server/tls
	local node=k3s-server-1 ip=10.0.0.30 t=$((NOW - 200 * DAY))
	local ca10=$((3650 * DAY)) y1=$((365 * DAY)) f c

	mkdir -p "$R"
	: > "$S"
	base_os "$R" "$node"
	mkdir -p "$V/server"
	chmod 700 "$V/server"

	local cas="server-ca client-ca request-header-ca etcd/server-ca etcd/peer-ca"
	for c in $cas; do
		genkey ec "$T/$c.key"
		sign "$T/$c.key" "/CN=${c#etcd/}@$t" "$t" $((t + ca10)) "$(ext_ca "DNS:${c#etcd/}@$t")" "$T/$c.crt"
	done
	cp "$T/server-ca.crt" "$T/server-ca.nochain.crt"
	cp "$T/client-ca.crt" "$T/client-ca.nochain.crt"

	# k3s_leaf FILE CA SUBJECT EKU [SAN]: leaf + CA in FILE.crt, key FILE.key.
	k3s_leaf() {
		local ext
		ext=$(printf '%s\n' 'keyUsage = critical, digitalSignature, keyEncipherment' \
			"extendedKeyUsage = $4" 'subjectKeyIdentifier = none' 'authorityKeyIdentifier = keyid')
		[ -z "${5:-}" ] || ext+=$'\n'"subjectAltName = $5"
		genkey ec "$1.key"
		sign "$1.key" "$3" "$t" $((t + y1)) "$ext" "$WORK/k3s-leaf.crt" "$T/$2.crt" "$T/$2.key"
		cat "$WORK/k3s-leaf.crt" "$T/$2.crt" | put 644 "$1.crt"
	}
	k3s_leaf "$T/client-admin" client-ca /O=system:masters/CN=system:admin clientAuth
	k3s_leaf "$T/client-auth-proxy" request-header-ca /CN=system:auth-proxy clientAuth
	k3s_leaf "$T/client-controller" client-ca /CN=system:kube-controller-manager clientAuth
	k3s_leaf "$T/client-scheduler" client-ca /CN=system:kube-scheduler clientAuth
	k3s_leaf "$T/client-kube-apiserver" client-ca /O=system:masters/CN=system:apiserver clientAuth
	k3s_leaf "$T/client-kube-proxy" client-ca /CN=system:kube-proxy clientAuth
	k3s_leaf "$T/client-k3s-controller" client-ca /CN=system:k3s-controller clientAuth
	k3s_leaf "$T/client-supervisor" client-ca /O=system:masters/CN=system:k3s-supervisor clientAuth
	k3s_leaf "$T/serving-kube-apiserver" server-ca /CN=kube-apiserver serverAuth \
		"DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, DNS:localhost, DNS:$node, DNS:k3s.example.internal, IP:127.0.0.1, IP:::1, IP:$ip, IP:10.43.0.1"
	local esan="DNS:localhost, DNS:$node, IP:127.0.0.1, IP:::1, IP:$ip"
	k3s_leaf "$T/etcd/client" etcd/server-ca /CN=etcd-client clientAuth
	k3s_leaf "$T/etcd/server-client" etcd/server-ca /CN=etcd-server 'serverAuth, clientAuth' "$esan"
	k3s_leaf "$T/etcd/peer-server-client" etcd/peer-ca /CN=etcd-peer 'serverAuth, clientAuth' "$esan"
	genkey ec "$T/client-kubelet.key" "$T/serving-kubelet.key"
	genkey rsa "$T/service.key"
	cp -p "$T/service.key" "$T/service.current.key"
	mtime "$t" "$T"/*.* "$T"/etcd/*
	for f in "$T"/*.key "$T"/etcd/*.key; do keyline "$f" >> "$S"; done

	# server/cred: kubeconfigs that point at the tls/ files by absolute path.
	local tls=/var/lib/rancher/k3s/server/tls
	k3s_kubeconfig "$V/server/cred/admin.kubeconfig" https://127.0.0.1:6444 "$tls/server-ca.crt" "$tls/client-admin"
	k3s_kubeconfig "$V/server/cred/api-server.kubeconfig" https://127.0.0.1:6444 "$tls/server-ca.crt" "$tls/client-kube-apiserver"
	k3s_kubeconfig "$V/server/cred/controller.kubeconfig" https://127.0.0.1:6444 "$tls/server-ca.crt" "$tls/client-controller"
	k3s_kubeconfig "$V/server/cred/scheduler.kubeconfig" https://127.0.0.1:6444 "$tls/server-ca.crt" "$tls/client-scheduler"
	k3s_kubeconfig "$V/server/cred/supervisor.kubeconfig" https://127.0.0.1:6444 "$tls/server-ca.crt" "$tls/client-supervisor"
	local psk nodepw agentpw
	psk=$(randhex 32)
	nodepw=$(randhex 16)
	agentpw=$(randhex 16)
	printf '%s\n' "$psk" "$nodepw" "$agentpw" >> "$S"
	printf '%s\n' "$psk" | put 600 "$V/server/cred/ipsec.psk"
	printf '%s,node,node,k3s:agent\n%s,server,server,k3s:server\n' "$agentpw" "$(randhex 16 | tee -a "$S")" |
		put 600 "$V/server/cred/passwd"

	# The token: K10<sha256 of the server CA>::server:<K3S_TOKEN>; node-token
	# is an absolute symlink to it. Not a Kubernetes location: hidden.
	local k3stoken agenttoken s3secret regpass hash
	k3stoken=$(randhex 16)
	agenttoken=$(randhex 16)
	s3secret=$(openssl rand -base64 30)
	regpass=$(openssl rand -base64 18)
	hash=$(sha256sum "$T/server-ca.crt" | cut -d' ' -f1)
	printf 'K10%s::server:%s\n' "$hash" "$k3stoken" | put 600 "$V/server/token"
	printf 'K10%s::server:%s\n' "$hash" "$k3stoken" >> "$S"
	printf '%s\n' "$k3stoken" "$agenttoken" "$s3secret" "$regpass" >> "$S"
	ln -s /var/lib/rancher/k3s/server/token "$V/server/node-token"
	printf 'K10%s::node:%s\n' "$hash" "$agenttoken" | put 600 "$V/server/agent-token"
	# server/db is not a location either; this is just the SQLite header.
	printf 'SQLite format 3\0' | put 600 "$V/server/db/etcd/member/snap/db"
	chmod -R go-rwx "$V/server/db"

	put 644 "$V/server/manifests/rolebindings.yaml" <<'EOF'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: kube-apiserver-kubelet-admin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:kubelet-api-admin
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: kube-apiserver
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: k3s-cloud-controller-manager
rules:
- apiGroups:
  - ""
  resources:
  - nodes
  verbs:
  - '*'
EOF

	# agent/: the kubelet's and kube-proxy's certificates and kubeconfigs.
	local A=$V/agent atls=/var/lib/rancher/k3s/agent
	mkdir -p "$A"
	cp "$T/server-ca.crt" "$A/server-ca.crt"
	cp "$T/client-ca.crt" "$A/client-ca.crt"
	k3s_leaf "$A/client-kubelet" client-ca "/O=system:nodes/CN=system:node:$node" clientAuth
	k3s_leaf "$A/serving-kubelet" server-ca "/CN=$node" serverAuth "DNS:$node, DNS:localhost, IP:127.0.0.1, IP:$ip"
	k3s_leaf "$A/client-kube-proxy" client-ca /CN=system:kube-proxy clientAuth
	k3s_leaf "$A/client-k3s-controller" client-ca /CN=system:k3s-controller clientAuth
	for f in "$A"/*.key; do keyline "$f" >> "$S"; done
	k3s_kubeconfig "$A/kubelet.kubeconfig" https://127.0.0.1:6443 "$atls/server-ca.crt" "$atls/client-kubelet"
	k3s_kubeconfig "$A/kubeproxy.kubeconfig" https://127.0.0.1:6443 "$atls/server-ca.crt" "$atls/client-kube-proxy"
	k3s_kubeconfig "$A/k3scontroller.kubeconfig" https://127.0.0.1:6443 "$atls/server-ca.crt" "$atls/client-k3s-controller"
	mkdir -p "$A/pod-manifests"
	put 644 "$A/etc/containerd/config.toml" <<'EOF'
# File generated by k3s. DO NOT EDIT. Use config.toml.tmpl instead.
version = 2

[plugins."io.containerd.internal.v1.opt"]
  path = "/var/lib/rancher/k3s/agent/containerd"
[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "10010"
  enable_selinux = false
  enable_unprivileged_ports = true
  enable_unprivileged_icmp = true
  sandbox_image = "rancher/mirrored-pause:3.6"

[plugins."io.containerd.grpc.v1.cri".containerd]
  snapshotter = "overlayfs"
  disable_snapshot_annotations = true

[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "/var/lib/rancher/k3s/data/current/bin"
  conf_dir = "/var/lib/rancher/k3s/agent/etc/cni/net.d"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = true

[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/var/lib/rancher/k3s/agent/etc/containerd/certs.d"
EOF
	# agent/containerd: image store junk that kubefs must hide, including
	# things a decoder would otherwise recognise (a layer's CA bundle).
	local C=$A/containerd
	mkdir -p "$C/io.containerd.content.v1.content/blobs/sha256" "$C/io.containerd.metadata.v1.bolt" \
		"$C/io.containerd.snapshotter.v1.overlayfs/snapshots/12/fs/etc/ssl/certs"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}' \
		> "$C/io.containerd.content.v1.content/blobs/sha256/4a1e4bd1c5b6f1b8e1e6cc7ca0ca9d09b6e1f8f4bbf3c1e5d4cf39d0c7cbf7e2"
	head -c 4096 /dev/zero > "$C/io.containerd.metadata.v1.bolt/meta.db"
	cp "$T/server-ca.crt" "$C/io.containerd.snapshotter.v1.overlayfs/snapshots/12/fs/etc/ssl/certs/ca-certificates.crt"
	printf 'time="2025-11-20T06:25:03Z" level=info msg="starting containerd" version=v1.7.22-k3s1\n' > "$C/containerd.log"

	# /etc/rancher: the admin kubeconfig (0600), config.yaml and a drop-in
	# that appends to two of its lists, registries.yaml with credentials,
	# and the node password.
	local E=$R/etc/rancher
	put 600 "$E/k3s/k3s.yaml" <<EOF
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: $(b64 "$T/server-ca.crt")
    server: https://127.0.0.1:6443
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
kind: Config
preferences: {}
users:
- name: default
  user:
    client-certificate-data: $(b64 "$T/client-admin.crt")
    client-key-data: $(b64 "$T/client-admin.key")
EOF
	b64ln "$T/client-admin.key" >> "$S"
	put 600 "$E/k3s/config.yaml" <<EOF
write-kubeconfig-mode: "0600"
node-name: $node
node-ip: $ip
cluster-init: true
tls-san:
  - k3s.example.internal
  - $ip
disable:
  - traefik
node-label:
  - "node.kubernetes.io/pool=edge"
kube-apiserver-arg:
  - "audit-log-path=/var/log/k3s/audit.log"
  - "audit-log-maxage=30"
kubelet-arg:
  - "max-pods=150"
agent-token: "$agenttoken"
etcd-snapshot-schedule-cron: "0 */6 * * *"
etcd-s3: true
etcd-s3-bucket: k3s-snapshots
etcd-s3-access-key: AKIAIOSFODNN7EXAMPLE
etcd-s3-secret-key: "$s3secret"
EOF
	put 600 "$E/k3s/config.yaml.d/10-extra.yaml" <<'EOF'
# Later files win; a key ending in "+" appends to the list instead.
node-label+:
  - "topology.kubernetes.io/zone=edge-1"
kube-apiserver-arg+:
  - "audit-log-maxbackup=10"
EOF
	put 600 "$E/k3s/registries.yaml" <<EOF
mirrors:
  docker.io:
    endpoint:
      - "https://registry.example.internal:5000"
configs:
  "registry.example.internal:5000":
    auth:
      username: k3s-pull
      password: "$regpass"
    tls:
      ca_file: /etc/rancher/k3s/registry-ca.crt
EOF
	cp "$T/server-ca.crt" "$E/k3s/registry-ca.crt"
	printf '%s\n' "$nodepw" | put 600 "$E/node/password"

	# The unit as get.k3s.io writes it (install.sh's create_systemd_service_file,
	# `sh -s - server --node-taint ...`): quoted args, tab-indented, and a
	# last line that ends in a backslash before an empty line.
	put 644 "$R/etc/systemd/system/k3s.service" <<'EOF'
[Unit]
Description=Lightweight Kubernetes
Documentation=https://k3s.io
Wants=network-online.target
After=network-online.target

[Install]
WantedBy=multi-user.target

[Service]
Type=notify
EnvironmentFile=-/etc/default/%N
EnvironmentFile=-/etc/sysconfig/%N
EnvironmentFile=-/etc/systemd/system/k3s.service.env
KillMode=process
Delegate=yes
# Having non-zero Limit*s causes performance problems due to accounting overhead
# in the kernel. We recommend using cgroups to do container-local accounting.
LimitNOFILE=1048576
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStartPre=/bin/sh -xc '! /usr/bin/systemctl is-enabled --quiet nm-cloud-setup.service 2>/dev/null'
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/local/bin/k3s \
    server \
	'--node-taint' \
	'CriticalAddonsOnly=true:NoExecute' \

EOF
	# install.sh: `sh -c export` of the K3S_* and proxy variables, 0600.
	put 600 "$R/etc/systemd/system/k3s.service.env" <<EOF
K3S_TOKEN='$k3stoken'
K3S_KUBECONFIG_MODE='600'
HTTPS_PROXY='http://proxy.example.internal:3128'
NO_PROXY='127.0.0.0/8,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,.svc,.cluster.local'
EOF
	mkdir -p "$R/etc/systemd/system/multi-user.target.wants"
	ln -s /etc/systemd/system/k3s.service "$R/etc/systemd/system/multi-user.target.wants/k3s.service"
	# install.sh's tool symlinks, to a stand-in for the k3s binary.
	printf '#!/bin/sh\necho "k3s: stand-in for the k3s binary on this example node" >&2\nexit 1\n' |
		put 755 "$R/usr/local/bin/k3s"
	for f in kubectl crictl ctr; do ln -s k3s "$R/usr/local/bin/$f"; done
}

k3s_kubeconfig() { # FILE SERVER CA_PATH CERT_BASE_PATH
	put 600 "$1" <<EOF
apiVersion: v1
clusters:
- cluster:
    server: $2
    certificate-authority: $3
  name: local
contexts:
- context:
    cluster: local
    namespace: default
    user: user
  name: Default
current-context: Default
kind: Config
preferences: {}
users:
- name: user
  user:
    client-certificate: $4.crt
    client-key: $4.key
EOF
}

# make_broken: the kubeadm node with one fault per check of `.kubefs/doctor`
# (man kubefs, DOCTOR), each as an admin could make it:
#   cgroup-driver      containerd's runc runtime back to SystemdCgroup = false
#   runtime-endpoint   containerd's grpc.address moved to another socket
#   ca-agreement       admin.conf trusts a look-alike CA (also CN=kubernetes)
#   chain              apiserver-kubelet-client.crt re-issued by that CA
#   key-pair           front-proxy-client.key replaced by a new key
#   expiry             kept from kubeadm: an expired and an expiring certificate
#   kubelet-rotation   kubelet-client-current.pem back on the bootstrap certificate
#   apiserver-san      a new --advertise-address and hostname the certificate lacks
#   missing-file       the kubelet's clientCAFile and an audit policy hostPath gone
#   conflicting-flags  --pod-infra-container-image in kubeadm-flags.env and /etc/default/kubelet
make_broken() {
	local R=$STAGE/broken S=$STAGE/broken.secrets
	local P=$R/etc/kubernetes/pki K=$R/etc/kubernetes L=$R/var/lib/kubelet
	local t0=$((NOW - 30 * DAY)) y1=$((365 * DAY)) boot

	cp -a "$STAGE/kubeadm" "$R"
	cp "$STAGE/kubeadm.secrets" "$S"
	sed -i 's/SystemdCgroup = true/SystemdCgroup = false/' "$R/etc/containerd/config.toml"
	sed -i 's|^  address = "/run/containerd/containerd.sock"|  address = "/run/containerd/containerd-2.sock"|' \
		"$R/etc/containerd/config.toml"
	genkey ec "$WORK/rogue-ca.key" "$WORK/new-fp.key"
	sign "$WORK/rogue-ca.key" /CN=kubernetes $((t0 - 300)) $((t0 + 10 * y1)) "$(ext_ca DNS:kubernetes)" \
		"$WORK/rogue-ca.crt"
	sed -i "s|^    certificate-authority-data: .*|    certificate-authority-data: $(b64 "$WORK/rogue-ca.crt")|" "$K/admin.conf"
	sign "$P/apiserver-kubelet-client.key" /O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client \
		$((t0 - 300)) $((t0 + y1)) "$(ext_leaf clientAuth)" "$P/apiserver-kubelet-client.crt" \
		"$WORK/rogue-ca.crt" "$WORK/rogue-ca.key"
	cp "$WORK/new-fp.key" "$P/front-proxy-client.key"
	chmod 600 "$P/front-proxy-client.key"
	keyline "$P/front-proxy-client.key" >> "$S"
	boot=$(cd "$L/pki" && ls kubelet-client-2*.pem | sort | head -n 1)
	ln -sfn "/var/lib/kubelet/pki/$boot" "$L/pki/kubelet-client-current.pem"
	sed -i 's|--advertise-address=10.0.0.10|--advertise-address=10.0.0.99|' "$K/manifests/kube-apiserver.yaml"
	printf 'k8s-cp-9\n' > "$R/etc/hostname"
	sed -i 's|clientCAFile: /etc/kubernetes/pki/ca.crt|clientCAFile: /etc/kubernetes/pki/client-ca.crt|' "$L/config.yaml"
	python3 - "$K/manifests/kube-apiserver.yaml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("  volumes:\n", "  volumes:\n  - hostPath:\n      path: /etc/kubernetes/audit-policy.yaml\n      type: File\n    name: audit-policy\n", 1)
open(p, "w").write(s)
PY
	printf '%s\n' 'KUBELET_EXTRA_ARGS="--node-labels=node.kubernetes.io/pool=infra --pod-infra-container-image=registry.k8s.io/pause:3.10"' \
		> "$R/etc/default/kubelet"
}

# ------------------------------------------------------------------- main ---

# The three layouts are independent: make them side by side, then swap them
# into place (a failed run leaves the previous output alone).
pids=()
for layout in kubeadm kubeasz k3s; do
	("make_$layout") 2>"$WORK/$layout.err" & pids+=($!)
done
failed=
i=0
for layout in kubeadm kubeasz k3s; do
	if ! wait "${pids[$i]}"; then
		cat "$WORK/$layout.err" >&2
		failed+=" $layout"
	fi
	i=$((i + 1))
done
[ -z "$failed" ] || die "failed:$failed"
make_broken 2>"$WORK/broken.err" || { cat "$WORK/broken.err" >&2; die "failed: broken"; }
for layout in kubeadm kubeasz k3s broken; do
	sort -u -o "$STAGE/$layout.secrets" "$STAGE/$layout.secrets"
	chmod 600 "$STAGE/$layout.secrets"
	rm -rf "${OUT:?}/$layout" "$OUT/$layout.secrets"
	mv "$STAGE/$layout" "$STAGE/$layout.secrets" "$OUT/"
done
printf '%s: wrote %s/{kubeadm,kubeasz,k3s,broken} and their .secrets\n' "$prog" "$OUT"
