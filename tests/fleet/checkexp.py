#!/usr/bin/python3
"""check-expiration and check-expiration.json against kubeadm's rules, with openssl.

usage: checkexp.py KUBEFS

Makes the example nodes (examples/make-nodes.sh) with a fixed clock
(KUBEFS_NOW), writes for each node the file `kubeadm certs check-expiration`
would print, from kubeadm's source rules (cmd/kubeadm/app/cmd/certs.go,
phases/certs/renewal/manager.go, apimachinery's ShortHumanDuration, Go's
text/tabwriter with minwidth 10, padding 3) and dates read by openssl, then
compares `kubefs report --root NODE check-expiration` (and .json) with it,
byte for byte. Variants of the kubeadm node cover !MISSING! rows, a missing
CA and externally managed CAs. Skips (77) without openssl.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import certs  # noqa: E402

KUBEFS = os.path.abspath(sys.argv[1])
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOW = 1765000000
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# GetDefaultCertList() with local etcd, and the kubeconfig files of NewManager() (kubeadm 1.29+)
PKI = "etc/kubernetes/pki"
KCERTS = [
    ("apiserver", "apiserver", "ca"),
    ("apiserver-kubelet-client", "apiserver-kubelet-client", "ca"),
    ("front-proxy-client", "front-proxy-client", "front-proxy-ca"),
    ("etcd-server", "etcd/server", "etcd-ca"),
    ("etcd-peer", "etcd/peer", "etcd-ca"),
    ("etcd-healthcheck-client", "etcd/healthcheck-client", "etcd-ca"),
    ("apiserver-etcd-client", "apiserver-etcd-client", "etcd-ca"),
]
KCAS = [("ca", "ca"), ("front-proxy-ca", "front-proxy-ca"), ("etcd-ca", "etcd/ca")]
KUBECONFIGS = ["admin.conf", "super-admin.conf", "controller-manager.conf", "scheduler.conf"]


def go_tabwriter(text, minwidth=10, padding=3):
    """Go's text/tabwriter.Writer with padchar ' ' and no flags: cells end with '\\t',
    a line of one cell flushes, columns are blocks of consecutive lines having that column."""
    out = []
    for seg in _segments(text):
        lines = [l.split("\t") for l in seg]
        _format(lines, 0, len(lines), [], minwidth, padding, out)
    return "".join(out)


def _segments(text):
    seg = []
    for line in text.split("\n")[:-1]:
        seg.append(line)
        if "\t" not in line:
            yield seg
            seg = []
    if seg:
        yield seg


def _format(lines, l0, l1, widths, minwidth, padding, out):
    col = len(widths)
    i = l0
    while i < l1:
        if col + 1 >= len(lines[i]):
            i += 1
            continue
        _write(lines, l0, i, widths, out)
        l0 = i
        width = minwidth
        while i < l1 and col + 1 < len(lines[i]):
            width = max(width, len(lines[i][col]) + padding)
            i += 1
        _format(lines, l0, i, widths + [width], minwidth, padding, out)
        l0 = i
    _write(lines, l0, l1, widths, out)


def _write(lines, l0, l1, widths, out):
    for cells in lines[l0:l1]:
        for j, c in enumerate(cells):
            out.append(c)
            if j < len(widths) and j < len(cells) - 1:
                out.append(" " * (widths[j] - len(c)))
        out.append("\n")


def short_human(s):
    """apimachinery pkg/util/duration.ShortHumanDuration of whole seconds"""
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 60:
        return f"{s}s"
    if s // 60 < 60:
        return f"{s // 60}m"
    if s // 3600 < 24:
        return f"{s // 3600}h"
    if s // 3600 < 24 * 365:
        return f"{s // 3600 // 24}d"
    return f"{s // 3600 // 24 // 365}y"


def go_date(t):
    """Go's Format("Jan 02, 2006 15:04 MST") in UTC"""
    import time
    tm = time.gmtime(t)
    return f"{MONTHS[tm.tm_mon - 1]} {tm.tm_mday:02d}, {tm.tm_year} {tm.tm_hour:02d}:{tm.tm_min:02d} UTC"


def rfc3339(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def file_exists(root, rel):
    p = os.path.join(root, rel)
    return os.path.exists(p) and not os.path.isdir(p)


def first_cert(root, rel, kubeconfig):
    """What kubeadm's readwriters Read(): the file's first certificate, or the first
    certificate of the current context's user's client-certificate-data."""
    with open(os.path.join(root, rel), "rb") as f:
        data = f.read()
    if kubeconfig:
        doc = certs.kubeconfig_doc(data)
        blobs = [b for k, _, b, cur in certs.kubeconfig_blobs(doc) if k == "user" and cur] if doc else []
        data = blobs[0] if blobs else b""
    blocks = certs.pem_blocks(data)
    return certs.cert_facts(blocks[0]) if blocks else None


def kubeadm_info(root):
    """fetchCertificateExpirationInfo(): [(name, notAfter|None, ca, external)] and the CAs"""
    def external(ca):
        base = dict(KCAS)[ca]
        return not os.path.exists(os.path.join(root, PKI, base + ".key"))

    cert_rows = []
    handlers = [(n, f"{PKI}/{b}.crt", ca, False) for n, b, ca in KCERTS] + \
               [(k, f"etc/kubernetes/{k}", "ca", True) for k in KUBECONFIGS]
    for name, rel, ca, kc in sorted(handlers):
        if not file_exists(root, rel):
            cert_rows.append((name, None, ca, False))
            continue
        cert_rows.append((name, first_cert(root, rel, kc)["not_after"], ca, external(ca)))
    ca_rows = []
    for name, base in sorted(KCAS):
        rel = f"{PKI}/{base}.crt"
        if not file_exists(root, rel):
            ca_rows.append((name, None, "", False))
            continue
        ca_rows.append((name, first_cert(root, rel, False)["not_after"], "", external(name)))
    return cert_rows, ca_rows


def yes_no(b):
    return f"{'yes' if b else 'no':<8}"


def extra_rows(root):
    """The third table: the kubelet's files and other distributions' directories."""
    files = ["etc/kubernetes/kubelet.conf", "var/lib/kubelet/pki/kubelet-client-current.pem",
             "var/lib/kubelet/pki/kubelet.crt", "var/lib/kubelet/pki/kubelet-server-current.pem",
             "etc/kubernetes/kubelet.kubeconfig"]
    dirs = ["etc/kubernetes/ssl", "var/lib/rancher/k3s/server/tls", "var/lib/rancher/k3s/agent",
            "var/lib/rancher/rke2/server/tls", "var/lib/rancher/rke2/agent", "var/snap/microk8s/current/certs"]
    link = "var/lib/kubelet/pki/kubelet-client-current.pem"
    target = None
    if os.path.islink(os.path.join(root, link)):
        # the kubelet writes an absolute target: it names a file of the node, inside ROOT
        t = os.readlink(os.path.join(root, link))
        target = os.path.normpath(os.path.join(os.path.dirname(link), t) if not t.startswith("/") else t[1:])
    paths = [f for f in files if f != link and file_exists(root, f)]
    if target and file_exists(root, target):
        paths.append(link)
    for d in dirs:
        for dp, dns, fns in os.walk(os.path.join(root, d)):
            # what kubefs does not show (lib/locations.c): the containerd image layers of k3s and rke2
            dns[:] = [n for n in dns if not (n == "containerd" and dp.endswith("/agent"))]
            for fn in fns:
                p = os.path.join(dp, fn)
                if os.path.isfile(p) and not os.path.islink(p):
                    paths.append(os.path.relpath(p, root))
    rows = {}
    for rel in paths:
        shown = "/" + rel
        if rel == link:
            shown += " -> /" + target
            rel = target
        with open(os.path.join(root, rel), "rb") as f:
            data = f.read()
        doc = certs.kubeconfig_doc(data) if b"-----BEGIN" not in data else None
        if doc:
            for kind, name, blob, _ in certs.kubeconfig_blobs(doc):
                if kind == "user":
                    for b in certs.pem_blocks(blob)[:1]:
                        rows[f"{shown}#users[{name}]"] = certs.cert_facts(b)
            continue
        blocks = certs.pem_blocks(data)
        for i, b in enumerate(blocks):
            rows[shown + (f"#{i + 1}" if len(blocks) > 1 else "")] = certs.cert_facts(b)
    return sorted(rows.items())


def expected_text(root, now, kubeadm):
    t = ""
    if kubeadm:
        cert_rows, ca_rows = kubeadm_info(root)
        t += "CERTIFICATE\tEXPIRES\tRESIDUAL TIME\tCERTIFICATE AUTHORITY\tEXTERNALLY MANAGED\n"
        for name, na, ca, ext in cert_rows:
            if na is None:
                t += f"!MISSING! {name}\t\t\t\t\n"
            else:
                t += f"{name}\t{go_date(na)}\t{short_human(na - now)}\t{ca}\t{yes_no(ext)}\n"
        t += "\nCERTIFICATE AUTHORITY\tEXPIRES\tRESIDUAL TIME\tEXTERNALLY MANAGED\n"
        for name, na, _, ext in ca_rows:
            if na is None:
                t += f"!MISSING! {name}\t\t\t\n"
            else:
                t += f"{name}\t{go_date(na)}\t{short_human(na - now)}\t{yes_no(ext)}\n"
    rows = extra_rows(root)
    if rows:
        t += "\nCERTIFICATE (NOT CHECKED BY KUBEADM)\tEXPIRES\tRESIDUAL TIME\tISSUER\n"
        for name, f in rows:
            t += f"{name}\t{go_date(f['not_after'])}\t{short_human(f['not_after'] - now)}\t" \
                 f"{f['issuer'].get('CN', '-')}\n"
    return go_tabwriter(t)


def expected_json(root, now):
    """CertificateExpirationInfo as cli-runtime's JSONPrinter writes it (json.MarshalIndent, 4 spaces)"""
    cert_rows, ca_rows = kubeadm_info(root)

    def one(name, na, ca, ext):
        if na is None:
            return {"name": name, "expirationDate": None, "residualTime": 0, "externallyManaged": False,
                    "missing": True}
        d = {"name": name, "expirationDate": rfc3339(na), "residualTime": na - now, "externallyManaged": ext}
        if ca:
            d["caName"] = ca
        d["missing"] = False
        return d
    obj = {"kind": "CertificateExpirationInfo", "apiVersion": "output.kubeadm.k8s.io/v1alpha3",
           "certificates": [one(*r) for r in cert_rows],
           "certificateAuthorities": [one(*r) for r in ca_rows]}
    return json.dumps(obj, indent=4) + "\n"


def report(root, name):
    p = subprocess.run([KUBEFS, "report", "--root", root, name], capture_output=True,
                       env=dict(os.environ, KUBEFS_NOW=str(NOW)))
    assert p.returncode == 0, f"kubefs report {name} on {root}: {p.stderr.decode()}"
    return p.stdout.decode()


def compare(label, got, want, out_dir):
    if got == want:
        return 0
    with open(os.path.join(out_dir, label + ".expected"), "w") as f:
        f.write(want)
    with open(os.path.join(out_dir, label + ".got"), "w") as f:
        f.write(got)
    d = subprocess.run(["diff", "-u", os.path.join(out_dir, label + ".expected"),
                        os.path.join(out_dir, label + ".got")], capture_output=True, text=True).stdout
    print(f"FAIL {label}:\n{d}")
    return 1


def main():
    if not shutil.which("openssl"):
        print("openssl not found: skipped")
        return 77
    tmp = tempfile.mkdtemp(prefix="kfs-checkexp-")
    fails = 0
    try:
        nodes = os.path.join(tmp, "nodes")
        subprocess.run([os.path.join(TOP, "examples", "make-nodes.sh"), nodes], check=True, capture_output=True,
                       env=dict(os.environ, KUBEFS_NOW=str(NOW)))
        # variants of the kubeadm node: a certificate, a kubeconfig and a CA missing; CAs without keys
        var = os.path.join(tmp, "variant")
        subprocess.run(["cp", "-a", os.path.join(nodes, "kubeadm"), var], check=True)
        for rel in ("etc/kubernetes/pki/apiserver.crt", "etc/kubernetes/super-admin.conf",
                    "etc/kubernetes/pki/etcd/ca.crt", "etc/kubernetes/pki/front-proxy-ca.key",
                    "etc/kubernetes/pki/ca.key"):
            os.unlink(os.path.join(var, rel))
        cases = [("kubeadm", os.path.join(nodes, "kubeadm"), True), ("variant", var, True),
                 ("k3s", os.path.join(nodes, "k3s"), False), ("kubeasz", os.path.join(nodes, "kubeasz"), False)]
        for label, root, kubeadm in cases:
            want = expected_text(root, NOW, kubeadm)
            fails += compare(label + ".check-expiration", report(root, "check-expiration"), want, tmp)
            if kubeadm:
                fails += compare(label + ".check-expiration.json", report(root, "check-expiration.json"),
                                 expected_json(root, NOW), tmp)
            print(f"{label}: {len(want.splitlines())} lines compared")
        # the clock is what moves the residual time: a year later everything kubeadm lists has moved
        later = expected_text(os.path.join(nodes, "kubeadm"), NOW + 86400 * 365, True)
        assert later != expected_text(os.path.join(nodes, "kubeadm"), NOW, True)
    finally:
        if not fails:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"files kept in {tmp}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
