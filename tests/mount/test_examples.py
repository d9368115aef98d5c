"""The example nodes end to end through the mount: the headline views equal
their oracles, and no sidecar or report anywhere shows a secret planted in
the node (examples/make-nodes.sh lists them in LAYOUT.secrets) or a line of
any private key in it."""
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import KUBEASZ_KUBELET_FLAGS, openssl_text, sh

LAYOUTS = ["kubeadm", "kubeasz", "k3s", "broken"]
KEY_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----(.*?)-----END \1-----", re.S)


def secrets_of(nodes, layout):
    """The planted secrets, and every base64 line of every private key in the root."""
    out = {l.strip() for l in open(os.path.join(nodes, f"{layout}.secrets")) if len(l.strip()) >= 8}
    for d, _, files in os.walk(os.path.join(nodes, layout)):
        for f in files:
            p = os.path.join(d, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            for m in KEY_BLOCK.finditer(open(p, "rb").read()):
                out.update(l.decode() for l in m.group(2).split() if len(l) >= 16 and b":" not in l)
    return out


def is_view(mnt, root, rel):
    """A sidecar or a report: not a file of ROOT."""
    return not os.path.lexists(os.path.join(root, rel))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_secret_in_any_view(mount, example_nodes, layout):
    root = os.path.join(example_nodes, layout)
    secrets = secrets_of(example_nodes, layout)
    assert secrets
    m = mount(root, "-o", "allow_other", expect_log=("cannot decode",))
    read = 0
    for d, _, files in os.walk(m.mnt):
        for f in files:
            p = os.path.join(d, f)
            rel = os.path.relpath(p, m.mnt)
            if os.path.islink(p) or not is_view(m.mnt, root, rel):
                continue
            text = open(p, "rb").read().decode(errors="replace")
            read += 1
            for s in secrets:
                assert s not in text, f"{rel} shows a secret: {s[:12]}..."
    assert read > 50


def test_kubeadm_headline_views(mount, example_nodes):
    root = os.path.join(example_nodes, "kubeadm")
    m = mount(root)
    pki = "etc/kubernetes/pki"
    for crt in ("ca.crt", "apiserver.crt", "etcd/server.crt"):
        assert open(m.path(f"{pki}/{crt}.txt"), "rb").read() == openssl_text(os.path.join(root, pki, crt))
    # the rotation symlink's sidecar decodes its (absolute) target inside ROOT
    target = os.readlink(os.path.join(root, "var/lib/kubelet/pki/kubelet-client-current.pem"))
    assert target.startswith("/var/lib/kubelet/pki/")
    want = openssl_text(os.path.join(root, target.lstrip("/")))
    assert open(m.path("var/lib/kubelet/pki/kubelet-client-current.pem.txt"), "rb").read().startswith(want)
    assert open(m.path(f"{pki}/ca.key.txt")).read().splitlines()[-1].strip() != ""
    assert "matches: ca.crt" in open(m.path(f"{pki}/ca.key.txt")).read()
    flags = open(m.path("usr/lib/systemd/system/kubelet.service.flags")).read().splitlines()
    assert flags[0] == "/usr/bin/kubelet" and "--config=/var/lib/kubelet/config.yaml" in flags
    assert "--kubeconfig=/etc/kubernetes/kubelet.conf" in flags
    assert "--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock" in flags
    if shutil.which("kubectl"):
        for kc in ("etc/kubernetes/admin.conf", "root/.kube/config", "home/ubuntu/.kube/config"):
            want = sh("kubectl", "config", "get-contexts", "--kubeconfig", os.path.join(root, kc))
            assert open(m.path(kc + ".contexts"), "rb").read() == want, kc
    # the unix socket and the FIFO-free state dir list without sidecars for the socket
    assert not os.path.exists(m.path("var/lib/kubelet/device-plugins/kubelet.sock.txt"))
    # outside the locations: absent
    for hidden in ("etc/passwd", "etc/hostname", "etc/shadow", "var/log/syslog", "etc/kubernetes.bak"):
        assert not os.path.lexists(m.path(hidden)), hidden


def test_kubeasz_kubelet_flags(mount, example_nodes):
    m = mount(os.path.join(example_nodes, "kubeasz"))
    assert open(m.path("etc/systemd/system/kubelet.service.flags")).read() == KUBEASZ_KUBELET_FLAGS


def test_k3s_node(mount, example_nodes):
    root = os.path.join(example_nodes, "k3s")
    assert os.path.isdir(os.path.join(root, "var/lib/rancher/k3s/agent/containerd"))
    m = mount(root)
    assert os.path.isdir(m.path("var/lib/rancher/k3s/agent"))
    assert not os.path.exists(m.path("var/lib/rancher/k3s/agent/containerd"))
    # k3s's own env file is named like k3s.service's .env view: the real file wins
    env = open(os.path.join(root, "etc/systemd/system/k3s.service.env")).read()
    assert open(m.path("etc/systemd/system/k3s.service.env")).read() == env
    assert open(m.path("etc/systemd/system/k3s.service.env.flags")).read().startswith("# K3S_TOKEN\nREDACTED\n")
    assert open(m.path("etc/systemd/system/k3s.service.flags")).read() == (
        "/usr/local/bin/k3s\nserver\n--node-taint\nCriticalAddonsOnly=true:NoExecute\n")


def test_kubeadm_containerd_toml(mount, example_nodes):
    """containerd's config.toml through the mount: its imports resolved inside
    ROOT, .json as Python's tomllib reads it (the registry password and auth
    REDACTED), and the doctor's report in .kubefs."""
    import tomllib
    root = os.path.join(example_nodes, "kubeadm")
    m = mount(root)
    flat = open(m.path("etc/containerd/config.toml.flat")).read().splitlines()
    assert flat[0] == "# containerd config version 2"
    assert flat[1] == '# imports: "/etc/containerd/conf.d/*.toml" -> 10-metrics.toml'
    assert ('plugins["io.containerd.grpc.v1.cri"].containerd.runtimes.runc.options.SystemdCgroup = true'
            in flat)
    want = tomllib.load(open(os.path.join(root, "etc/containerd/config.toml"), "rb"))
    auth = want["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["configs"]["registry.example.internal:5000"]["auth"]
    auth["password"] = auth["auth"] = "REDACTED"
    assert json.loads(open(m.path("etc/containerd/config.toml.json")).read()) == want
    assert open(m.path(".kubefs/doctor")).read().splitlines()[-1].startswith("summary: ")
