"""The fleet path end to end: node_exporter's textfile collector reading
MNT/.kubefs/metrics, every series it serves checked against openssl on the
example nodes' files; promtool's lint of the file; the alert rules of
examples/; what a reader who may not read the keys sees.

node_exporter is started bound to 127.0.0.1 on a free port with only the
textfile collector, scraped with a bounded client, and always killed at
teardown."""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

from conftest import TOP, as_nobody, write

sys.path.insert(0, os.path.join(TOP, "tests", "fleet"))
import certs  # noqa: E402

NODE_EXPORTER = shutil.which("prometheus-node-exporter") or shutil.which("node_exporter")
PROMTOOL = shutil.which("promtool")
LAYOUTS = ["kubeadm", "kubeasz", "k3s", "broken"]
SCRAPE_MAX = 16 << 20


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NodeExporter:
    def __init__(self, textdir):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/metrics"
        self.log = tempfile.NamedTemporaryFile(prefix="kfs-node-exporter-", delete=False)
        self.proc = subprocess.Popen(
            [NODE_EXPORTER, f"--web.listen-address=127.0.0.1:{self.port}",
             "--collector.disable-defaults", "--collector.textfile",
             f"--collector.textfile.directory={textdir}"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"node_exporter exited with {self.proc.returncode}:\n{self.text_log()}")
            try:
                self.scrape()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"node_exporter did not answer within 20 s:\n{self.text_log()}")
                time.sleep(0.05)

    def scrape(self):
        """GET /metrics, at most SCRAPE_MAX bytes, 10 s."""
        with urllib.request.urlopen(self.url, timeout=10) as r:
            body = r.read(SCRAPE_MAX + 1)
        assert len(body) <= SCRAPE_MAX, "node_exporter answered more than 16 MiB"
        return body.decode()

    def listening(self):
        """The TCP addresses this process listens on (ss)."""
        out = subprocess.run(["ss", "-H", "-ltnp"], capture_output=True, text=True).stdout
        return [l.split()[3] for l in out.splitlines() if f"pid={self.proc.pid}," in l]

    def text_log(self):
        with open(self.log.name, errors="replace") as f:
            return f.read()

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        os.unlink(self.log.name)


@pytest.fixture
def node_exporter():
    if not NODE_EXPORTER:
        pytest.skip("prometheus-node-exporter is not installed")
    started = []

    def make(textdir):
        ne = NodeExporter(textdir)
        started.append(ne)
        return ne

    yield make
    for ne in started:
        ne.close()


def parse_exposition(text):
    """{name: [(labels dict, float)]} from the text format; HELP/TYPE counted per family."""
    series, seen_type = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            name = line.split()[2]
            assert name not in seen_type, f"TYPE twice for {name}"
            seen_type[name] = True
            continue
        if not line or line.startswith("#"):
            continue
        i = 0
        while i < len(line) and line[i] not in "{ ":
            i += 1
        name, labels = line[:i], {}
        if line[i] == "{":
            i += 1
            while line[i] != "}":
                eq = line.index("=", i)
                key = line[i:eq]
                assert line[eq + 1] == '"'
                j, val = eq + 2, []
                while line[j] != '"':
                    if line[j] == "\\":
                        val.append({"\\": "\\", '"': '"', "n": "\n"}[line[j + 1]])
                        j += 2
                    else:
                        val.append(line[j])
                        j += 1
                if val:         # an empty label is no label (node_exporter fills missing ones with "")
                    labels[key] = "".join(val)
                i = j + 1
                if line[i] == ",":
                    i += 1
            i += 1
        value = line[i:].strip().split()
        assert len(value) == 1, f"a timestamp or junk after the value: {line!r}"
        series.setdefault(name, []).append((labels, float(value[0])))
    return series


def expected_certs(mnt, root):
    """{(filepath, embedded_kind, embedded_key, serial): facts} for every certificate
    in the files the mount shows, read from ROOT with Python and openssl."""
    out = {}
    for d, dns, files in os.walk(mnt):
        if os.path.relpath(d, mnt) == ".kubefs":
            dns[:] = []
            continue
        for f in files:
            rel = os.path.relpath(os.path.join(d, f), mnt)
            src = os.path.join(root, rel)
            if not os.path.lexists(src) or os.path.islink(src) or not os.path.isfile(src):
                continue        # a sidecar, or a symlink (the walk does not follow them)
            with open(src, "rb") as fh:
                data = fh.read()
            blocks = certs.pem_blocks(data)
            if blocks:
                for b in blocks:
                    facts = certs.cert_facts(b)
                    out[("/" + rel, None, None, facts["serial"])] = facts
                continue
            doc = certs.kubeconfig_doc(data) if b"clusters" in data or b"users" in data else None
            for kind, name, blob, _ in (certs.kubeconfig_blobs(doc) if doc else []):
                for b in certs.pem_blocks(blob):
                    facts = certs.cert_facts(b)
                    out[("/" + rel, kind, name, facts["serial"])] = facts
    return out


def series_key(labels):
    return (labels["filepath"], labels.get("embedded_kind"), labels.get("embedded_key"), labels["serial_number"])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_node_exporter_scrape(mount, example_nodes, node_exporter, layout):
    root = os.path.join(example_nodes, layout)
    m = mount(root)
    metrics_dir = m.path(".kubefs/metrics")
    assert os.listdir(metrics_dir) == ["kubefs.prom"]
    ne = node_exporter(metrics_dir)
    assert ne.listening() == [f"127.0.0.1:{ne.port}"]      # never anything but loopback
    scraped = parse_exposition(ne.scrape())
    now = time.time()

    assert scraped["node_textfile_scrape_error"] == [({}, 0.0)]
    want = expected_certs(m.mnt, root)
    assert want, "the example node has certificates"
    for fam in ("x509_cert_not_after", "x509_cert_not_before", "x509_cert_expired"):
        got = {series_key(l): (l, v) for l, v in scraped[fam]}
        assert len(got) == len(scraped[fam]), f"{fam}: a series twice"
        assert set(got) == set(want), f"{fam}: {set(got) ^ set(want)}"
        for k, (labels, v) in got.items():
            facts = want[k]
            if fam == "x509_cert_not_after":
                assert v == facts["not_after"], k
            elif fam == "x509_cert_not_before":
                assert v == facts["not_before"], k
            else:
                assert v == (1.0 if now > facts["not_after"] else 0.0), k
            assert labels["filename"] == os.path.basename(k[0])
            for part in ("subject", "issuer"):
                mine = {f: labels[f"{part}_{f}"] for f in ("C", "ST", "L", "O", "OU", "CN")
                        if f"{part}_{f}" in labels}
                assert mine == facts[part], (k, part)
    # the textfile collector adds its own series, and nothing else is there
    assert {l["file"] for l, _ in scraped["node_textfile_mtime_seconds"]} == {"kubefs.prom"} or \
        {os.path.basename(l["file"]) for l, _ in scraped["node_textfile_mtime_seconds"]} == {"kubefs.prom"}

    sans = {(l["filepath"], l["serial_number"], l["san_type"], l["san_value"]) for l, v in
            scraped.get("kubefs_x509_cert_san", []) if v == 1.0}
    want_sans = {(k[0], k[3], t, v) for k, f in want.items() for t, v in f["sans"]}
    assert sans == want_sans

    matches = scraped.get("kubefs_x509_key_matches", [])
    for labels, v in matches:
        crt = os.path.join(root, labels["filepath"][1:])
        key = os.path.join(root, labels["key_filepath"][1:])
        with open(crt, "rb") as f:
            cert_pub = certs.cert_facts(certs.pem_blocks(f.read())[0])["pubkey"]
        key_pub = subprocess.run(["openssl", "pkey", "-pubout", "-in", key], capture_output=True,
                                 check=True).stdout.decode()
        assert v == (1.0 if key_pub == cert_pub else 0.0), labels
    if layout == "kubeadm":
        assert ("/etc/kubernetes/pki/apiserver.crt" in {l["filepath"] for l, _ in matches})
    assert "kubefs_source_errors" not in scraped
    assert [l["version"] for l, _ in scraped["kubefs_build_info"]]

    # the audit's checks, as .kubefs/audit.json (kube-bench's JSON) lists them
    with open(m.path(".kubefs/audit.json")) as f:
        doc = json.load(f)
    audit = {(r["test_number"], r["status"]) for c in doc.get("Controls", []) for t in c["tests"]
             for r in t["results"]}
    checks = {(l["id"], l["status"]) for l, v in scraped.get("kubefs_audit_check", []) if v == 1.0}
    assert checks == audit and (layout == "k3s" or checks)

    # the doctor's findings, as .kubefs/doctor.json lists them (the broken node trips every check)
    with open(m.path(".kubefs/doctor.json")) as f:
        doctor = {(x["check"], x["severity"], x["path"]) for x in json.load(f)["findings"]}
    findings = {(l["check"], l["severity"], l["path"]) for l, v in scraped.get("kubefs_doctor_finding", [])
                if v == 1.0}
    assert findings == doctor
    if layout == "broken":
        assert len({c for c, _, _ in findings}) == 10
        # its front-proxy-client.key is not the certificate's key
        assert ({"filepath": "/etc/kubernetes/pki/front-proxy-client.crt",
                 "key_filepath": "/etc/kubernetes/pki/front-proxy-client.key"}, 0.0) in matches


@pytest.mark.skipif(not PROMTOOL, reason="promtool (Debian's prometheus) is not installed")
@pytest.mark.parametrize("layout", LAYOUTS)
def test_promtool_check_metrics(mount, example_nodes, layout):
    m = mount(os.path.join(example_nodes, layout))
    with open(m.path(".kubefs/metrics/kubefs.prom"), "rb") as f:
        data = f.read()
    assert data.endswith(b"\n")
    p = subprocess.run([PROMTOOL, "check", "metrics"], input=data, capture_output=True, timeout=60)
    assert (p.returncode, p.stdout, p.stderr) == (0, b"", b"")


@pytest.mark.skipif(not PROMTOOL, reason="promtool (Debian's prometheus) is not installed")
def test_alert_rules():
    rules = os.path.join(TOP, "examples", "kubefs-alerts.yaml")
    p = subprocess.run([PROMTOOL, "check", "rules", rules], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "SUCCESS: 3 rules found" in p.stdout
    # the thresholds fire where they should (promtool's rule unit tests)
    tests = os.path.join(TOP, "tests", "fleet", "alerts-test.yaml")
    p = subprocess.run([PROMTOOL, "test", "rules", tests], capture_output=True, text=True, timeout=60,
                       cwd=os.path.dirname(tests))
    assert p.returncode == 0, p.stdout + p.stderr


def test_metrics_for_its_reader(mount, example_nodes):
    """nobody sees the certificates it may read, not those of 0600 files, and no key comparison
    with a key it may not read."""
    root = os.path.join(example_nodes, "kubeadm")
    m = mount(root, "-o", "allow_other")
    p = as_nobody("cat", m.path(".kubefs/metrics/kubefs.prom"))
    assert p.returncode == 0, p.stderr
    text = p.stdout.decode()
    assert 'filepath="/etc/kubernetes/pki/apiserver.crt"' in text
    assert "admin.conf" not in text                         # 0600
    assert "kubefs_x509_key_matches" not in text            # every key is 0600
    with open(m.path(".kubefs/metrics/kubefs.prom")) as f:
        as_root = f.read()
    assert "admin.conf" in as_root and "kubefs_x509_key_matches" in as_root


def test_source_errors(tree):
    """Files that look like certificate files and give none, in the exporter's reason words."""
    write(os.path.join(tree, "etc/kubernetes/pki/bad.crt"),
          "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n")
    write(os.path.join(tree, "etc/kubernetes/bad.conf"),
          "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n"
          "    server: https://x\n    certificate-authority-data: 'a b'\n")
    # a certificate's base64 with a space inside: OpenSSL's decoder would take it, Go's
    # (kubectl's) refuses the file, and so does kubefs: no series, a decode_failed
    from conftest import make_cert
    make_cert(os.path.join(tree, "tmp/ca.crt"))
    with open(os.path.join(tree, "tmp/ca.crt"), "rb") as f:
        b64 = base64.b64encode(f.read()).decode()
    write(os.path.join(tree, "etc/kubernetes/spaced.conf"),
          "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n"
          f"    server: https://x\n    certificate-authority-data: {b64[:40]} {b64[40:]}\n")
    p = subprocess.run([os.environ.get("KUBEFS", "build/kubefs"), "report", "--root", tree,
                        "metrics/kubefs.prom"], capture_output=True, text=True, check=True)
    scraped = parse_exposition(p.stdout)
    errors = {(l["filepath"], l["reason"]) for l, v in scraped.get("kubefs_source_errors", [])}
    assert errors == {("/etc/kubernetes/pki/bad.crt", "bad_pem"), ("/etc/kubernetes/bad.conf", "decode_failed"),
                      ("/etc/kubernetes/spaced.conf", "decode_failed")}
    assert "x509_cert_not_after" not in scraped


def test_daemonset_runs_the_textfile_collector():
    """The DaemonSet example's node_exporter reads the directory the mount test reads."""
    import yaml
    with open(os.path.join(TOP, "examples", "kubefs-daemonset.yaml")) as f:
        ds = yaml.safe_load(f)
    containers = {c["name"]: c for c in ds["spec"]["template"]["spec"]["containers"]}
    assert "/run/kubefs" in containers["kubefs"]["command"]
    ne = containers["node-exporter"]
    assert "--collector.textfile.directory=/run/kubefs/.kubefs/metrics" in ne["args"]
    assert "--collector.disable-defaults" in ne["args"] and "--collector.textfile" in ne["args"]
    mounts = {v["mountPath"]: v for v in ne["volumeMounts"]}
    assert mounts["/run/kubefs"]["mountPropagation"] == "HostToContainer"


def test_hostile_names_through_node_exporter(mount, tree, node_exporter):
    """Quotes, backslashes, newlines and invalid UTF-8 in paths and subjects: escaped and made
    valid UTF-8, so node_exporter takes the file (scrape_error 0) and gives back the names."""
    from conftest import make_cert
    pki = os.path.join(tree, "etc/kubernetes/pki")
    names = {'we"ird\\name.crt': 'we"ird\\name.crt', "new\nline.crt": "new\nline.crt",
             "caf\u00e9.crt": "caf\u00e9.crt"}
    for fn in names:
        # -subj: a backslash escapes the next character; -utf8: the bytes are UTF-8
        make_cert(os.path.join(pki, fn), cn='CN "quoted" \\\\ caf\u00e9', extra=("-utf8",))
    make_cert(os.fsdecode(os.path.join(os.fsencode(pki), b"bad\xffutf8.crt")), cn="bad")
    names["bad\ufffdutf8.crt"] = "bad\ufffdutf8.crt"
    # the kubelet's rotation link pointing at nothing
    os.makedirs(os.path.join(tree, "var/lib/kubelet/pki"))
    os.symlink("/var/lib/kubelet/pki/kubelet-client-2020-01-01-00-00-00.pem",
               os.path.join(tree, "var/lib/kubelet/pki/kubelet-client-current.pem"))
    m = mount(tree)
    ne = node_exporter(m.path(".kubefs/metrics"))
    text = ne.scrape()
    scraped = parse_exposition(text)
    assert scraped["node_textfile_scrape_error"] == [({}, 0.0)], ne.text_log()
    got = {l["filename"]: l for l, _ in scraped["x509_cert_not_after"]}
    assert set(got) == set(names)
    for fn, labels in got.items():
        assert labels["filepath"] == "/etc/kubernetes/pki/" + fn
        if fn != "bad\ufffdutf8.crt":
            assert labels["subject_CN"] == 'CN "quoted" \\ caf\u00e9'
    assert {(l["filepath"], l["reason"]) for l, _ in scraped["kubefs_source_errors"]} == \
        {("/var/lib/kubelet/pki/kubelet-client-current.pem", "broken_symlink")}
    # the file's mtime is when it was made, for this read
    (mtime,) = [v for l, v in scraped["node_textfile_mtime_seconds"]]
    assert abs(mtime - time.time()) < 60
