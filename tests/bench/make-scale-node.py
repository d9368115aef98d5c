#!/usr/bin/python3
"""Makes a node root of about FILES files, shaped like a busy kubelet host.

usage: tests/bench/make-scale-node.py ROOT FILES [--base DIR]

  --base DIR   copy DIR first (an example node from examples/make-nodes.sh:
               its /etc/kubernetes, units, kubelet config...), then add the bulk.

What it adds (every count but the first two grows with FILES):
  etc/kubernetes/bench/certs/cert-NNNN.crt      2,000 certificates (the expiry question)
  etc/kubernetes/bench/kubeconfigs/node-NNN.conf  500 kubeconfigs, 1-8 contexts each
  home/user-N/.kube/config                       a kubeconfig per 200 files
  var/lib/kubelet/pods/UID/...                   pods: etc-hosts, containers' termination
      logs, a projected service-account volume (..data, ca.crt, namespace, token), a
      secret volume (tls.crt, tls.key, ca.crt), a configmap volume, an empty-dir
  var/lib/kubelet/plugins/kubernetes.io/csi/...  CSI global mounts (vol_data.json)
  var/lib/kubelet/plugins_registry, plugins/*    registration sockets
Files are counted as find counts them (-type f -o -type l). Certificates are a
pool of 24 distinct ones (RSA 2048 and EC P-256, from openssl) repeated under
different names; keys are throwaway. Deterministic for a given FILES.
"""
import base64
import json
import os
import random
import socket
import subprocess
import sys
import tempfile

N_CERTS = 2000
N_KUBECONFIGS = 500


def write(path, data, mode=0o644):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    os.chmod(path, mode)


def pool(tmp):
    """24 certificates with their keys, and one CA, made by openssl."""
    certs, keys = [], []
    for i in range(24):
        alg = ["-newkey", "rsa:2048"] if i % 2 else ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
        crt, key = os.path.join(tmp, f"{i}.crt"), os.path.join(tmp, f"{i}.key")
        subprocess.run(["openssl", "req", "-x509", *alg, "-nodes", "-keyout", key, "-out", crt,
                        "-subj", f"/O=bench/CN=node-{i}", "-days", str(30 + i * 40),
                        "-addext", f"subjectAltName=DNS:node-{i}.cluster.local,IP:10.0.0.{i + 1}"],
                       check=True, capture_output=True)
        certs.append(open(crt, "rb").read())
        keys.append(open(key, "rb").read())
    return certs, keys


def kubeconfig(i, contexts, ca, crt, key):
    out = ["apiVersion: v1", "clusters:"]
    for c in range(contexts):
        out += ["- cluster:", f"    certificate-authority-data: {ca}", f"    server: https://10.{i % 250}.{c}.1:6443",
                f"  name: cluster-{c}"]
    out.append("contexts:")
    for c in range(contexts):
        out += ["- context:", f"    cluster: cluster-{c}", f"    namespace: ns-{c}", "    user: admin",
                f"  name: admin@cluster-{c}"]
    out += ["current-context: admin@cluster-0", "kind: Config", "preferences: {}", "users:", "- name: admin",
            "  user:", f"    client-certificate-data: {crt}", f"    client-key-data: {key}", ""]
    return "\n".join(out)


def atomic_volume(vdir, files, ts):
    """A kubelet AtomicWriter volume: ..TS/ holds the files, ..data -> ..TS, each name -> ..data/name."""
    data = os.path.join(vdir, ts)
    os.makedirs(data)
    for name, (content, mode) in files.items():
        write(os.path.join(data, name), content, mode)
    os.symlink(ts, os.path.join(vdir, "..data"))
    for name in files:
        os.symlink(os.path.join("..data", name), os.path.join(vdir, name))
    return 2 * len(files) + 1


def socket_at(path):
    s = socket.socket(socket.AF_UNIX)
    s.bind(path)
    s.close()


def main():
    args = sys.argv[1:]
    base = None
    if "--base" in args:
        i = args.index("--base")
        base = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    root, target = args[0], int(args[1])
    rnd = random.Random(target)
    if base:
        subprocess.run(["cp", "-a", base, root], check=True)   # keeps sockets, modes, links
    os.makedirs(root, exist_ok=True)
    count = sum(len(f) + sum(1 for d in ds if os.path.islink(os.path.join(p, d)))
                for p, ds, f in os.walk(root))
    with tempfile.TemporaryDirectory() as tmp:
        certs, keys = pool(tmp)
    b64 = lambda b: base64.b64encode(b).decode()

    d = os.path.join(root, "etc/kubernetes/bench/certs")
    os.makedirs(d)
    for i in range(N_CERTS):
        write(f"{d}/cert-{i:04d}.crt", certs[i % len(certs)])
    d = os.path.join(root, "etc/kubernetes/bench/kubeconfigs")
    os.makedirs(d)
    for i in range(N_KUBECONFIGS):
        write(f"{d}/node-{i:03d}.conf", kubeconfig(i, i % 8 + 1, b64(certs[0]), b64(certs[1 + i % 23]),
                                                   b64(keys[1 + i % 23])), 0o600)
    count += N_CERTS + N_KUBECONFIGS

    users = max(1, target // 200)
    for u in range(users):
        d = os.path.join(root, f"home/user-{u}/.kube")
        os.makedirs(d)
        write(f"{d}/config", kubeconfig(u, 1 + u % 3, b64(certs[0]), b64(certs[u % 24]), b64(keys[u % 24])), 0o600)
    count += users

    # CSI drivers: registration sockets and global mounts, about 4% of the files
    lib = os.path.join(root, "var/lib/kubelet")
    drivers = [f"csi-{n}.example.com" for n in ("ebs", "nfs", "rbd", "smb", "lvm", "s3")]
    os.makedirs(f"{lib}/plugins_registry", exist_ok=True)
    for drv in drivers:
        os.makedirs(f"{lib}/plugins/{drv}", exist_ok=True)
        socket_at(f"{lib}/plugins/{drv}/csi.sock")
        socket_at(f"{lib}/plugins_registry/{drv}-reg.sock")
        count += 2
    csi = max(1, target // 50)
    for v in range(csi):
        drv = drivers[v % len(drivers)]
        h = "%064x" % rnd.getrandbits(256)
        d = f"{lib}/plugins/kubernetes.io/csi/{drv}/{h}"
        os.makedirs(f"{d}/globalmount")
        write(f"{d}/vol_data.json", json.dumps({"driverName": drv, "volumeHandle": f"vol-{v:06d}"}))
        count += 1

    # pods until the target
    p = 0
    while count < target:
        uid = "%08x-%04x-%04x-%04x-%012x" % tuple(rnd.getrandbits(b) for b in (32, 16, 16, 16, 48))
        pod = f"{lib}/pods/{uid}"
        ts = "..2026_01_%02d_%02d_%02d_%02d.%09d" % (1 + p % 28, p % 24, p % 60, (p * 7) % 60, rnd.getrandbits(29))
        ns = f"ns-{p % 40}"
        os.makedirs(f"{pod}/plugins/kubernetes.io~empty-dir/cache")
        write(f"{pod}/plugins/kubernetes.io~empty-dir/cache/ready", "")
        write(f"{pod}/etc-hosts", f"127.0.0.1\tlocalhost\n10.244.{p % 250}.{p % 200 + 2}\tpod-{p}\n")
        count += 2
        for c in ("app", "sidecar"):
            os.makedirs(f"{pod}/containers/{c}")
            write(f"{pod}/containers/{c}/{rnd.getrandbits(32):08x}", "")
            count += 1
        vol = f"{pod}/volumes"
        sa = f"{vol}/kubernetes.io~projected/kube-api-access-{rnd.getrandbits(24):06x}"
        token = ".".join(base64.urlsafe_b64encode(x).decode().rstrip("=") for x in (
            b'{"alg":"RS256","kid":"bench"}',
            json.dumps({"iss": "https://kubernetes.default.svc", "sub": f"system:serviceaccount:{ns}:default",
                        "exp": 1893456000}).encode(), rnd.randbytes(64)))
        os.makedirs(sa)
        count += atomic_volume(sa, {"ca.crt": (certs[0], 0o644), "namespace": (ns, 0o644),
                                    "token": (token, 0o600)}, ts)
        if p % 2 == 0:
            sec = f"{vol}/kubernetes.io~secret/tls-{p}"
            os.makedirs(sec)
            k = p % 24
            count += atomic_volume(sec, {"tls.crt": (certs[k], 0o644), "tls.key": (keys[k], 0o600),
                                         "ca.crt": (certs[0], 0o644)}, ts)
        if p % 3 == 0:
            cm = f"{vol}/kubernetes.io~configmap/config"
            os.makedirs(cm)
            count += atomic_volume(cm, {"config.yaml": (f"replicas: {p % 5}\nlog:\n  level: info\n", 0o644),
                                        "app.properties": (f"pod={p}\nnamespace={ns}\n", 0o644)}, ts)
        os.makedirs(f"{vol}/kubernetes.io~empty-dir/data")
        p += 1
    print(f"{root}: {count} files, {p} pods, {N_CERTS} bench certificates, {N_KUBECONFIGS + users} kubeconfigs")


if __name__ == "__main__":
    main()
