#!/usr/bin/python3
"""`.kubefs/doctor` golden tests: a small kubeadm-like node made at test time
with openssl (no key is committed), on which the doctor finds nothing; then,
for each check, a copy with one fault and the exact lines it must give (and
for some, a near miss that must stay quiet). Run as
`KUBEFS_NOW=... kubefs report --root CASE doctor` (and doctor.json).

usage: doctor.py KUBEFS
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

kubefs = sys.argv[1]
NOW = 1767225600                # 2026-01-01T00:00:00Z
DAY = 86400
if not shutil.which("openssl"):
    print("SKIP: openssl not found")
    sys.exit(77)

tmp = tempfile.mkdtemp(prefix="doctor-")
work = os.path.join(tmp, "work")
os.makedirs(work)


def sh(*args, **kw):
    subprocess.run(args, check=True, capture_output=True, **kw)


def asn1(t):
    return subprocess.run(["date", "-u", "-d", f"@{t}", "+%Y%m%d%H%M%SZ"], capture_output=True,
                          text=True, check=True).stdout.strip()


def key(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    sh("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path)


n_cert = [0]


def cert(keyfile, subj, out, ca=None, is_ca=False, san=None, nb=NOW - 10 * DAY, na=NOW + 365 * DAY):
    """A certificate for keyfile with exact dates, signed by ca=(crt, key) or self."""
    n_cert[0] += 1
    d = os.path.join(work, f"ca{n_cert[0]}")
    os.makedirs(d)
    open(os.path.join(d, "index.txt"), "w").close()
    open(os.path.join(d, "serial"), "w").write(f"{n_cert[0] + 4096:x}\n")
    ext = ["basicConstraints = critical, CA:%s" % ("TRUE" if is_ca else "FALSE"),
           "keyUsage = critical, digitalSignature, keyEncipherment" + (", keyCertSign" if is_ca else ""),
           "subjectKeyIdentifier = hash"]
    if ca:
        ext.append("authorityKeyIdentifier = keyid")
    if san:
        ext.append("subjectAltName = " + san)
    open(os.path.join(d, "ext.cnf"), "w").write("[ext]\n" + "\n".join(ext) + "\n")
    open(os.path.join(d, "ca.cnf"), "w").write(f"""[ca]
default_ca = c
[c]
dir = {d}
database = {d}/index.txt
serial = {d}/serial
new_certs_dir = {d}
default_md = sha256
policy = p
unique_subject = no
copy_extensions = none
[p]
commonName = supplied
organizationName = optional
[req]
distinguished_name = dn
[dn]
""")
    sh("openssl", "req", "-new", "-config", f"{d}/ca.cnf", "-key", keyfile, "-subj", subj, "-out", f"{d}/req.csr")
    issuer = ["-cert", ca[0], "-keyfile", ca[1]] if ca else ["-selfsign", "-keyfile", keyfile]
    os.makedirs(os.path.dirname(out), exist_ok=True)
    sh("openssl", "ca", "-batch", "-config", f"{d}/ca.cnf", *issuer, "-in", f"{d}/req.csr", "-out", out,
       "-startdate", asn1(nb), "-enddate", asn1(na), "-extfile", f"{d}/ext.cnf", "-extensions", "ext",
       "-notext", "-preserveDN")


def write(root, rel, text, mode=0o644):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)
    os.chmod(p, mode)


def read(root, rel):
    return open(os.path.join(root, rel)).read()


def b64(path):
    import base64
    return base64.b64encode(open(path, "rb").read()).decode()


def kubeconfig(ca, user_cert=None, user_key=None, cert_path=None):
    user = (f"    client-certificate-data: {b64(user_cert)}\n    client-key-data: {b64(user_key)}\n"
            if user_cert else f"    client-certificate: {cert_path}\n    client-key: {cert_path}\n")
    return f"""apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: {b64(ca)}
    server: https://10.0.0.10:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: u
  name: u@kubernetes
current-context: u@kubernetes
kind: Config
users:
- name: u
  user:
{user}"""


# ---- the clean node ----
base = os.path.join(tmp, "clean")
P = os.path.join(base, "etc/kubernetes/pki")
for k in ["ca", "apiserver", "front-proxy-ca", "front-proxy-client", "etcd/ca", "etcd/server", "sa"]:
    key(f"{P}/{k}.key")
sh("openssl", "ec", "-in", f"{P}/sa.key", "-pubout", "-out", f"{P}/sa.pub")
CA = (f"{P}/ca.crt", f"{P}/ca.key")
cert(CA[1], "/CN=kubernetes", CA[0], is_ca=True, na=NOW + 3650 * DAY)
cert(f"{P}/apiserver.key", "/CN=kube-apiserver", f"{P}/apiserver.crt", CA,
     san="DNS:node1, DNS:kubernetes, IP:10.96.0.1, IP:10.0.0.10")
cert(f"{P}/front-proxy-ca.key", "/CN=front-proxy-ca", f"{P}/front-proxy-ca.crt", is_ca=True, na=NOW + 3650 * DAY)
cert(f"{P}/front-proxy-client.key", "/CN=front-proxy-client", f"{P}/front-proxy-client.crt",
     (f"{P}/front-proxy-ca.crt", f"{P}/front-proxy-ca.key"))
cert(f"{P}/etcd/ca.key", "/CN=etcd-ca", f"{P}/etcd/ca.crt", is_ca=True, na=NOW + 3650 * DAY)
ECA = (f"{P}/etcd/ca.crt", f"{P}/etcd/ca.key")
cert(f"{P}/etcd/server.key", "/CN=node1", f"{P}/etcd/server.crt", ECA, san="DNS:node1, IP:10.0.0.10")
# the kubelet's client certificates: an old one and the current one
kp = os.path.join(base, "var/lib/kubelet/pki")
for name, nb in [("kubelet-client-2025-01-01-00-00-00.pem", NOW - 365 * DAY),
                 ("kubelet-client-2025-10-01-00-00-00.pem", NOW - 92 * DAY)]:
    key(f"{work}/{name}.key")
    cert(f"{work}/{name}.key", "/O=system:nodes/CN=system:node:node1", f"{work}/{name}.crt", CA, nb=nb,
         na=nb + 400 * DAY)
    write(base, f"var/lib/kubelet/pki/{name}", read(work, f"{name}.crt") + read(work, f"{name}.key"), 0o600)
os.symlink("/var/lib/kubelet/pki/kubelet-client-2025-10-01-00-00-00.pem", f"{kp}/kubelet-client-current.pem")
key(f"{work}/admin.key")
cert(f"{work}/admin.key", "/O=system:masters/CN=kubernetes-admin", f"{work}/admin.crt", CA)
write(base, "etc/kubernetes/admin.conf", kubeconfig(CA[0], f"{work}/admin.crt", f"{work}/admin.key"), 0o600)
write(base, "etc/kubernetes/kubelet.conf",
      kubeconfig(CA[0], cert_path="/var/lib/kubelet/pki/kubelet-client-current.pem"), 0o600)
write(base, "var/lib/kubelet/config.yaml", """apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
cgroupDriver: systemd
staticPodPath: /etc/kubernetes/manifests
""")
write(base, "var/lib/kubelet/kubeadm-flags.env",
      'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock '
      '--pod-infra-container-image=registry.k8s.io/pause:3.9"\n')
write(base, "usr/lib/systemd/system/kubelet.service", "[Service]\nExecStart=/usr/bin/kubelet\n")
write(base, "usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf", """[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
""")
write(base, "etc/default/kubelet", 'KUBELET_EXTRA_ARGS="--v=2 --v=2"\n')
CONTAINERD = """version = 2
[grpc]
  address = "/run/containerd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "runc"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = true
"""
write(base, "etc/containerd/config.toml", CONTAINERD)
write(base, "etc/kubernetes/audit.yaml", "apiVersion: audit.k8s.io/v1\nkind: Policy\n")
write(base, "etc/kubernetes/manifests/kube-apiserver.yaml", """apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-apiserver
    - --advertise-address=10.0.0.10
    - --audit-policy-file=/etc/kubernetes/audit.yaml
    image: registry.k8s.io/kube-apiserver:v1.30.0
    name: kube-apiserver
  volumes:
  - hostPath:
      path: /etc/kubernetes/pki
      type: DirectoryOrCreate
    name: k8s-certs
  - hostPath:
      path: /etc/kubernetes/audit.yaml
      type: File
    name: audit
""", 0o600)
write(base, "etc/hostname", "node1\n")

CLEAN = "summary: 0 errors, 0 warnings, 0 info (10 checks)\n"


def doctor(root, view="doctor"):
    r = subprocess.run([kubefs, "report", "--root", root, view], capture_output=True, text=True,
                       env=dict(os.environ, KUBEFS_NOW=str(NOW)), timeout=120)
    if r.returncode:
        raise SystemExit(f"FAIL kubefs report {view} on {root}: {r.stderr}")
    return r.stdout


failures = 0
cases = 0


def case(name, mutate, want):
    """A copy of the clean node, changed by mutate(root); doctor must print want."""
    global failures, cases
    root = os.path.join(tmp, name)
    shutil.copytree(base, root, symlinks=True)
    mutate(root)
    got = doctor(root)
    cases += 1
    if got != want:
        failures += 1
        print(f"FAIL {name}:\n--- want\n{want}--- got\n{got}")
    js = json.loads(doctor(root, "doctor.json"))
    lines = [l for l in want.splitlines() if not l.startswith("summary:")]
    if len(js["findings"]) != len(lines) or any(
            not l.startswith(f"{f['severity']} {f['check']} {f['path']}: {f['message']}") for f, l in zip(js["findings"], lines)):
        failures += 1
        print(f"FAIL {name}: doctor.json does not hold the same findings: {js}")


def edit(rel, old, new):
    def f(root):
        s = read(root, rel)
        assert old in s, (rel, old)
        write(root, rel, s.replace(old, new))
    return f


def seq(*fs):
    def f(root):
        for g in fs:
            g(root)
    return f


def summary(e, w, i=0):
    return (f"summary: {e} error{'' if e == 1 else 's'}, {w} warning{'' if w == 1 else 's'}, {i} info (10 checks)\n")


# the clean node: nothing but the summary line (every check's quiet side)
cases += 1
got = doctor(base)
if got != CLEAN:
    failures += 1
    print(f"FAIL clean node:\n{got}")

# cgroup-driver: containerd
case("cgroup-containerd", edit("etc/containerd/config.toml", "SystemdCgroup = true", "SystemdCgroup = false"),
     'error cgroup-driver /var/lib/kubelet/config.yaml: kubelet cgroupDriver is "systemd" (/var/lib/kubelet/config.yaml) '
     "but containerd's runc runtime has SystemdCgroup = false (evidence: /etc/containerd/config.toml)\n" + summary(1, 0))
# ... the runtime that is not the default one does not count
case("cgroup-other-runtime", edit("etc/containerd/config.toml", "SystemdCgroup = true",
                                   'SystemdCgroup = true\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata.options]\n  SystemdCgroup = false'),
     CLEAN)
# ... an import overrides the main file (containerd merges imports over it)
case("cgroup-import", seq(edit("etc/containerd/config.toml", "version = 2", 'version = 2\nimports = ["conf.d/*.toml"]'),
                          lambda r: write(r, "etc/containerd/conf.d/99-cgroup.toml",
                                          '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = false\n')),
     'error cgroup-driver /var/lib/kubelet/config.yaml: kubelet cgroupDriver is "systemd" (/var/lib/kubelet/config.yaml) '
     "but containerd's runc runtime has SystemdCgroup = false (evidence: /etc/containerd/conf.d/99-cgroup.toml)\n" + summary(1, 0))


# cgroup-driver and runtime-endpoint: CRI-O
def to_crio(manager, listen):
    def f(root):
        os.remove(os.path.join(root, "etc/containerd/config.toml"))
        write(root, "etc/crio/crio.conf", f'[crio.api]\nlisten = "{listen}"\n[crio.runtime]\ncgroup_manager = "systemd"\n')
        write(root, "etc/crio/crio.conf.d/20-cgroup.conf", f'[crio.runtime]\ncgroup_manager = "{manager}"\n')
        edit("var/lib/kubelet/kubeadm-flags.env", "unix:///var/run/containerd/containerd.sock",
             "unix:///var/run/crio/crio.sock")(root)
    return f


case("crio-clean", to_crio("systemd", "/var/run/crio/crio.sock"), CLEAN)
case("crio-cgroup", to_crio("cgroupfs", "/run/crio/crio.sock"),
     'error cgroup-driver /var/lib/kubelet/config.yaml: kubelet cgroupDriver is "systemd" (/var/lib/kubelet/config.yaml) '
     "but CRI-O's cgroup_manager is \"cgroupfs\" (evidence: /etc/crio/crio.conf.d/20-cgroup.conf)\n" + summary(1, 0))
case("crio-endpoint", to_crio("systemd", "/run/crio/other.sock"),
     "error runtime-endpoint /usr/lib/systemd/system/kubelet.service: the kubelet talks to unix:///var/run/crio/crio.sock "
     "(flag --container-runtime-endpoint) but CRI-O listens on /run/crio/other.sock (evidence: /etc/crio/crio.conf)\n"
     + summary(1, 0))
# runtime-endpoint: containerd
case("endpoint-containerd", edit("etc/containerd/config.toml", 'address = "/run/containerd/containerd.sock"',
                                 'address = "/run/containerd/other.sock"'),
     "error runtime-endpoint /usr/lib/systemd/system/kubelet.service: the kubelet talks to "
     "unix:///var/run/containerd/containerd.sock (flag --container-runtime-endpoint) but containerd listens on "
     "/run/containerd/other.sock (evidence: /etc/containerd/config.toml)\n" + summary(1, 0))


# ca-agreement
def rogue_ca(root, subj="/CN=kubernetes"):
    k = os.path.join(work, f"rogue-{os.path.basename(root)}.key")
    c = k[:-4] + ".crt"
    if not os.path.exists(c):
        key(k)
        cert(k, subj, c, is_ca=True, na=NOW + 3650 * DAY)
    return c, k


def ca_mismatch(root):
    c, _ = rogue_ca(root)
    s = read(root, "etc/kubernetes/admin.conf")
    s = s.replace(f"certificate-authority-data: {b64(os.path.join(root, 'etc/kubernetes/pki/ca.crt'))}",
                  f"certificate-authority-data: {b64(c)}")
    write(root, "etc/kubernetes/admin.conf", s, 0o600)
    write(root, "etc/kubernetes/client-ca.crt", read(work, os.path.basename(c)))
    edit("var/lib/kubelet/config.yaml", "clientCAFile: /etc/kubernetes/pki/ca.crt",
         "clientCAFile: /etc/kubernetes/client-ca.crt")(root)


case("ca-agreement", ca_mismatch,
     "error ca-agreement /etc/kubernetes/admin.conf: clusters[kubernetes] trusts a CA that is not the cluster CA "
     "/etc/kubernetes/pki/ca.crt (evidence: /etc/kubernetes/pki/ca.crt)\n"
     "error ca-agreement /etc/kubernetes/client-ca.crt: the kubelet's clientCAFile does not hold the cluster CA "
     "/etc/kubernetes/pki/ca.crt (evidence: /etc/kubernetes/pki/ca.crt, /var/lib/kubelet/config.yaml)\n" + summary(2, 0))
# a client CA bundle that holds the cluster CA among others is fine
case("ca-bundle", lambda r: (write(r, "etc/kubernetes/bundle.crt", read(work, os.path.basename(rogue_ca(r)[0])) +
                                   read(r, "etc/kubernetes/pki/ca.crt")),
                             edit("var/lib/kubelet/config.yaml", "clientCAFile: /etc/kubernetes/pki/ca.crt",
                                  "clientCAFile: /etc/kubernetes/bundle.crt")(r)), CLEAN)


# chain: a leaf re-issued by a look-alike CA
def bad_chain(root):
    c, k = rogue_ca(root)
    P = os.path.join(root, "etc/kubernetes/pki")
    os.remove(f"{P}/apiserver.crt")
    cert(f"{P}/apiserver.key", "/CN=kube-apiserver", f"{P}/apiserver.crt", (c, k),
         san="DNS:node1, DNS:kubernetes, IP:10.96.0.1, IP:10.0.0.10")


case("chain", bad_chain,
     "error chain /etc/kubernetes/pki/apiserver.crt: does not verify against the CA that names its issuer: "
     "that CA did not sign it (OpenSSL: unable to get local issuer certificate) (evidence: /etc/kubernetes/pki/ca.crt)\n"
     + summary(1, 0))


# key-pair: a key file and a kubeconfig's embedded key
def bad_keys(root):
    key(os.path.join(root, "etc/kubernetes/pki/front-proxy-client.key"))
    key(os.path.join(root, "etc/kubernetes/pki/sa.key"))
    key(f"{work}/other-admin.key")
    s = read(root, "etc/kubernetes/admin.conf")
    s = s.replace(f"client-key-data: {b64(work + '/admin.key')}", f"client-key-data: {b64(work + '/other-admin.key')}")
    write(root, "etc/kubernetes/admin.conf", s, 0o600)


case("key-pair", bad_keys,
     "error key-pair /etc/kubernetes/admin.conf: users[u]: the client key does not match the client certificate\n"
     "error key-pair /etc/kubernetes/pki/front-proxy-client.key: the private key does not match the certificate "
     "beside it (evidence: /etc/kubernetes/pki/front-proxy-client.crt)\n"
     "error key-pair /etc/kubernetes/pki/sa.key: the private key does not match the public key beside it "
     "(evidence: /etc/kubernetes/pki/sa.pub)\n" + summary(3, 0))


# expiry: expired, expiring; a rotated-away old kubelet certificate is no finding
def expiry(root):
    P = os.path.join(root, "etc/kubernetes/pki")
    for f, na in [("etcd/server", NOW - 3 * DAY), ("front-proxy-client", NOW + 10 * DAY)]:
        os.remove(f"{P}/{f}.crt")
        ca = ECA if f.startswith("etcd") else (f"{P}/front-proxy-ca.crt", f"{P}/front-proxy-ca.key")
        ca = tuple(x.replace(base, root) for x in ca)
        cert(f"{P}/{f}.key", "/CN=" + os.path.basename(f), f"{P}/{f}.crt", ca, nb=NOW - 100 * DAY, na=na,
             san="DNS:node1, IP:10.0.0.10" if f == "etcd/server" else None)


case("expiry", expiry,
     "error expiry /etc/kubernetes/pki/etcd/server.crt: certificate CN=server expired 3 days ago\n"
     "warning expiry /etc/kubernetes/pki/front-proxy-client.crt: certificate CN=front-proxy-client expires in 10 days\n"
     + summary(1, 1))


# kubelet-rotation
def rotation(root):
    p = os.path.join(root, "var/lib/kubelet/pki/kubelet-client-current.pem")
    os.remove(p)
    os.symlink("kubelet-client-2025-01-01-00-00-00.pem", p)


case("kubelet-rotation", rotation,
     "warning kubelet-rotation /var/lib/kubelet/pki/kubelet-client-current.pem: points at "
     "/var/lib/kubelet/pki/kubelet-client-2025-01-01-00-00-00.pem, older than the rotated "
     "/var/lib/kubelet/pki/kubelet-client-2025-10-01-00-00-00.pem beside it (evidence: "
     "/var/lib/kubelet/pki/kubelet-client-2025-01-01-00-00-00.pem, /var/lib/kubelet/pki/kubelet-client-2025-10-01-00-00-00.pem)\n"
     + summary(0, 1))

# apiserver-san
case("apiserver-san", seq(edit("etc/kubernetes/manifests/kube-apiserver.yaml", "--advertise-address=10.0.0.10",
                               "--advertise-address=10.0.0.99"),
                          lambda r: write(r, "etc/hostname", "node2\n")),
     "error apiserver-san /etc/kubernetes/pki/apiserver.crt: the certificate does not cover the advertise address "
     "10.0.0.99 (evidence: /etc/kubernetes/manifests/kube-apiserver.yaml)\n"
     "error apiserver-san /etc/kubernetes/pki/apiserver.crt: the certificate does not cover the node's hostname node2 "
     "(evidence: /etc/hostname)\n" + summary(2, 0))


# missing-file
def missing(root):
    os.remove(os.path.join(root, "etc/kubernetes/audit.yaml"))
    edit("var/lib/kubelet/config.yaml", "cgroupDriver: systemd", "cgroupDriver: systemd\ntlsCertFile: /var/lib/kubelet/pki/kubelet.crt")(root)
    os.remove(os.path.join(root, "etc/kubernetes/kubelet.conf"))


case("missing-file", missing,
     "error missing-file /etc/kubernetes/audit.yaml: the static pod kube-apiserver.yaml mounts it (hostPath type File, "
     "volume audit) but it does not exist (evidence: /etc/kubernetes/manifests/kube-apiserver.yaml)\n"
     "error missing-file /etc/kubernetes/bootstrap-kubelet.conf: the kubelet's --bootstrap-kubeconfig names it but it "
     "does not exist and neither does --kubeconfig (evidence: /usr/lib/systemd/system/kubelet.service)\n"
     "error missing-file /etc/kubernetes/kubelet.conf: the kubelet's --kubeconfig names it but it does not exist "
     "(evidence: /usr/lib/systemd/system/kubelet.service)\n"
     "error missing-file /var/lib/kubelet/pki/kubelet.crt: the kubelet's tlsCertFile names it but it does not exist "
     "(evidence: /var/lib/kubelet/config.yaml)\n" + summary(4, 0))
# a missing kubelet.conf with the bootstrap kubeconfig present: the kubelet will bootstrap
case("missing-bootstrap", lambda r: (os.rename(os.path.join(r, "etc/kubernetes/kubelet.conf"),
                                               os.path.join(r, "etc/kubernetes/bootstrap-kubelet.conf"))),
     "info missing-file /etc/kubernetes/kubelet.conf: the kubelet's --kubeconfig names it but it does not exist "
     "(the kubelet will bootstrap) (evidence: /usr/lib/systemd/system/kubelet.service)\n" + summary(0, 0, 1))

# conflicting-flags (the clean node repeats --v=2 with the same value: no finding)
case("conflicting-flags", lambda r: write(r, "etc/default/kubelet",
                                          'KUBELET_EXTRA_ARGS="--pod-infra-container-image=registry.k8s.io/pause:3.10"\n'),
     "warning conflicting-flags /usr/lib/systemd/system/kubelet.service: kubelet --pod-infra-container-image is given "
     'more than once with different values: "registry.k8s.io/pause:3.10" (from /etc/default/kubelet) wins over '
     '"registry.k8s.io/pause:3.9" (from /var/lib/kubelet/kubeadm-flags.env) (evidence: '
     "/var/lib/kubelet/kubeadm-flags.env, /etc/default/kubelet)\n" + summary(0, 1))

shutil.rmtree(tmp)
print(f"doctor: {cases} cases, {failures} failures")
sys.exit(1 if failures else 0)
