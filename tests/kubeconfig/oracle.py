#!/usr/bin/python3
"""The kubeconfig views against their oracles, on kubeconfigs made at test time.

usage: oracle.py KUBEFS [CORPUS_DIR]

- .contexts, .current-context and .yaml against `kubectl config get-contexts`,
  `kubectl config current-context` and `kubectl config view` (--kubeconfig F),
  byte for byte. Where kubectl fails, the sidecar must be "error: " and
  kubectl's message (without its 'error loading config file "F": ' prefix;
  kubectl's %v dump of a list with a repeated name, secrets included, is left
  out); current-context's "not set" message is the sidecar's content. The only
  intended difference in .yaml is further redaction (auth-provider tokens,
  exec env values), which the comparison applies to kubectl's output.
- .txt against `openssl x509 -noout -text` for every certificate of every
  section, the header naming where it came from.
- A leak test: distinct secrets planted in every secret field, none of them in
  any view `kubefs views` lists.
- Every kubeconfig under CORPUS_DIR (default /work/shared/corpus when it
  exists) against kubectl.

Certificates and keys are generated with openssl in a temporary ROOT; nothing
secret is committed. Exits 77 when kubectl or openssl is missing.
"""
import base64
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

KUBEFS = None
FAILURES = []
PASSED = 0

# What kubefs redacts further than kubectl, applied to kubectl's .yaml output.
FURTHER = [
    (re.compile(r"^(\s+(?:id-token|refresh-token|client-secret|access-token): ).+$", re.M), r"\1REDACTED"),
]


def run(args, **kw):
    return subprocess.run(args, capture_output=True, **kw)


def openssl(*args, stdin=None):
    p = run(["openssl", *args], input=stdin)
    if p.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)}: {p.stderr.decode()}")
    return p.stdout


def fail(name, msg):
    FAILURES.append(f"{name}: {msg}")


def ok():
    global PASSED
    PASSED += 1


def kubefs(root, path, view, decoder=True):
    args = [KUBEFS, "decode", "--root", root, "--view", view]
    if decoder:
        args += ["--decoder", "kubeconfig"]
    p = run(args + [path])
    # a sanitizer build reports here
    if b"runtime error" in p.stderr or b"Sanitizer" in p.stderr:
        fail(f"{path} .{view}", "sanitizer: " + p.stderr.decode(errors="replace")[-2000:])
    return p


def kubectl(args, path):
    return run(["kubectl", "config", *args, "--kubeconfig", path], env=dict(os.environ, KUBECONFIG=""))


def redact_exec_env(text):
    """kubectl shows exec env values; kubefs reads them REDACTED."""
    out, in_env, indent = [], False, None
    for line in text.splitlines(True):
        m = re.match(r"^(\s*)env:\s*$", line)
        if m:
            in_env, indent = True, len(m.group(1))
            out.append(line)
            continue
        if in_env:
            lead = len(line) - len(line.lstrip(" "))
            if line.strip() and lead < indent or (lead == indent and not line.lstrip().startswith("- ")):
                in_env = False
            else:
                m = re.match(r"^(\s*(?:- )?value: )(.+)$", line.rstrip("\n"))
                if m and m.group(2) != '""':
                    line = m.group(1) + "REDACTED\n"
        out.append(line)
    return "".join(out)


def expected(view, p):
    """What the sidecar should hold, from kubectl's run."""
    if p.returncode == 0:
        out = p.stdout.decode()
        if view == "yaml":
            for rx, repl in FURTHER:
                out = rx.sub(repl, out)
            out = redact_exec_env(out)
        return out, False
    msg = p.stderr.decode()
    msg = re.sub(r'^error: error loading config file "[^"]*": ', "error: ", msg, count=1)
    return msg, True


VIEWS = (("contexts", ["get-contexts"]), ("current-context", ["current-context"]), ("yaml", ["view"]))


def compare_kubectl(name, root, path, decoder=True):
    """The three kubectl views of one file."""
    for view, args in VIEWS:
        want, failed = expected(view, kubectl(args, path))
        got = kubefs(root, path, view, decoder).stdout.decode(errors="replace")
        if got == want:
            ok()
            continue
        # kubectl's own message goes on with the list dumped by %v, secrets and all
        if failed and got.startswith("error: ") and want.startswith(got.rstrip("\n")) and \
                re.search(r"(in list|unsupported map key.*)\n$", got):
            ok()
            continue
        # the YAML parsers word syntax errors differently; both must refuse
        if failed and "yaml: " in want and got.startswith("error: yaml: "):
            ok()
            continue
        fail(f"{name} .{view}", f"differs from kubectl\n--- kubectl\n{want}+++ kubefs\n{got}")


def compare_txt(name, root, path, sources):
    """sources: [(header, bytes-or-None)] in order; None = the error line expected."""
    got = kubefs(root, path, "txt").stdout.decode(errors="replace")
    want = []
    for header, blob in sources:
        body = header + "\n"
        if isinstance(blob, str):
            body += blob
        else:
            for block in re.findall(rb"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n?", blob, re.S):
                body += openssl("x509", "-noout", "-text", stdin=block).decode()
        want.append(body)
    want = "\n".join(want)
    if got == want:
        ok()
    else:
        fail(f"{name} .txt", f"differs from openssl\n--- want\n{want}+++ kubefs\n{got}")


# ---- certificates ----

class PKI:
    def __init__(self, d):
        self.d = d
        os.makedirs(d, exist_ok=True)

    def path(self, n):
        return os.path.join(self.d, n)

    def ca(self, name, cn):
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.path(name + ".key"),
                "-out", self.path(name + ".crt"), "-subj", "/CN=" + cn, "-days", "3650", "-utf8")
        return self.read(name + ".crt")

    def leaf(self, name, subj, ca="ca"):
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", self.path(name + ".key"), "-out", self.path(name + ".csr"), "-subj", subj, "-utf8")
        openssl("x509", "-req", "-in", self.path(name + ".csr"), "-CA", self.path(ca + ".crt"),
                "-CAkey", self.path(ca + ".key"), "-CAcreateserial", "-out", self.path(name + ".crt"),
                "-days", "365")
        return self.read(name + ".crt")

    def read(self, n):
        with open(self.path(n), "rb") as f:
            return f.read()


def b64(b):
    return base64.b64encode(b).decode()


def write(root, rel, text, mode=0o600):
    p = os.path.join(root, rel.lstrip("/"))
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w" if isinstance(text, str) else "wb") as f:
        f.write(text)
    os.chmod(p, mode)
    return p


def kubectl_set(path, *cmds):
    """Writes a kubeconfig with kubectl itself: its field order, its quoting."""
    for c in cmds:
        p = run(["kubectl", "config", *c, "--kubeconfig", path])
        if p.returncode != 0:
            raise RuntimeError(f"kubectl config {' '.join(c)}: {p.stderr.decode()}")


# ---- cases ----

def kubeadm_files(root, pki):
    """kubeadm's kubeconfigs: embedded data, written by kubectl; kubelet.conf by path."""
    cases = []
    for conf, user in (("admin.conf", "kubernetes-admin"), ("super-admin.conf", "kubernetes-super-admin"),
                       ("controller-manager.conf", "system:kube-controller-manager"),
                       ("scheduler.conf", "system:kube-scheduler")):
        path = os.path.join(root, "etc/kubernetes", conf)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        crt = pki.path(user.replace(":", "-") + ".crt")
        kubectl_set(path,
                    ["set-cluster", "kubernetes", "--server=https://192.168.0.10:6443",
                     "--certificate-authority=" + pki.path("ca.crt"), "--embed-certs=true"],
                    ["set-credentials", user, "--client-certificate=" + crt,
                     "--client-key=" + crt[:-4] + ".key", "--embed-certs=true"],
                    ["set-context", f"{user}@kubernetes", "--cluster=kubernetes", "--user=" + user],
                    ["use-context", f"{user}@kubernetes"])
        with open(crt, "rb") as f:
            cert = f.read()
        cases.append((path, [("# clusters[kubernetes].certificate-authority-data", pki.read("ca.crt")),
                             (f"# users[{user}].client-certificate-data", cert)]))
    kubelet = write(root, "etc/kubernetes/kubelet.conf", f"""apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: {b64(pki.read("ca.crt"))}
    server: https://192.168.0.10:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: system:node:node-1
  name: system:node:node-1@kubernetes
current-context: system:node:node-1@kubernetes
kind: Config
preferences: {{}}
users:
- name: system:node:node-1
  user:
    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem
    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem
""")
    pem = pki.read("kubelet.crt") + pki.read("kubelet.key")
    write(root, "var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem", pem)
    os.symlink("/var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem",
               os.path.join(root, "var/lib/kubelet/pki/kubelet-client-current.pem"))
    cases.append((kubelet, [("# clusters[kubernetes].certificate-authority-data", pki.read("ca.crt")),
                            ("# users[system:node:node-1].client-certificate "
                             "(/var/lib/kubelet/pki/kubelet-client-current.pem)", pki.read("kubelet.crt"))]))
    return cases


def user_config(root, pki):
    """A user's ~/.kube/config: many contexts, every kind of user, relative paths."""
    write(root, "root/.kube/pki/dev.crt", pki.read("dev.crt"))
    text = f"""apiVersion: v1
kind: Config
preferences: {{}}
current-context: "prod admin"
clusters:
- name: prod
  cluster:
    server: https://prod.example.com:6443
    certificate-authority: pki/ca-bundle.crt
    tls-server-name: api.prod.example.com
- name: dev
  cluster:
    server: https://10.1.0.1:6443
    insecure-skip-tls-verify: true
    proxy-url: socks5://localhost:1080
- name: lab
  cluster:
    server: https://[fd00::1]:6443
    certificate-authority: /etc/kubernetes/pki/missing.crt
    certificate-authority-data: {b64(pki.read("ca.crt"))}
- name: gone
  cluster:
    server: https://gone:6443
    certificate-authority: ../nowhere/ca.crt
users:
- name: dev-cert
  user:
    client-certificate: pki/dev.crt
    client-key: pki/dev.key
- name: token-user
  user:
    token: abcdef.0123456789abcdef
- name: basic
  user:
    username: admin
    password: hunter2
- name: aws
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [--region, eu-west-1, eks, get-token, --cluster-name, prod]
      env:
      - name: AWS_PROFILE
        value: prod
      - name: EMPTY
        value: ""
      installHint: |
        Install the AWS CLI:
          https://aws.amazon.com/cli/
      provideClusterInfo: false
- name: gke
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: gke-gcloud-auth-plugin
      interactiveMode: Never
      provideClusterInfo: true
- name: oidc
  user:
    auth-provider:
      name: oidc
      config:
        client-id: kubernetes
        client-secret: s3cr3t
        id-token: eyJhbGciOiJSUzI1NiJ9.e30.c2ln
        idp-issuer-url: https://accounts.example.com
        refresh-token: 1//0abc
- name: impersonator
  user:
    token: t0k3n
    as: jane
    as-uid: "1000"
    as-groups: [system:masters, "devs and ops"]
    as-user-extra:
      reason: [debugging]
      scopes: [view, "edit"]
contexts:
- name: prod admin
  context: {{cluster: prod, user: token-user, namespace: kube-system}}
- name: dev
  context: {{cluster: dev, user: dev-cert}}
- name: dév-ünïcode
  context: {{cluster: dev, user: aws, namespace: ""}}
- name: 日本語
  context: {{cluster: lab, user: basic, namespace: デフォルト}}
- name: oidc@lab
  context: {{cluster: lab, user: oidc, namespace: default}}
- name: "1.10"
  context: {{cluster: "true", user: impersonator, namespace: "0777"}}
- name: a-very-long-context-name-that-makes-the-column-wide-enough-for-everyone
  context: {{cluster: gone, user: gke}}
- name: orphan
  context: {{cluster: no-such-cluster, user: no-such-user}}
"""
    write(root, "root/.kube/pki/ca-bundle.crt", pki.read("ca.crt") + b"junk between\n" + pki.read("other-ca.crt"))
    path = write(root, "root/.kube/config", text)
    txt = [("# clusters[gone].certificate-authority (/root/nowhere/ca.crt)", "error: No such file or directory\n"),
           ("# clusters[lab].certificate-authority-data", pki.read("ca.crt")),
           ("# clusters[prod].certificate-authority (/root/.kube/pki/ca-bundle.crt)",
            pki.read("ca.crt") + pki.read("other-ca.crt")),
           ("# users[dev-cert].client-certificate (/root/.kube/pki/dev.crt)", pki.read("dev.crt"))]
    return path, txt


def special_configs(root, pki):
    """Hand-written files for the loader's and the printer's corner cases."""
    ca = b64(pki.read("ca.crt"))
    wrapped = "\n".join(ca[i:i + 64] for i in range(0, len(ca), 64))
    L = " ".join(["word"] * 22)
    files = {
        # JSON, as kubectl config view -o json writes it and by hand
        "json.kubeconfig": json.dumps({
            "kind": "Config", "apiVersion": "v1", "current-context": "j",
            "clusters": [{"name": "c", "cluster": {"server": "https://j:6443", "certificate-authority-data": ca}}],
            "users": [{"name": "u", "user": {"token": "json-token", "as-groups": []}}],
            "contexts": [{"name": "j", "context": {"cluster": "c", "user": "u", "namespace": "n"}}],
            "preferences": {}, "extensions": [{"name": "x", "extension": {"n": 1.0, "f": 2.5, "b": True}}],
        }, indent=2),
        "compact.json": '{"kind":"Config","clusters":[],"contexts":[{"name":"a","context":{"cluster":"x","user":"y"}}],'
                        '"current-context":"a","users":null}',
        # anchors, aliases, merge keys
        "anchors.yaml": f"""kind: Config
apiVersion: v1
x-defaults: &ctx
  cluster: shared
  user: admin
  namespace: default
clusters:
- name: shared
  cluster: &cl
    server: https://shared:6443
    certificate-authority-data: {ca}
- name: copy
  cluster: *cl
contexts:
- name: one
  context: *ctx
- name: two
  context:
    <<: *ctx
    namespace: kube-system
- name: three
  context:
    <<: [*ctx, {{user: other}}]
    cluster: copy
users:
- name: admin
  user: {{token: &t aliased-secret}}
- name: other
  user: {{token: *t}}
current-context: two
""",
        # base64 with newlines: fine in a literal block, refused when folded into spaces
        "literal-b64.yaml": f"kind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://c\n"
                            f"    certificate-authority-data: |\n" + "".join(f"      {l}\n" for l in wrapped.splitlines()) +
                            "contexts: []\nusers: []\n",
        "folded-b64.yaml": f"kind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://c\n"
                           f"    certificate-authority-data:\n" + "".join(f"      {l}\n" for l in wrapped.splitlines()),
        "crlf-b64.yaml": f"kind: Config\nclusters:\n- name: c\n  cluster:\n    certificate-authority-data: \""
                         + wrapped.replace("\n", "\\r\\n") + "\"\n",
        "bad-b64.yaml": "kind: Config\nclusters:\n- name: c\n  cluster: {certificate-authority-data: aGVsbG8}\n",
        # comments, empty and null lists, no current-context
        "comments.yaml": "# written by hand\napiVersion: v1 # the version\nkind: Config\nclusters: [] # none\n"
                         "contexts:\n  # nothing yet\nusers: null\n",
        "empty-contexts.yaml": "kind: Config\ncontexts: []\ncurrent-context: nowhere\n",
        "no-current.yaml": "kind: Config\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\n",
        "empty-file.conf": "",
        "only-comments.conf": "# kind: Config\n",
        # repeated names, type errors, bad kinds: kubectl refuses, so do the views
        "dup-contexts.yaml": "kind: Config\ncontexts:\n- name: a\n  context: {cluster: c1, user: u}\n"
                             "- name: a\n  context: {cluster: c2, user: u}\n",
        "dup-users.yaml": "kind: Config\nusers:\n- name: u\n  user: {token: dup-secret-1}\n- name: u\n  user: {}\n",
        "dup-keys.yaml": "kind: Config\ncurrent-context: first\ncurrent-context: second\ncontexts: []\n",
        "type-error.yaml": "kind: Config\ncontexts:\n- name: a\n  context: {cluster: c, user: u, namespace: 5}\n",
        "bool-name.yaml": "kind: Config\ncontexts:\n- name: yes\n  context: {cluster: c, user: u}\n",
        "wrong-kind.yaml": "kind: Config\napiVersion: client.authentication.k8s.io/v1\nclusters: []\n",
        "list-root.yaml": "- kind: Config\n",
        "syntax.yaml": "kind: Config\nclusters: [\n",
        "ext.yaml": "kind: Config\nextensions:\n- name: b\n  extension: {z: 1, y: 0x10, n: ~, f: 1.5e+3, list: [a, 'b', 3]}\n"
                    "- name: a\n  extension: null\ncontexts:\n- name: c\n  context:\n    cluster: x\n    user: y\n"
                    "    extensions:\n    - name: e\n      extension: {v: 2}\n",
        # map keys as go-yaml sorts and quotes them; a key holding NEL breaks kubectl's printing
        "keys.yaml": "kind: Config\nusers:\n- name: u\n  user:\n    as-user-extra:\n" + "".join(
            f"      {json.dumps(k)}: {json.dumps(v)}\n" for k, v in (
                ("a: b", ["x"]), ("-x", ["- y"]), ("#k", []), ("k" * 130, ["long key"]), ("multi\nline key", ["v"]),
                ("", ["empty"]), ("1.5", ["v"]), ("true", ["v"]), ("é", ["v"]), ("Z", ["v"]), ("_", ["v"]),
                ("a10", ["v"]), ("a9", ["v"]), ("a09", ["v"]), ("a009", ["v"]))) +
            "    auth-provider:\n      name: x\n      config:\n        '  lead': ' v'\n        \"k\": \"v\\u0085\"\n"
            "extensions:\n- name: e\n  extension:\n    list: [{a: 1, b: [x, {c: d}]}, [1, [2, [3]]], '', null]\n"
            "    nested: {deep: {deeper: {deepest: \"  two leading\\nlines  \"}}}\n"
            "    nums: [-0, 0.5, 1e6, 123456789012345678, -9223372036854775808, 1.0e+21, 0.0000001]\n"
            "clusters:\n- name: c\n  cluster:\n    server: https://" + "x" * 90 + ".example.com:6443/p\n"
            "    proxy-url: \"http://proxy " + "with spaces " * 10 + ":3128\"\n",
        "nel-key.yaml": "kind: Config\nusers:\n- name: u\n  user:\n    as-user-extra:\n      \"k\\u0085\": [x]\n",
        # the printer: quoting, long lines, block scalars, odd names
        "printer.yaml": "kind: Config\ncontexts:\n" + "".join(
            f"- name: {json.dumps(n)}\n  context: {{cluster: {json.dumps(c)}, user: {json.dumps(u)}, namespace: {json.dumps(ns)}}}\n"
            for n, c, u, ns in (
                ("1", "true", "null", "0x10"), ("2", "1.5", "~", "1e3"), ("3", "yes", "on", "Off"),
                ("4", " lead", "trail ", "a: b"), ("5", "- x", "#c", "a #b"), ("6", "multi\nline", "two\nlines\n", "tab\there"),
                ("7", "@at", "`bt", "*star"), ("8", "&amp", "!bang", "%pct"), ("9", "{x", "[y", "x, y"),
                ("10", "é unicode", "日本", "a\u00a0b"), ("11", "1_000", "0o17", "017"), ("12", "12:30:00", "190:20:30", "1:20"),
                ("13", "2001-01-01", ".5", "+1"), ("14", "-", "?", ":"), ("15", 'a"b', "a'b", "x\\y"),
                ("16", "=", "<<", "|"), ("17", ".inf", ".NaN", "-.inf"), ("18", "y", "n", "NULL"),
                ("19", "2001-1-1", "2001-02-30", "2001-01-01T10:00:00Z"), ("20", "0b101", "-0x1F", "99999999999999999999999"),
                ("21", "\U0001F600 emoji", "\u0085nel", "\ufeffbom"), ("22", "1e400", ".1e400", "0x1ffffffffffffffffff"),
                ("23", "---", "...", "- "), ("24", L, "1 " + L, "#" + L), ("25", "tab\t" + L, L + "\n" + L, " \n" + L + "\n\n"),
                ("26", "a  " + L, "x\n", "\n"), ("27", '"' + L, " " + L, L + " "), ("28", "a\u2028b", "a\u0085 \u0085b", "\u00a0x"),
                ("name with spaces", "c", "u", ""), ("line\nbreak", "c", "u", "ns\nwith\tcells"),
            )) + "current-context: \"3\"\n",
    }
    out = []
    for name, text in files.items():
        out.append(write(root, "etc/kubernetes/special/" + name, text))
    return out


def big_config(root, pki):
    """A kubectl-written file whose clusters alone are bigger than the 64 KiB head."""
    path = os.path.join(root, "home/ops/.kube/config")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    ca = b64(pki.read("ca.crt"))
    with open(path, "w") as f:
        f.write("apiVersion: v1\nclusters:\n")
        for i in range(48):
            f.write(f"- cluster:\n    certificate-authority-data: {ca}\n    server: https://c{i}:6443\n  name: c{i}\n")
        f.write("contexts:\n")
        for i in range(48):
            f.write(f"- context:\n    cluster: c{i}\n    user: u\n  name: ctx-{i:02d}\n")
        f.write("current-context: ctx-07\nkind: Config\npreferences: {}\nusers:\n- name: u\n  user:\n    token: big\n")
    return path


def leak_config(root, pki):
    """Every secret field holds a distinct secret; none may show in any view."""
    secrets = {f: f"SeKrIt-{f}-{os.urandom(6).hex()}" for f in (
        "token", "password", "id-token", "refresh-token", "client-secret", "access-token", "env", "env2",
        "ext-token", "ext-password", "key-raw")}
    key_pem = pki.read("leak.key")
    key_b64 = b64(key_pem)
    text = f"""apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://c:6443
    certificate-authority-data: {b64(pki.read("ca.crt"))}
contexts:
- name: c
  context: {{cluster: c, user: all}}
current-context: c
users:
- name: all
  user:
    token: {secrets["token"]}
    password: {secrets["password"]}
    username: someone
    client-certificate-data: {b64(pki.read("leak.crt"))}
    client-key-data: {key_b64}
    client-key: /etc/kubernetes/pki/leak-combined.pem
    client-certificate: /etc/kubernetes/pki/leak-combined.pem
- name: raw-key
  user:
    client-key-data: {b64(secrets["key-raw"].encode())}
    client-certificate: /etc/kubernetes/pki/leak-combined.pem
- name: oidc
  user:
    auth-provider:
      name: oidc
      config:
        id-token: {secrets["id-token"]}
        refresh-token: {secrets["refresh-token"]}
        client-secret: {secrets["client-secret"]}
        access-token: {secrets["access-token"]}
- name: exec
  user:
    exec:
      command: plugin
      env:
      - name: PLUGIN_TOKEN
        value: {secrets["env"]}
      - {{name: HOME, value: {secrets["env2"]}}}
extensions:
- name: x
  extension: {{token: {secrets["ext-token"]}, nested: {{password: {secrets["ext-password"]}}}}}
"""
    write(root, "etc/kubernetes/pki/leak-combined.pem", pki.read("leak.crt") + key_pem)
    path = write(root, "etc/kubernetes/leak.conf", text)
    needles = list(secrets.values()) + [key_b64, "PRIVATE KEY", b64(secrets["key-raw"].encode())]
    body = b"".join(l for l in key_pem.splitlines() if not l.startswith(b"-----"))
    needles += [body[i:i + 24].decode() for i in range(0, len(body) - 24, 24)]
    return path, needles


def check_leaks(root, paths, needles, required):
    for path in paths:
        views = run([KUBEFS, "views", "--root", root, path]).stdout.decode().split()
        if not views and path in required:
            fail(path, "no views")
        for v in views:
            view = v.rsplit(".", 1)[1]
            out = kubefs(root, path, view, decoder=False).stdout.decode(errors="replace")
            leaked = [n for n in needles if n in out]
            if leaked:
                fail(f"{path} .{view}", f"shows secrets: {leaked}")
            else:
                ok()


def check_recognised(root, path):
    views = run([KUBEFS, "views", "--root", root, path]).stdout.decode()
    if path + ".contexts\n" in views:
        ok()
    else:
        fail(path, f"not recognised as a kubeconfig: {views!r}")


def corpus_files(corpus):
    if not corpus or not os.path.isdir(corpus):
        return []
    out = []
    for d, _, files in os.walk(corpus):
        for f in files:
            p = os.path.join(d, f)
            try:
                with open(p, "rb") as fh:
                    head = fh.read(1 << 16)
            except OSError:
                continue
            if re.search(rb"^kind: Config\s*$", head, re.M):
                out.append(p)
    return sorted(out)


def main():
    global KUBEFS
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    KUBEFS = os.path.abspath(sys.argv[1])
    corpus = sys.argv[2] if len(sys.argv) > 2 else "/work/shared/corpus"
    for tool in ("kubectl", "openssl"):
        if not shutil.which(tool):
            print(f"SKIP: {tool} not found (the oracle)")
            return 77
    with tempfile.TemporaryDirectory(prefix="kubefs-kubeconfig-") as root:
        pki = PKI(os.path.join(root, "etc/kubernetes/pki"))
        pki.ca("ca", "kubernetes")
        pki.ca("other-ca", "other CA ünïcode")
        for user, subj in (("kubernetes-admin", "/O=kubeadm:cluster-admins/CN=kubernetes-admin"),
                           ("kubernetes-super-admin", "/O=system:masters/CN=kubernetes-super-admin"),
                           ("system-kube-controller-manager", "/CN=system:kube-controller-manager"),
                           ("system-kube-scheduler", "/CN=system:kube-scheduler"),
                           ("kubelet", "/O=system:nodes/CN=system:node:node-1"),
                           ("dev", "/O=dev/CN=dév"),
                           ("leak", "/CN=leak")):
            pki.leaf(user, subj)

        jobs = []
        kubeadm = kubeadm_files(root, pki)
        user_path, user_txt = user_config(root, pki)
        special = special_configs(root, pki)
        big = big_config(root, pki)
        leak_path, needles = leak_config(root, pki)
        corpus_paths = corpus_files(corpus)

        for path, _ in kubeadm:
            jobs.append((os.path.relpath(path, root), root, path, True))
        for path in [user_path, big] + special:
            jobs.append((os.path.relpath(path, root), root, path, True))
        for path in corpus_paths:
            jobs.append((path, "/", path, False))
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            for f in [pool.submit(compare_kubectl, *j) for j in jobs]:
                f.result()

        for path, sources in kubeadm:
            compare_txt(os.path.relpath(path, root), root, path, sources)
            check_recognised(root, path)
        compare_txt("root/.kube/config", root, user_path, user_txt)
        for path in (user_path, big, leak_path):
            check_recognised(root, path)
        for name in ("json.kubeconfig", "compact.json", "anchors.yaml", "comments.yaml"):
            check_recognised(root, os.path.join(root, "etc/kubernetes/special", name))
        check_leaks(root, [leak_path, user_path] + special, needles + ["hunter2", "s3cr3t", "1//0abc",
                                                                         "eyJhbGciOiJSUzI1NiJ9", "t0k3n",
                                                                         "abcdef.0123456789abcdef", "json-token",
                                                                         "aliased-secret", "dup-secret-1"],
                    required=(leak_path, user_path))

    for f in FAILURES:
        print("FAIL", f)
    print(f"kubeconfig oracle: {PASSED} passed, {len(FAILURES)} failed"
          f" ({len(corpus_paths)} corpus files)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
