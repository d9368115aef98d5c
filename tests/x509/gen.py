"""Generates, at test time, a tree of certificates and keys with openssl.

Nothing here is committed output: every test builds its own tree in a temp
dir. build(root) returns a Tree describing what it made, for the tests to
check kubefs's views against openssl's.

Layout under root:
  kinds/      one self-signed-CA-issued leaf per key type (RSA 2048/4096,
              RSA-PSS, EC P-256/P-384, Ed25519, Ed448) with DNS, IPv4, IPv6,
              email and URI SANs, and its key; DER (.der/.cer) and CRLF copies;
              a bundle; a chain under an intermediate with name constraints;
              expired, not-yet-valid and expiring certificates (openssl ca
              -startdate/-enddate), one with its `openssl ca` text dump before
              the PEM; a TRUSTED CERTIFICATE; an unknown critical extension;
              encrypted keys (PKCS#8 PBES2, traditional DEK-Info); a CSR; a
              cert+key file
  kubeadm/etc/kubernetes/pki/   kubeadm's names, sa.key/sa.pub, etcd/, a
              broken pair (front-proxy-client.key does not match its .crt)
  kubeadm/var/lib/kubelet/pki/  kubelet-client-DATE.pem (chain then EC
              PRIVATE KEY) and the kubelet-client-current.pem symlink
  kubeasz/etc/kubernetes/ssl/   cfssl names: ca.pem ca-key.pem kubernetes.pem ...
"""
import os
import shutil
import subprocess
import sys

# 2026-01-01T00:00:00Z, as tests/golden.py pins it
NOW = 1767225600

CA_CNF = """\
[ca]
default_ca = ca_default
[ca_default]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
copy_extensions = copy
unique_subject = no
[policy_any]
commonName = supplied
"""

LEAF_EXT = """\
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:kubernetes,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1,IP:192.168.0.160,IP:fd00::1,IP:::1,email:admin@example.com,URI:spiffe://cluster.local/ns/default/sa/x
"""

INTER_EXT = """\
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
nameConstraints = critical,permitted;DNS:.cluster.local,permitted;IP:10.0.0.0/255.0.0.0,excluded;DNS:.evil.example
"""

KEY_TYPES = {
    "rsa2048": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    "rsa4096": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"],
    "rsapss": ["-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048"],
    "p256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "p384": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
    # the key printer's other paths (x509.c prints RSA and NIST curves itself)
    "rsa1024e3": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-pkeyopt", "rsa_keygen_pubexp:3"],
    "rsa3072": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"],
    "p521": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
    "secp256k1": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1"],
    "ed25519": ["-algorithm", "ED25519"],
    "ed448": ["-algorithm", "ED448"],
}


def run(args, cwd=None, inp=None):
    p = subprocess.run(args, cwd=cwd, input=inp, capture_output=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {p.stderr.decode(errors='replace')}")
    return p.stdout


def openssl(*args, cwd=None, inp=None):
    return run(["openssl"] + list(args), cwd=cwd, inp=inp)


class Tree:
    def __init__(self, root):
        self.root = root
        self.certs = []         # files whose certificates openssl can read (PEM or DER)
        self.der = set()        # which of them are DER
        self.keys = []          # unencrypted private key files
        self.encrypted = {}     # encrypted key file -> expected "encrypted:" text
        self.pubkeys = []       # PUBLIC KEY files
        self.csrs = []
        self.matches = {}       # key file -> expected "matches:" lines
        self.mismatch = {}      # key file -> expected "mismatch:" lines
        self.combined = {}      # cert+key file -> expected key "matches:" lines
        self.ssh = []           # OpenSSH key files (private), .pub beside them

    def path(self, *parts):
        return os.path.join(self.root, *parts)


def genkey(path, kind):
    openssl("genpkey", *KEY_TYPES[kind], "-out", path)
    os.chmod(path, 0o600)


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def selfsigned(d, name, kind, subj, ext=None, days=3650):
    key = os.path.join(d, name + ".key")
    crt = os.path.join(d, name + ".crt")
    genkey(key, kind)
    args = ["req", "-x509", "-new", "-key", key, "-subj", subj, "-days", str(days), "-out", crt]
    if ext:
        args += ["-addext", ext]
    openssl(*args)
    return crt, key


def issue(d, name, kind, subj, ca_crt, ca_key, extfile_text, days=365, key=None):
    """A leaf signed by ca_crt with `openssl x509 -req` and an extension file."""
    key = key or os.path.join(d, name + ".key")
    if not os.path.exists(key):
        genkey(key, kind)
    csr = os.path.join(d, name + ".csr.tmp")
    crt = os.path.join(d, name + ".crt")
    ext = os.path.join(d, name + ".ext.tmp")
    write(ext, ("[v3]\n" + extfile_text).encode())
    openssl("req", "-new", "-key", key, "-subj", subj, "-out", csr)
    openssl("x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial",
            "-days", str(days), "-extfile", ext, "-extensions", "v3", "-out", crt)
    os.unlink(csr)
    os.unlink(ext)
    return crt, key


def ca_issue(d, name, ca_crt, ca_key, start, end, text=False, kind="p256"):
    """A leaf with chosen validity dates, through `openssl ca`."""
    work = os.path.join(d, ".ca")
    os.makedirs(work, exist_ok=True)
    write(os.path.join(work, "ca.cnf"), CA_CNF.encode())
    if not os.path.exists(os.path.join(work, "index.txt")):
        write(os.path.join(work, "index.txt"), b"")
        write(os.path.join(work, "serial"), b"1000\n")
    key = os.path.join(d, name + ".key")
    genkey(key, kind)
    csr = os.path.join(work, name + ".csr")
    out = os.path.join(d, name + ".crt")
    openssl("req", "-new", "-key", key, "-subj", f"/CN={name}", "-addext",
            f"subjectAltName=DNS:{name}.example", "-out", csr)
    args = ["ca", "-batch", "-config", "ca.cnf", "-cert", ca_crt, "-keyfile", ca_key,
            "-in", csr, "-out", out, "-startdate", start, "-enddate", end]
    if not text:
        args.append("-notext")
    openssl(*args, cwd=work)
    return out, key


def build_kinds(t):
    d = t.path("kinds")
    os.makedirs(d)
    ca, ca_key = selfsigned(d, "ca", "rsa2048", "/C=US/ST=CA/L=San Francisco/O=Example, Inc./OU=K8s/CN=kubernetes-ca",
                            "keyUsage=critical,keyCertSign,cRLSign")
    t.certs.append(ca)
    t.keys.append(ca_key)
    t.matches[ca_key] = ["matches: ca.crt"]
    for kind in KEY_TYPES:
        crt, key = issue(d, kind, kind, f"/O=system:masters/O=kubeadm:cluster-admins/CN={kind}-leaf",
                         ca, ca_key, LEAF_EXT)
        t.certs.append(crt)
        t.keys.append(key)
        t.matches[key] = [f"matches: {kind}.crt"]
        der = os.path.join(d, kind + ".der")
        openssl("x509", "-in", crt, "-outform", "DER", "-out", der)
        t.certs.append(der)
        t.der.add(der)
        t.matches[key].insert(0, f"matches: {kind}.der")
    # the same leaf, other spellings
    shutil.copy(t.path("kinds", "p256.der"), t.path("kinds", "p256-copy.cer"))
    t.certs.append(t.path("kinds", "p256-copy.cer"))
    t.der.add(t.path("kinds", "p256-copy.cer"))
    t.matches[t.path("kinds", "p256.key")].insert(1, "matches: p256-copy.cer")
    bundle = b"".join(open(t.path("kinds", k + ".crt"), "rb").read() for k in ("rsa2048", "p256", "ed25519"))
    bundle = b"Some text before the first block.\n" + bundle.replace(b"-----END CERTIFICATE-----\n",
                                                                      b"-----END CERTIFICATE-----\ntext between\n")
    write(t.path("kinds", "bundle.txt.pem"), bundle)
    t.certs.append(t.path("kinds", "bundle.txt.pem"))
    write(t.path("kinds", "bundle-crlf.pem"), bundle.replace(b"\n", b"\r\n"))
    t.certs.append(t.path("kinds", "bundle-crlf.pem"))
    # leading whitespace before BEGIN, junk after END
    one = open(t.path("kinds", "p384.crt"), "rb").read()
    write(t.path("kinds", "indented.pem"), b"   " + one.replace(b"-----END CERTIFICATE-----",
                                                               b"-----END CERTIFICATE-----junk after"))
    t.certs.append(t.path("kinds", "indented.pem"))
    # a chain: root -> intermediate with name constraints -> leaf
    inter, inter_key = issue(d, "intermediate", "p384", "/CN=intermediate-ca", ca, ca_key, INTER_EXT)
    t.certs.append(inter)
    leaf, leaf_key = issue(d, "chained", "p256", "/CN=etcd.cluster.local", inter, inter_key,
                           LEAF_EXT.replace("IP:192.168.0.160,", ""))
    t.certs.append(leaf)
    chain = open(leaf, "rb").read() + open(inter, "rb").read() + open(ca, "rb").read()
    write(t.path("kinds", "chain.pem"), chain)
    t.certs.append(t.path("kinds", "chain.pem"))
    t.matches[inter_key] = ["matches: chain.pem (certificate 2)", "matches: intermediate.crt"]
    t.matches[leaf_key] = ["matches: chain.pem", "matches: chained.crt"]
    t.matches[ca_key] = ["matches: ca.crt", "matches: chain.pem (certificate 3)"]
    t.keys += [inter_key, leaf_key]
    # validity: expired, not yet valid, expiring (relative to NOW), and a text dump before the PEM
    for name, start, end, text in (("expired", "20200101000000Z", "20210101000000Z", False),
                                   ("notyet", "20300101000000Z", "20310101000000Z", True),
                                   ("expiring", "20250101000000Z", "20260115120000Z", False),
                                   ("lastday", "20250101000000Z", "20260101235959Z", False),
                                   ("far", "19700101000000Z", "99991231235959Z", False)):
        crt, key = ca_issue(d, name, ca, ca_key, start, end, text)
        t.certs.append(crt)
        t.keys.append(key)
        t.matches[key] = [f"matches: {name}.crt"]
    # trust settings, an unknown critical extension
    trusted = t.path("kinds", "trusted.pem")
    openssl("x509", "-in", ca, "-addtrust", "serverAuth", "-addreject", "emailProtection",
            "-setalias", "my ca", "-trustout", "-out", trusted)
    t.certs.append(trusted)
    t.matches[ca_key].append("matches: trusted.pem")
    crit, crit_key = issue(d, "critical", "p256", "/CN=critical", ca, ca_key,
                           LEAF_EXT + "1.3.6.1.4.1.99999.1 = critical,ASN1:UTF8String:unknown\n")
    t.certs.append(crit)
    t.keys.append(crit_key)
    t.matches[crit_key] = ["matches: critical.crt"]
    # encrypted keys: never decrypted, the cipher named
    enc8 = t.path("kinds", "enc-pkcs8.key")
    openssl("genpkey", *KEY_TYPES["p256"], "-aes-256-cbc", "-pass", "pass:secret", "-out", enc8)
    t.encrypted[enc8] = "encrypted: yes (PKCS#8 PBES2: PBKDF2 hmacWithSHA256, 2048 iterations, AES-256-CBC)"
    trad = t.path("kinds", "enc-trad.key")
    openssl("rsa", "-in", t.path("kinds", "rsa2048.key"), "-aes128", "-passout", "pass:secret",
            "-traditional", "-out", trad)
    t.encrypted[trad] = "encrypted: yes (AES-128-CBC, from DEK-Info)"
    # a CSR, a public key
    csr = t.path("kinds", "request.csr")
    openssl("req", "-new", "-key", t.path("kinds", "p384.key"), "-subj", "/O=system:nodes/CN=system:node:n1",
            "-addext", "subjectAltName=DNS:n1,IP:10.0.0.5", "-out", csr)
    t.csrs.append(csr)
    pub = t.path("kinds", "rsapss.pub")
    openssl("pkey", "-in", t.path("kinds", "rsapss.key"), "-pubout", "-out", pub)
    t.pubkeys.append(pub)
    t.matches[t.path("kinds", "rsapss.key")].append("matches: rsapss.pub (public key)")
    # a certificate with its key, in one file
    combo = t.path("kinds", "combined.pem")
    write(combo, open(t.path("kinds", "ed25519.crt"), "rb").read() + open(t.path("kinds", "ed25519.key"), "rb").read(),
          0o600)
    t.certs.append(combo)
    t.combined[combo] = ["matches: certificate 1"]
    t.matches[t.path("kinds", "ed25519.key")].append("matches: combined.pem")
    shutil.rmtree(os.path.join(d, ".ca"))
    for f in os.listdir(d):
        if f.endswith(".srl"):
            os.unlink(os.path.join(d, f))


def build_kubeadm(t):
    pki = t.path("kubeadm", "etc", "kubernetes", "pki")
    os.makedirs(os.path.join(pki, "etcd"))
    ca, ca_key = selfsigned(pki, "ca", "rsa2048", "/CN=kubernetes", "keyUsage=critical,keyCertSign,cRLSign")
    fp, fp_key = selfsigned(pki, "front-proxy-ca", "p256", "/CN=front-proxy-ca")
    eca, eca_key = selfsigned(os.path.join(pki, "etcd"), "ca", "p384", "/CN=etcd-ca")
    t.certs += [ca, fp, eca]
    t.keys += [ca_key, fp_key, eca_key]
    t.matches[ca_key] = ["matches: ca.crt"]
    t.matches[fp_key] = ["matches: front-proxy-ca.crt"]
    t.matches[eca_key] = ["matches: ca.crt"]
    for name, subj, (c, k) in (("apiserver", "/CN=kube-apiserver", (ca, ca_key)),
                               ("apiserver-kubelet-client", "/O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client", (ca, ca_key)),
                               ("front-proxy-client", "/CN=front-proxy-client", (fp, fp_key)),
                               ("apiserver-etcd-client", "/CN=kube-apiserver-etcd-client", (eca, eca_key))):
        crt, key = issue(pki, name, "rsa2048" if name == "apiserver" else "p256", subj, c, k, LEAF_EXT)
        t.certs.append(crt)
        t.keys.append(key)
        t.matches[key] = [f"matches: {name}.crt"]
    for name in ("server", "peer", "healthcheck-client"):
        crt, key = issue(os.path.join(pki, "etcd"), name, "p256", f"/CN={name}", eca, eca_key, LEAF_EXT)
        t.certs.append(crt)
        t.keys.append(key)
        t.matches[key] = [f"matches: {name}.crt"]
    # a broken pair: the key was regenerated, the certificate was not
    broken = os.path.join(pki, "front-proxy-client.key")
    genkey(broken, "p256")
    t.matches[broken] = ["matches: none"]
    t.mismatch[broken] = ["mismatch: front-proxy-client.crt holds a different public key"]
    # the service-account pair
    sa = os.path.join(pki, "sa.key")
    openssl("genrsa", "-traditional", "-out", sa, "2048")
    openssl("rsa", "-in", sa, "-pubout", "-out", os.path.join(pki, "sa.pub"))
    t.keys.append(sa)
    t.pubkeys.append(os.path.join(pki, "sa.pub"))
    t.matches[sa] = ["matches: sa.pub (public key)"]
    # kubelet's rotated client certificate: chain, then EC PRIVATE KEY; symlinked
    kpki = t.path("kubeadm", "var", "lib", "kubelet", "pki")
    os.makedirs(kpki)
    kk = os.path.join(kpki, "kk.tmp")
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", kk)
    crt, _ = issue(kpki, "kc", "p256", "/O=system:nodes/CN=system:node:node1", ca, ca_key,
                   LEAF_EXT.replace("serverAuth,", ""), key=kk)
    dated = os.path.join(kpki, "kubelet-client-2025-06-01-10-00-00.pem")
    write(dated, open(crt, "rb").read() + open(ca, "rb").read() + open(kk, "rb").read(), 0o600)
    for f in (crt, kk):
        os.unlink(f)
    os.symlink("/var/lib/kubelet/pki/kubelet-client-2025-06-01-10-00-00.pem",
               os.path.join(kpki, "kubelet-client-current.pem"))
    t.certs += [dated, os.path.join(kpki, "kubelet-client-current.pem")]
    t.combined[dated] = ["matches: certificate 1"]
    t.combined[os.path.join(kpki, "kubelet-client-current.pem")] = ["matches: certificate 1"]
    for f in os.listdir(pki):
        if f.endswith(".srl"):
            os.unlink(os.path.join(pki, f))


def build_kubeasz(t):
    ssl = t.path("kubeasz", "etc", "kubernetes", "ssl")
    os.makedirs(ssl)
    genkey(os.path.join(ssl, "ca-key.pem"), "rsa2048")
    openssl("req", "-x509", "-new", "-key", os.path.join(ssl, "ca-key.pem"), "-subj",
            "/C=CN/ST=HangZhou/L=XS/O=k8s/OU=System/CN=kubernetes", "-days", "36500",
            "-out", os.path.join(ssl, "ca.pem"))
    t.certs.append(os.path.join(ssl, "ca.pem"))
    t.keys.append(os.path.join(ssl, "ca-key.pem"))
    t.matches[os.path.join(ssl, "ca-key.pem")] = ["matches: ca.pem"]
    for name in ("kubernetes", "etcd", "kubelet", "aggregator-proxy", "admin"):
        key = os.path.join(ssl, name + "-key.pem")
        crt, _ = issue(ssl, name, "rsa2048" if name == "kubernetes" else "p256", f"/C=CN/O=k8s/CN={name}",
                       os.path.join(ssl, "ca.pem"),
                       os.path.join(ssl, "ca-key.pem"), LEAF_EXT, key=key)
        os.rename(crt, os.path.join(ssl, name + ".pem"))
        t.certs.append(os.path.join(ssl, name + ".pem"))
        t.keys.append(key)
        t.matches[key] = [f"matches: {name}.pem"]
    for f in os.listdir(ssl):
        if f.endswith(".srl"):
            os.unlink(os.path.join(ssl, f))


def build_ssh(t):
    if not shutil.which("ssh-keygen"):
        return
    d = t.path("ssh")
    os.makedirs(d)
    for kind, extra in (("ed25519", []), ("ecdsa", ["-b", "384"]), ("rsa", ["-b", "2048"])):
        key = os.path.join(d, "id_" + kind)
        run(["ssh-keygen", "-q", "-t", kind, *extra, "-N", "", "-C", f"{kind}@test", "-f", key])
        t.ssh.append(key)
    key = os.path.join(d, "id_enc")
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "secret phrase", "-C", "enc@test", "-f", key])
    t.ssh.append(key)


def kubefs_arg(doc):
    """The KUBEFS argument of a test script, absolute; exits 2 on a usage
    error and 77 (skipped) when openssl, the oracle, is missing."""
    if len(sys.argv) != 2:
        print(doc)
        sys.exit(2)
    if not shutil.which("openssl"):
        print("SKIP: openssl not found")
        sys.exit(77)
    return os.path.abspath(sys.argv[1])


def finish(failed, summary):
    """Prints the failures and the summary line; the exit code for meson."""
    for f in failed:
        print("FAIL", f)
    print(summary)
    return 1 if failed else 0


def build(root):
    t = Tree(root)
    build_kinds(t)
    build_kubeadm(t)
    build_kubeasz(t)
    build_ssh(t)
    return t
