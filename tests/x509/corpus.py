#!/usr/bin/python3
"""Certificate and key views over a corpus of real-world files, against openssl.

usage: corpus.py KUBEFS [CORPUS]     (CORPUS defaults to /work/shared/corpus)

For every file under CORPUS, with `kubefs decode --root CORPUS`:
  - each PEM CERTIFICATE block openssl can read appears in F.txt exactly as
    `openssl x509 -noout -text` prints it, in file order (as conformance.py);
    a DER .crt/.cer/.der file gives F.txt == openssl's -inform DER text;
  - F.subject, F.issuer, F.sha256 hold openssl's line for each of them, F.san
    the entries of its Subject Alternative Name line (when no entry holds ", ");
  - every line of F.json is a JSON object;
  - no view of any file shows a line of any private key PEM block;
  - kubefs never crashes (exit 0 or 1, never a signal) and answers in time.
Skips (77) when the corpus or openssl is missing.
"""
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402

KEY_LABELS = rb"(?:[A-Z0-9 ]*PRIVATE KEY|Ed25519 PRIVATE KEY)"


def blocks(data, label):
    rx = re.compile(rb"-----BEGIN " + label + rb"-----.*?-----END " + label + rb"-----", re.S)
    return [b.replace(b"\r", b"") + b"\n" for b in rx.findall(data)]


# X509_print_ex() prints OpenSSL's error queue for a key it cannot load:
# those lines start with the printing thread's id, different in every process.
TID = re.compile(rb"^[0-9A-F]{8,16}:error:", re.M)


def no_tid(b):
    return TID.sub(b"TID:error:", b)


def openssl(args, inp=None):
    return subprocess.run(["openssl"] + args, input=inp, capture_output=True, timeout=30)


def check_file(kubefs, corpus, path, secrets):
    failed, checked = [], 0
    rel = os.path.relpath(path, corpus)
    data = open(path, "rb").read()
    views = subprocess.run([kubefs, "views", "--root", corpus, path], capture_output=True, timeout=30)
    names = [l.rsplit(".", 1)[1] for l in views.stdout.decode().splitlines()]
    out = {}
    for v in names:
        p = subprocess.run([kubefs, "decode", "--root", corpus, "--view", v, path],
                           capture_output=True, timeout=30)
        if p.returncode not in (0, 1):
            failed.append(f"{rel}.{v}: exit {p.returncode} {p.stderr[-300:]!r}")
        out[v] = p.stdout
        text = p.stdout.decode(errors="replace")
        for s in secrets:
            if s in text:
                failed.append(f"{rel}.{v}: shows private key material")
                break
    texts = [(b, openssl(["x509", "-noout", "-text"], b)) for b in blocks(data, rb"CERTIFICATE")]
    certs = [(b, t.stdout) for b, t in texts if t.returncode == 0]
    if certs:
        checked += 1
        got = no_tid(out.get("txt", b""))
        if "txt" not in out:
            failed.append(f"{rel}: certificates but no .txt view")
            return failed, checked
        for n, line in enumerate(out.get("json", b"").splitlines()):
            try:
                if not isinstance(json.loads(line), dict):
                    raise ValueError("not an object")
            except ValueError as e:
                failed.append(f"{rel}.json: line {n + 1}: {e}")
        san_lines = out.get("san", b"").decode(errors="replace").splitlines()
        pos = 0
        for i, (b, text) in enumerate(certs):
            m = re.search(rb"X509v3 Subject Alternative Name: (?:critical)?\n\s*(.*)\n", text)
            if m and m.group(1).count(b", ") + 1 == len(re.findall(rb"(?:^|, )(?:DNS|IP Address|email|URI|othername|DirName|Registered ID):", m.group(1))):
                for entry in m.group(1).decode(errors="replace").split(", "):
                    # a control character in a name (newlinesInTLD) is escaped: \x0A
                    if not any(l == entry or l.startswith(entry + "\\x") for l in san_lines):
                        failed.append(f"{rel}.san: certificate {i + 1}: {entry!r} missing")
            want = no_tid(text)
            at = got.find(want, pos)
            if at < 0:
                failed.append(f"{rel}.txt: certificate {i + 1} missing or differs")
            pos = max(pos, at)
            lines = openssl(["x509", "-noout", "-subject", "-issuer", "-nameopt", "RFC2253",
                             "-fingerprint", "-sha256"], b).stdout.splitlines(True)
            for view, line, strip in zip(("subject", "issuer", "sha256"), lines,
                                         (b"subject=", b"issuer=", b"sha256 Fingerprint=")):
                line = line[len(strip):] if line.startswith(strip) else line
                if line not in out.get(view, b"").splitlines(True):
                    failed.append(f"{rel}.{view}: certificate {i + 1}: {line!r} missing")
    elif path.endswith((".crt", ".cer", ".der")):
        want = openssl(["x509", "-inform", "DER", "-noout", "-text", "-in", path])
        if want.returncode == 0:
            checked += 1
            if no_tid(out.get("txt", b"")) != no_tid(want.stdout):
                failed.append(f"{rel}.txt: DER certificate differs from openssl's text")
    return failed, checked


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    kubefs = sys.argv[1]
    corpus = sys.argv[2] if len(sys.argv) > 2 else "/work/shared/corpus"
    if not os.path.isdir(corpus):
        print(f"SKIP: no corpus at {corpus}")
        return 77
    if not shutil.which("openssl"):
        print("SKIP: openssl not found")
        return 77
    files = []
    secrets = set()
    for d, _, names in os.walk(corpus):
        for n in sorted(names):
            path = os.path.join(d, n)
            if os.path.isfile(path) and not os.path.islink(path):
                files.append(path)
                data = open(path, "rb").read()
                rx = re.compile(rb"-----BEGIN (" + KEY_LABELS + rb")-----(.*?)-----END \1-----", re.S)
                for m in rx.finditer(data):
                    for line in m.group(2).replace(b"\r", b"").split(b"\n"):
                        line = line.strip()
                        if len(line) >= 16 and b":" not in line:
                            secrets.add(line.decode(errors="replace"))
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for r in pool.map(lambda p: check_file(kubefs, corpus, p, secrets), sorted(files)):
            results.append(r)
    failed = [f for fs, _ in results for f in fs]
    checked = sum(c for _, c in results)
    return gen.finish(failed, f"corpus: {len(files)} files, {checked} with certificates, {len(failed)} failures")


if __name__ == "__main__":
    sys.exit(main())
