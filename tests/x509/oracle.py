#!/usr/bin/python3
"""Every certificate and key view, against the openssl (and ssh-keygen) commands docs/spec.md names.

usage: oracle.py KUBEFS

Builds a tree of certificates and keys at test time (gen.py), then for each file
compares `kubefs decode` (KUBEFS_NOW pinned) with:
  .txt      openssl x509 -noout -text of every block, in order (byte for byte);
            for keys: openssl pkey -noout -text_pub, the SPKI SHA-256, and the
            matching files computed with openssl; openssl pkey -pubin -noout -text,
            openssl req -noout -text, ssh-keygen -lf
  .subject  openssl x509 -noout -subject -nameopt RFC2253
  .issuer   openssl x509 -noout -issuer -nameopt RFC2253
  .san      the Subject Alternative Name line of -text
  .expiry   openssl x509 -noout -startdate -enddate and KUBEFS_NOW
  .sha256   openssl x509 -noout -fingerprint -sha256
  .json     the values openssl prints for the same fields
Skips (77) without openssl.
"""
import base64
import calendar
import concurrent.futures
import hashlib
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402

CERT_VIEWS = ["txt", "subject", "issuer", "san", "expiry", "sha256", "json"]
CANDIDATE_EXTS = (".crt", ".cer", ".cert", ".pem", ".der", ".pub")
SIGALGS = {
    "sha256WithRSAEncryption": "SHA256WithRSA", "sha384WithRSAEncryption": "SHA384WithRSA",
    "sha512WithRSAEncryption": "SHA512WithRSA", "sha1WithRSAEncryption": "SHA1WithRSA",
    "ecdsa-with-SHA256": "ECDSAWithSHA256", "ecdsa-with-SHA384": "ECDSAWithSHA384",
    "ecdsa-with-SHA512": "ECDSAWithSHA512", "ED25519": "PureEd25519",
}

failures = []
checks = 0
lock = threading.Lock()


def check(cond, what):
    global checks
    with lock:
        checks += 1
        if not cond:
            failures.append(what)
    return cond


_cache = {}


def openssl(*args, inp=None):
    """openssl's stdout (None on failure); the same command on the same input runs once."""
    key = (args, inp)
    if key not in _cache:
        p = subprocess.run(["openssl"] + list(args), input=inp, capture_output=True)
        _cache[key] = p.stdout if p.returncode == 0 else None
    return _cache[key]


class Kubefs:
    def __init__(self, binary):
        self.binary = binary
        self.env = dict(os.environ, KUBEFS_NOW=str(gen.NOW))

    def root_of(self, tree, path):
        for layout in ("kubeadm", "kubeasz"):
            top = tree.path(layout)
            if path.startswith(top + "/"):
                return top
        return tree.root

    def decode(self, tree, path, view):
        p = subprocess.run([self.binary, "decode", "--root", self.root_of(tree, path), "--view", view, path],
                           capture_output=True, env=self.env, timeout=60)
        return p.stdout

    def views(self, tree, path):
        p = subprocess.run([self.binary, "views", "--root", self.root_of(tree, path), path],
                           capture_output=True, env=self.env, timeout=60)
        return [l.rsplit(".", 1)[1] for l in p.stdout.decode().splitlines()]


def pem_blocks(data):
    rx = re.compile(rb"-----BEGIN ((?:TRUSTED )?CERTIFICATE)-----.*?-----END \1-----", re.S)
    return [m.group(0).replace(b"\r", b"") + b"\n" for m in rx.finditer(data)]


def inside(root, path):
    """`path` with an absolute symlink resolved inside the node root, as kubefs does."""
    if os.path.islink(path) and os.readlink(path).startswith("/"):
        return os.path.join(root, os.readlink(path).lstrip("/"))
    return path


def der_prefix(data):
    """The first DER object of `data` (a TRUSTED CERTIFICATE has trust settings after it)."""
    n = data[1]
    if n < 0x80:
        return data[:2 + n]
    k = n & 0x7f
    return data[:2 + k + int.from_bytes(data[2:2 + k], "big")]


def cert_blocks(path):
    """Each certificate of the file as (DER, PEM-or-None)."""
    data = open(path, "rb").read()
    blocks = pem_blocks(data)
    if not blocks:
        return [(data, None)]
    return [(der_prefix(base64.b64decode(b"".join(b.splitlines()[1:-1]))), b) for b in blocks]


def x509(block, *args):
    der, pem = block
    if pem is not None:
        return openssl("x509", "-noout", *args, inp=pem)
    return openssl("x509", "-inform", "DER", "-noout", *args, inp=der)


FIELDS = ("-subject", "-issuer", "-nameopt", "RFC2253", "-fingerprint", "-sha256", "-serial",
          "-startdate", "-enddate")


def fields(block):
    """subject, issuer (RFC 2253), sha256 fingerprint, serial, notBefore, notAfter: one openssl run."""
    out = {}
    for line in x509(block, *FIELDS).decode().splitlines():
        name, value = line.split("=", 1)
        out[name] = value
    return out


def asn1_time(s):
    return calendar.timegm(time.strptime(s.strip(), "%b %d %H:%M:%S %Y GMT"))


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def text_field(text, header):
    """The line after `header` in -text output (extension values)."""
    lines = text.decode().splitlines()
    for i, l in enumerate(lines):
        if l.strip().startswith(header):
            return lines[i + 1].strip()
    return None


def check_cert_file(k, tree, path):
    rel = os.path.relpath(path, tree.root)
    blocks = cert_blocks(inside(k.root_of(tree, path), path))
    views = k.views(tree, path)
    check(views[:len(CERT_VIEWS)] == CERT_VIEWS, f"{rel}: views {views}")
    out = {v: k.decode(tree, path, v) for v in CERT_VIEWS}

    texts = [x509(b, "-text") for b in blocks]
    want = b"".join(texts)
    if path in tree.combined:
        check(out["txt"].startswith(want), f"{rel}.txt: certificates differ from openssl x509 -text")
        tail = out["txt"][len(want):].decode()
        for line in tree.combined[path]:
            check(line in tail.splitlines(), f"{rel}.txt: no '{line}' in the key summary")
        check("PRIVATE KEY-----" not in tail, f"{rel}.txt: shows a PEM line")
    else:
        check(out["txt"] == want, f"{rel}.txt differs from openssl x509 -noout -text")

    f = [fields(b) for b in blocks]
    for view, name in (("subject", "subject"), ("issuer", "issuer"), ("sha256", "sha256 Fingerprint")):
        exp = "".join(x[name] + "\n" for x in f).encode()
        check(out[view] == exp, f"{rel}.{view}: {out[view]!r} != {exp!r}")

    san = b""
    for t in texts:
        v = text_field(t, "X509v3 Subject Alternative Name:")
        if v:
            san += b"".join(s.encode() + b"\n" for s in v.split(", "))
    check(out["san"] == san, f"{rel}.san: {out['san']!r} != {san!r}")

    exp = ""
    for x in f:
        nb, na = asn1_time(x["notBefore"]), asn1_time(x["notAfter"])
        days = (na - gen.NOW) // 86400
        status = ("expired" if gen.NOW > na else "not-yet-valid" if gen.NOW < nb
                  else "expiring" if days < 30 else "valid")
        cn = re.search(r"(?:^|,)CN=((?:[^,\\]|\\.)*)", x["subject"])
        exp += f"{iso(na)} {days} {status} {cn.group(1) if cn else '-'}\n"
    check(out["expiry"].decode() == exp, f"{rel}.expiry: {out['expiry']!r} != {exp!r}")

    objs = [json.loads(l) for l in out["json"].decode().splitlines()]
    check(len(objs) == len(blocks), f"{rel}.json: {len(objs)} objects for {len(blocks)} certificates")
    for i, (b, t, o, x) in enumerate(zip(blocks, texts, objs, f)):
        where = f"{rel}.json[{i}]"
        check(o.get("serial_number") == str(int(x["serial"], 16)), f"{where}: serial_number")
        check(o.get("not_before") == iso(asn1_time(x["notBefore"])), f"{where}: not_before")
        check(o.get("not_after") == iso(asn1_time(x["notAfter"])), f"{where}: not_after")
        check(o.get("sha256") == x["sha256 Fingerprint"], f"{where}: sha256")
        check(base64.b64decode("".join(o["pem"].splitlines()[1:-1])) == b[0], f"{where}: pem")
        sigalg = re.search(rb"Signature Algorithm: (\S+)", t).group(1).decode()
        if sigalg in SIGALGS:
            check(o.get("sigalg") == SIGALGS[sigalg], f"{where}: sigalg {o.get('sigalg')} for {sigalg}")
        ski = text_field(t, "X509v3 Subject Key Identifier:") or ""
        check(o.get("subject_key_id") == ski, f"{where}: subject_key_id")
        aki = (text_field(t, "X509v3 Authority Key Identifier:") or "").removeprefix("keyid:")
        check(o.get("authority_key_id") == aki, f"{where}: authority_key_id {o.get('authority_key_id')!r} != {aki!r}")
        bits = re.search(rb"Public-Key: \((\d+) bit\)", t)
        if bits and "Ed" not in o.get("key_algorithm", ""):
            check(o.get("key_size") == int(bits.group(1)), f"{where}: key_size")
        check(o.get("is_ca") == (b"CA:TRUE" in t), f"{where}: is_ca")
        ku = text_field(t, "X509v3 Key Usage:")
        check(o.get("key_usage") == (ku.split(", ") if ku else []), f"{where}: key_usage")
        eku = text_field(t, "X509v3 Extended Key Usage:")
        check(o.get("ext_key_usage") == (eku.split(", ") if eku else []), f"{where}: ext_key_usage")
        cn = re.search(rb"Subject: .*CN = ([^,\n]+)", t)
        if cn:
            check(o["subject"].get("common_name") == cn.group(1).decode(), f"{where}: subject.common_name")
        if san_line := text_field(t, "X509v3 Subject Alternative Name:"):
            items = san_line.split(", ")
            want_sans = [s[4:] for s in items if s.startswith("DNS:")] + \
                        [str(ipaddress.ip_address(s[11:])) for s in items if s.startswith("IP Address:")]
            check(o.get("sans") == want_sans, f"{where}: sans {o.get('sans')} != {want_sans}")


def spki(data_or_path, private=True, pubin=False):
    if pubin:
        return openssl("pkey", "-pubin", "-in", data_or_path, "-pubout", "-outform", "DER")
    return openssl("pkey", "-in", data_or_path, "-pubout", "-outform", "DER")


_dir_keys = {}


def dir_public_keys(d, skip):
    """(file, certificate number or 0, SPKI DER) of what the key's directory holds, as openssl reads it."""
    if d not in _dir_keys:
        _dir_keys[d] = scan_dir(d)
    return [f for f in _dir_keys[d] if f[0] != skip]


def scan_dir(d):
    found = []
    for name in sorted(os.listdir(d)):
        path = os.path.join(d, name)
        if not os.path.isfile(path) or not (name.endswith(CANDIDATE_EXTS) or "." not in name):
            continue
        data = open(path, "rb").read()
        certs = pem_blocks(data)
        for i, b in enumerate(certs):
            pub = openssl("x509", "-noout", "-pubkey", inp=b)
            if pub:
                found.append((name, i + 1, openssl("pkey", "-pubin", "-outform", "DER", inp=pub)))
        for m in re.finditer(rb"-----BEGIN PUBLIC KEY-----.*?-----END PUBLIC KEY-----", data, re.S):
            found.append((name, 0, openssl("pkey", "-pubin", "-outform", "DER", inp=m.group(0) + b"\n")))
        if not certs and data[:1] == b"\x30":
            pub = openssl("x509", "-inform", "DER", "-noout", "-pubkey", inp=data)
            if pub:
                found.append((name, 1, openssl("pkey", "-pubin", "-outform", "DER", inp=pub)))
        if data.startswith((b"ssh-", b"ecdsa-")) and shutil.which("ssh-keygen"):
            p = subprocess.run(["ssh-keygen", "-e", "-m", "PKCS8", "-f", path], capture_output=True)
            if p.returncode == 0:
                found.append((name, 0, openssl("pkey", "-pubin", "-outform", "DER", inp=p.stdout)))
    return found


def expected_matches(key_spki, found):
    lines, seen = [], set()
    for name, n, der in found:
        if der != key_spki or name in seen:
            continue
        seen.add(name)
        lines.append(f"matches: {name}" if n == 1 else f"matches: {name} (public key)" if n == 0
                     else f"matches: {name} (certificate {n})")
    return lines or ["matches: none"]


def check_key_file(k, tree, path):
    rel = os.path.relpath(path, tree.root)
    check(k.views(tree, path) == ["txt"], f"{rel}: views {k.views(tree, path)}")
    out = k.decode(tree, path, "txt").decode()
    lines = out.splitlines()
    pub = spki(path)
    check(f"public key sha256: {hashlib.sha256(pub).hexdigest()}" in lines, f"{rel}.txt: public key sha256")
    check("encrypted: no" in lines, f"{rel}.txt: encrypted")
    text_pub = openssl("pkey", "-in", path, "-noout", "-text_pub").decode()
    check(out.endswith(text_pub), f"{rel}.txt does not end with openssl pkey -noout -text_pub")
    head = text_pub.splitlines()[0]
    bits = re.match(r"Public-Key: \((\d+) bit\)", head)
    if "ASN1 OID:" in text_pub:
        curve = re.search(r"ASN1 OID: (\S+)", text_pub).group(1)
        check(any(l.startswith("curve: ") and curve in l for l in lines), f"{rel}.txt: curve {curve}")
        check("type: EC" in lines, f"{rel}.txt: type EC")
    elif bits:
        check(f"bits: {bits.group(1)}" in lines, f"{rel}.txt: bits {bits.group(1)}")
        check("type: RSA" in lines or "type: RSA-PSS" in lines, f"{rel}.txt: type RSA")
    elif head.startswith("ED25519"):
        check("type: Ed25519" in lines, f"{rel}.txt: type Ed25519")
    elif head.startswith("ED448"):
        check("type: Ed448" in lines, f"{rel}.txt: type Ed448")
    want = expected_matches(pub, dir_public_keys(os.path.dirname(path), os.path.basename(path)))
    got = [l for l in lines if l.startswith("matches: ")]
    check(got == want, f"{rel}.txt: {got} != {want}")
    for line in tree.matches.get(path, []):
        check(line in lines, f"{rel}.txt: no '{line}'")
    got = [l for l in lines if l.startswith("mismatch: ")]
    check(got == tree.mismatch.get(path, []), f"{rel}.txt: {got} != {tree.mismatch.get(path, [])}")


def main():
    k = Kubefs(gen.kubefs_arg(__doc__))
    tmp = tempfile.mkdtemp(prefix="kubefs-x509-")
    try:
        tree = gen.build(tmp)
        for path in tree.keys:   # fills the directory cache before the threads share it
            dir_public_keys(os.path.dirname(path), None)
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            jobs = [pool.submit(check_cert_file, k, tree, p) for p in tree.certs]
            jobs += [pool.submit(check_key_file, k, tree, p) for p in tree.keys]
            for j in jobs:
                j.result()
        for path, line in tree.encrypted.items():
            out = k.decode(tree, path, "txt").decode().splitlines()
            rel = os.path.relpath(path, tmp)
            check(line in out, f"{rel}.txt: no '{line}' in {out}")
            check("matches: unknown (the key is encrypted)" in out, f"{rel}.txt: matches")
        for path in tree.pubkeys:
            want = openssl("pkey", "-pubin", "-noout", "-text", "-in", path)
            check(k.decode(tree, path, "txt") == want, f"{os.path.relpath(path, tmp)}.txt != openssl pkey -pubin -text")
        for path in tree.csrs:
            want = openssl("req", "-noout", "-text", "-in", path)
            check(k.decode(tree, path, "txt") == want, f"{os.path.relpath(path, tmp)}.txt != openssl req -text")
        for path in tree.ssh:
            rel = os.path.relpath(path, tmp)
            want = subprocess.run(["ssh-keygen", "-lf", path + ".pub"], capture_output=True).stdout
            check(k.decode(tree, path + ".pub", "txt") == want, f"{rel}.pub.txt != ssh-keygen -lf")
            out = k.decode(tree, path, "txt").decode().splitlines()
            check(f"ssh fingerprint: {want.split()[1].decode()}" in out, f"{rel}.txt: ssh fingerprint")
            check(f"matches: {os.path.basename(path)}.pub (public key)" in out, f"{rel}.txt: matches its .pub")
    finally:
        shutil.rmtree(tmp)
    return gen.finish(failures, f"oracle: {checks} checks, {len(failures)} failed")


if __name__ == "__main__":
    sys.exit(main())
