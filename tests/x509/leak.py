#!/usr/bin/python3
"""No sidecar shows private key material.

usage: leak.py KUBEFS

Builds a tree of keys and certificates at test time (gen.py: PKCS#8, PKCS#1,
SEC 1, encrypted, OpenSSH, cert+key files, kubeadm and kubeasz layouts),
decodes every view of every file with `kubefs decode`, and asserts that no
output contains
  - a PEM armour line of a private key, or any base64 line of its body;
  - any 24-character chunk of the base64 of a private key's DER (PKCS#8 and
    traditional), at any of the three byte alignments, except chunks of its
    public key alone;
  - any private number openssl prints for the key (`openssl pkey -text`:
    privateExponent, primes, exponents, coefficient, priv), as openssl's
    colon hex lines or as plain hex.
Skips (77) without openssl.
"""
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402

WINDOW = 24
PRIVATE_FIELDS = ("privateExponent", "prime1", "prime2", "exponent1", "exponent2", "coefficient", "priv")
KEY_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----(.*?)-----END \1-----", re.S)


def openssl(*args):
    p = subprocess.run(["openssl"] + list(args), capture_output=True)
    return p.stdout if p.returncode == 0 else None


class Secrets:
    def __init__(self):
        self.lines = set()      # PEM body lines, colon-hex lines of private numbers
        self.windows = set()    # base64 chunks of private DER
        self.hex = set()        # plain hex of private numbers (first 32 digits), both cases

    def add_pem(self, data, public):
        for m in KEY_BLOCK.finditer(data):
            for line in m.group(2).replace(b"\r", b"").split(b"\n"):
                line = line.strip()
                if len(line) < 16 or b":" in line:
                    continue
                try:
                    raw = base64.b64decode(line)
                except ValueError:
                    raw = b""
                if len(raw) >= 12 and raw in public:
                    continue    # a line of public key bytes only (the EC point at a key's end)
                self.lines.add(line.decode())

    @staticmethod
    def chunks(der):
        out = set()
        for shift in range(3):
            b64 = base64.b64encode(der[shift:]).decode()
            for i in range(len(b64) - WINDOW + 1):
                out.add(b64[i:i + WINDOW])
        return out

    def add_der(self, der, public):
        # a private key's DER holds its public key too (the RSA modulus, the
        # EC point): chunks of those bytes alone are public, certificates show them
        self.windows |= self.chunks(der) - self.chunks(public)

    def add_numbers(self, text):
        field = None
        numbers = {}
        for line in text.decode().splitlines():
            m = re.match(r"^(\w[\w-]*):\s*$", line)
            if m:
                field = m.group(1)
                continue
            if not line.startswith(" "):
                field = None
                continue
            if field in PRIVATE_FIELDS:
                numbers.setdefault(field, "")
                numbers[field] += line.strip()
                if len(line.strip()) >= 20:
                    self.lines.add(line.strip())
        for value in numbers.values():
            h = value.replace(":", "").lstrip("0")
            if len(h) >= 32:
                self.hex.add(h[:32].lower())
                self.hex.add(h[:32].upper())

    def found_in(self, text):
        for line in self.lines:
            if line in text:
                return f"line {line[:20]}..."
        for h in self.hex:
            if h in text:
                return f"hex {h[:12]}..."
        for run in re.findall(r"[A-Za-z0-9+/]{%d,}" % WINDOW, text):
            for i in range(len(run) - WINDOW + 1):
                if run[i:i + WINDOW] in self.windows:
                    return f"base64 {run[i:i + 12]}..."
        return None


def collect(tree, secrets):
    for d, _, names in os.walk(tree.root):
        for n in names:
            path = os.path.join(d, n)
            if os.path.islink(path):
                continue
            data = open(path, "rb").read()
            if b"PRIVATE KEY-----" not in data:
                continue
            public = openssl("pkey", "-in", path, "-pubout", "-outform", "DER") or b""
            secrets.add_pem(data, public)
            if b"ENCRYPTED" in data or b"OPENSSH" in data:
                continue
            for args in (["-outform", "DER"], ["-outform", "DER", "-traditional"]):
                der = openssl("pkey", "-in", path, *args)
                if der:
                    secrets.add_der(der, public)
            text = openssl("pkey", "-in", path, "-noout", "-text")
            if text:
                secrets.add_numbers(text)


def main():
    kubefs = gen.kubefs_arg(__doc__)
    env = dict(os.environ, KUBEFS_NOW=str(gen.NOW))
    tmp = tempfile.mkdtemp(prefix="kubefs-leak-")
    failed, files, views = [], 0, 0
    try:
        tree = gen.build(tmp)
        secrets = Secrets()
        collect(tree, secrets)
        if len(secrets.lines) < 50 or len(secrets.windows) < 1000 or len(secrets.hex) < 10:
            failed.append(f"too few secrets collected: {len(secrets.lines)} lines, "
                          f"{len(secrets.windows)} chunks, {len(secrets.hex)} numbers")
        for layout in sorted(os.listdir(tmp)):
            root = os.path.join(tmp, layout)
            for d, _, names in os.walk(root):
                for n in sorted(names):
                    path = os.path.join(d, n)
                    p = subprocess.run([kubefs, "decode", "--root", root, path], capture_output=True,
                                       env=env, timeout=60)
                    if b"no decoder recognises it" in p.stderr:
                        continue
                    files += 1
                    views += p.stdout.count(b"\n==> ") + 1
                    text = p.stdout.decode(errors="replace")
                    rel = os.path.relpath(path, tmp)
                    if "PRIVATE KEY-----" in text:
                        failed.append(f"{rel}: a PEM armour line of a private key")
                    why = secrets.found_in(text + p.stderr.decode(errors="replace"))
                    if why:
                        failed.append(f"{rel}: shows private material ({why})")
    finally:
        shutil.rmtree(tmp)
    return gen.finish(failed, f"leak: {files} files, {views} views, {len(failed)} failures")


if __name__ == "__main__":
    sys.exit(main())
