#!/usr/bin/python3
"""Broken and hostile certificate and key files, through `kubefs decode`.

usage: hostile.py KUBEFS

Each case is a file made at test time; kubefs must exit 0 or 1 (never die of
a signal), answer within the subprocess timeout, keep its output under a
bound, and say what it should ("error: certificate 2: ..." for the broken
block of a bundle). Timing is not asserted, only that nothing hangs.
Skips (77) without openssl.
"""
import base64
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402

MiB = 1 << 20


def pem64(data):
    b64 = base64.b64encode(data)
    return b"".join(b64[i:i + 64] + b"\n" for i in range(0, len(b64), 64))


def openssl(*args):
    return subprocess.run(["openssl"] + list(args), capture_output=True, check=True).stdout


def main():
    kubefs = gen.kubefs_arg(__doc__)
    tmp = tempfile.mkdtemp(prefix="kubefs-hostile-")
    failed, cases = [], 0
    try:
        key = os.path.join(tmp, "k.key")
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)
        cert = openssl("req", "-x509", "-new", "-key", key, "-subj", "/CN=hostile", "-days", "30")
        keypem = open(key, "rb").read()
        os.unlink(key)
        body = cert.split(b"\n")[1:-2]
        broken = b"-----BEGIN CERTIFICATE-----\n" + b"\n".join(body[:3]) + b"\n!!garbage@@\n" + \
                 b"\n".join(body[3:]) + b"\n-----END CERTIFICATE-----\n"
        truncated = cert[: len(cert) // 2]
        big_b64 = base64.encodebytes(os.urandom(3 * MiB))
        ssh_bad = base64.b64encode(b"openssh-key-v1\0" + b"\xff\xff\xff\xf0" + b"none" * 8)

        # name, content, view, (strings the output must hold), output bound
        cases_list = [
            ("truncated.pem", truncated, "txt", ["error: certificate 1: no END line"], 4096),
            ("truncated-then-good.pem", truncated + cert, "txt", ["error: certificate 1: ", "Certificate:"], 64 * 1024),
            ("garbage-inside.pem", broken, "txt", ["error: certificate 1: "], 4096),
            ("bundle-middle-broken.pem", cert + broken + cert, "subject",
             ["CN=hostile\nerror: certificate 2: ", "\nCN=hostile\n"], 4096),
            ("bundle-middle-broken.json.pem", cert + broken + cert, "json", ['{"error":"certificate 2: '], 64 * 1024),
            ("random.pem", os.urandom(64 * 1024), "txt", ["error: no certificate found"], 4096),
            ("random.crt", os.urandom(64 * 1024), "txt", ["error: "], 4096),
            ("empty.crt", b"", "txt", ["error: empty file"], 4096),
            ("empty.crt", b"", "json", ['{"error":"empty file"}'], 4096),
            ("notcert.der", bytes.fromhex("300a020101160568656c6c6f"), "txt", ["error: not a DER certificate"], 4096),
            ("huge-length.der", b"\x30\x84\xff\xff\xff\xff" + os.urandom(1024), "txt", ["error: "], 4096),
            ("deep.der", b"\x30\x80" * 100000, "txt", ["error: "], 4096),
            ("dashes.pem", b"-" * (8 * MiB), "txt", ["error: "], 4096),
            ("begins.pem", b"-----BEGIN CERTIFICATE-----\n" * 200000, "txt", ["certificate 1: no END line"],
             2 * MiB),
            ("long-line.pem", b"-----BEGIN CERTIFICATE-----\n" + big_b64.replace(b"\n", b"") +
             b"\n-----END CERTIFICATE-----\n", "txt", ["error: certificate 1: "], 4096),
            ("nul-inside.pem", cert.replace(body[2], body[2][:10] + b"\0\0\0" + body[2][13:]), "txt",
             ["error: certificate 1: "], 4096),
            ("bundle-3000.pem", cert * 3000, "sha256", [], 1 * MiB),
            ("bundle-6000.pem", cert * 6000, "expiry", ["error: 1000 more certificates after the first 5000"],
             1 * MiB),
            ("bundle-3000.txt.pem", cert * 3000, "txt", [], 40 * MiB),
            ("too-big.crt", cert * (17 * MiB // len(cert)), "txt", ["error: too big to decode"], 4096),
            ("key-truncated.key", keypem[: len(keypem) // 2], "txt", ["error: private key 1: no END line"], 4096),
            ("key-garbage.key", keypem.replace(keypem.split(b"\n")[1], b"@@@@"), "txt", ["error: private key 1: "],
             4096),
            ("key-random.key", os.urandom(4096), "txt", ["error: no key"], 4096),
            ("openssh-bad.key", b"-----BEGIN OPENSSH PRIVATE KEY-----\n" + ssh_bad +
             b"\n-----END OPENSSH PRIVATE KEY-----\n", "txt", ["error: private key 1: "], 4096),
            ("ssh-bad.pub", b"ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB////\nssh-ed25519 !!!!\n", "txt", ["error: "], 4096),
            ("dek-junk.key", b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: \x01\x02evil\x1b[31m,00\n\n" +
             pem64(os.urandom(600)) + b"-----END RSA PRIVATE KEY-----\n", "txt", ["encrypted: yes (??evil?[31m"],
             4096),
            ("csr-garbage.csr", b"-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n", "txt",
             ["error: certificate request 1: "], 4096),
        ]
        for name, data, view, wants, bound in cases_list:
            cases += 1
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(data)
            try:
                p = subprocess.run([kubefs, "decode", "--root", tmp, "--view", view, path], capture_output=True,
                                   timeout=120)
            except subprocess.TimeoutExpired:
                failed.append(f"{name}.{view}: no answer in 120 s")
                continue
            if p.returncode not in (0, 1):
                failed.append(f"{name}.{view}: exit {p.returncode}: {p.stderr[-300:]!r}")
                continue
            if len(p.stdout) > bound:
                failed.append(f"{name}.{view}: {len(p.stdout)} bytes of output, more than {bound}")
            text = p.stdout.decode(errors="replace")
            for w in wants:
                if w not in text:
                    failed.append(f"{name}.{view}: no {w!r} in {text[:300]!r}")
            if len(p.stderr.splitlines()) > 1:
                failed.append(f"{name}.{view}: more than one line on stderr: {p.stderr[:300]!r}")
    finally:
        shutil.rmtree(tmp)
    return gen.finish(failed, f"hostile: {cases} cases, {len(failed)} failures")


if __name__ == "__main__":
    sys.exit(main())
