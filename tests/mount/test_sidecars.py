"""Sidecars (docs/spec.md §3) through the mount: exact sizes and attributes,
the oracles, symlinks, permissions, errors, laziness, rotation."""
import mmap
import os
import re
import shutil
import stat
import subprocess

import pytest

from conftest import KUBEASZ_KUBELET_FLAGS, as_nobody, make_cert, openssl_text, sh, write
from test_changes import eventually


def pki(tree):
    d = os.path.join(tree, "etc/kubernetes/pki")
    make_cert(os.path.join(d, "ca.crt"), cn="kubernetes-ca", key=os.path.join(d, "ca.key"))
    os.chmod(os.path.join(d, "ca.key"), 0o600)
    for p in ("etc", "etc/kubernetes", "etc/kubernetes/pki"):
        os.chmod(os.path.join(tree, p), 0o755)
    return d


def cache_bytes(m):
    return int(re.search(r"^cache (\d+) bytes$", open(m.path(".kubefs/version")).read(), re.M).group(1))


def test_certificate_txt_is_openssls_text_with_exact_attributes(mount, tree):
    d = pki(tree)
    os.utime(os.path.join(d, "ca.crt"), (1700000000, 1600000000))
    m = mount(tree)
    p = m.path("etc/kubernetes/pki/ca.crt.txt")
    want = openssl_text(os.path.join(d, "ca.crt"))
    got = open(p, "rb").read()
    assert got == want
    st, src = os.stat(p), os.stat(os.path.join(d, "ca.crt"))
    assert st.st_size == len(want)
    assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == stat.S_IMODE(src.st_mode) & 0o444
    assert (st.st_uid, st.st_gid, st.st_mtime_ns) == (src.st_uid, src.st_gid, src.st_mtime_ns)
    # tools that trust st_size: cp, mmap, head
    out = os.path.join(os.path.dirname(tree), "copy.txt")
    shutil.copyfile(p, out)
    assert open(out, "rb").read() == want
    with open(p, "rb") as f, mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ) as mm:
        assert mm[:] == want
    assert sh("head", "-c", "20", p) == want[:20]
    assert "ca.crt.txt" in os.listdir(m.path("etc/kubernetes/pki"))
    # sidecars are not decoded again
    assert not os.path.exists(p + ".txt")
    assert not any(n.startswith("ca.crt.txt.") for n in os.listdir(m.path("etc/kubernetes/pki")))


def test_a_real_file_wins_over_a_sidecar(mount, tree):
    d = pki(tree)
    write(os.path.join(d, "ca.crt.txt"), "my own notes\n")
    m = mount(tree)
    assert open(m.path("etc/kubernetes/pki/ca.crt.txt")).read() == "my own notes\n"
    assert os.listdir(m.path("etc/kubernetes/pki")).count("ca.crt.txt") == 1


def test_symlink_sidecars_decode_the_target_inside_root(mount, tree):
    kp = os.path.join(tree, "var/lib/kubelet/pki")
    make_cert(os.path.join(kp, "kubelet-client-2026-01-01-00-00-00.pem"), cn="system:node:n1")
    os.symlink("/var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem",
               os.path.join(kp, "kubelet-client-current.pem"))
    m = mount(tree)
    got = open(m.path("var/lib/kubelet/pki/kubelet-client-current.pem.txt"), "rb").read()
    assert got == openssl_text(os.path.join(kp, "kubelet-client-2026-01-01-00-00-00.pem"))


def test_sidecar_rotation_shows_within_a_second(mount, tree):
    kp = os.path.join(tree, "var/lib/kubelet/pki")
    make_cert(os.path.join(kp, "kubelet-client-1.pem"), cn="system:node:old")
    make_cert(os.path.join(kp, "kubelet-client-2.pem"), cn="system:node:new-and-longer-name")
    link = os.path.join(kp, "kubelet-client-current.pem")
    os.symlink("/var/lib/kubelet/pki/kubelet-client-1.pem", link)
    m = mount(tree, "-o", "timeout=30")
    side = m.path("var/lib/kubelet/pki/kubelet-client-current.pem.txt")
    assert open(side, "rb").read() == openssl_text(os.path.join(kp, "kubelet-client-1.pem"))
    os.symlink("/var/lib/kubelet/pki/kubelet-client-2.pem", link + ".tmp")
    os.rename(link + ".tmp", link)
    want = openssl_text(os.path.join(kp, "kubelet-client-2.pem"))
    eventually(lambda: open(side, "rb").read(), want)
    eventually(lambda: os.stat(side).st_size, len(want))
    # a certificate rewritten in place, through the link
    make_cert(os.path.join(kp, "kubelet-client-2.pem"), cn="system:node:third")
    want = openssl_text(os.path.join(kp, "kubelet-client-2.pem"))
    eventually(lambda: open(side, "rb").read(), want)


def test_rapid_rotations_each_show(mount, tree):
    """Rotations back to back: a decode racing with the watcher must not be
    kept past the change (each must show within the deadline)."""
    kp = os.path.join(tree, "var/lib/kubelet/pki")
    names = []
    for i in range(2):
        names.append(f"kubelet-client-{i}.pem")
        make_cert(os.path.join(kp, names[-1]), cn=f"system:node:n{i}")
    link = os.path.join(kp, "kubelet-client-current.pem")
    os.symlink("/var/lib/kubelet/pki/" + names[0], link)
    want = {n: openssl_text(os.path.join(kp, n)) for n in names}
    m = mount(tree, "-o", "timeout=30")
    side = m.path("var/lib/kubelet/pki/kubelet-client-current.pem.txt")
    for i in range(1, 30):
        n = names[i % 2]
        open(side, "rb").read()
        os.symlink("/var/lib/kubelet/pki/" + n, link + ".tmp")
        os.rename(link + ".tmp", link)
        eventually(lambda: open(side, "rb").read(), want[n])


def test_sidecar_permissions_follow_the_source(mount, tree):
    d = pki(tree)
    m = mount(tree, "-o", "allow_other")
    assert as_nobody("cat", m.path("etc/kubernetes/pki/ca.crt.txt")).returncode == 0
    for n in os.listdir(m.path("etc/kubernetes/pki")):
        if n.startswith("ca.key."):
            r = as_nobody("cat", m.path(f"etc/kubernetes/pki/{n}"))
            assert r.returncode != 0 and b"Permission denied" in r.stderr, n
            assert stat.S_IMODE(os.stat(m.path(f"etc/kubernetes/pki/{n}")).st_mode) == 0o400


def test_files_over_the_size_cap_get_an_error_line(mount, tree):
    d = pki(tree)
    m = mount(tree, "-o", "max_input=100", expect_log=("cannot decode",))
    got = open(m.path("etc/kubernetes/pki/ca.crt.txt")).read()
    assert got.startswith("error: ") and got.count("\n") == 1


def test_broken_input_gives_an_error_and_a_living_mount(mount, tree):
    d = os.path.join(tree, "etc/kubernetes/pki")
    write(os.path.join(d, "broken.crt"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
    write(os.path.join(d, "random.crt"), os.urandom(3000))
    m = mount(tree, expect_log=("cannot decode",))
    for n in ("broken.crt", "random.crt"):
        if os.path.exists(m.path(f"etc/kubernetes/pki/{n}.txt")):
            got = open(m.path(f"etc/kubernetes/pki/{n}.txt")).read()
            assert "error" in got, n
    assert "broken.crt" in open(m.path(".kubefs/errors")).read()
    assert os.listdir(m.path("etc/kubernetes"))    # still alive


def test_listing_does_not_decode(mount, tree):
    d = os.path.join(tree, "etc/kubernetes/pki")
    make_cert(os.path.join(d, "a.crt"))
    for i in range(200):
        shutil.copy(os.path.join(d, "a.crt"), os.path.join(d, f"c{i}.crt"))
    m = mount(tree)
    names = os.listdir(m.path("etc/kubernetes/pki"))
    assert "c199.crt.txt" in names
    assert cache_bytes(m) == 0, "a plain listing decoded files"
    open(m.path("etc/kubernetes/pki/c7.crt.txt")).read()
    assert cache_bytes(m) > 0


def test_kubeconfig_contexts_equal_kubectl(mount, tree):
    if not shutil.which("kubectl"):
        pytest.skip("SKIP: kubectl is not installed (oracle for .contexts)")
    cfg = os.path.join(tree, "root/.kube/config")
    write(cfg, """apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: {server: "https://10.0.0.1:6443"}
- name: dev
  cluster: {server: "https://dev:6443"}
users:
- name: admin
  user: {token: not-shown-anywhere-123456}
contexts:
- name: zeta
  context: {cluster: prod, user: admin, namespace: kube-system}
- name: admin@prod
  context: {cluster: prod, user: admin}
- name: dev
  context: {cluster: dev, user: admin, namespace: default}
current-context: admin@prod
""", 0o600)
    m = mount(tree)
    want = sh("kubectl", "config", "get-contexts", "--kubeconfig", cfg)
    assert open(m.path("root/.kube/config.contexts"), "rb").read() == want
    for d, _, files in os.walk(m.path("root/.kube")):
        for n in files:
            assert b"not-shown-anywhere-123456" not in open(os.path.join(d, n), "rb").read() or n == "config"


KUBEASZ_UNIT = """[Unit]
Description=Kubernetes Kubelet

[Service]
WorkingDirectory=/var/lib/kubelet
ExecStart=/opt/kube/bin/kubelet \\
  --config=/var/lib/kubelet/config.yaml \\
  --container-runtime-endpoint=unix:///run/containerd/containerd.sock \\
  --hostname-override=192.168.0.160 \\
  --kubeconfig=/etc/kubernetes/kubelet.kubeconfig \\
  --root-dir=/var/lib/kubelet \\
  --v=2
Restart=always
"""


def test_unit_flags_kubeasz(mount, tree):
    write(os.path.join(tree, "etc/systemd/system/kubelet.service"), KUBEASZ_UNIT)
    m = mount(tree)
    assert open(m.path("etc/systemd/system/kubelet.service.flags")).read() == KUBEASZ_KUBELET_FLAGS


def test_certs_report_lists_every_certificate_by_expiry(mount, tree):
    """.kubefs/certs: files, bundles and kubeconfig-embedded certificates, soonest first."""
    d = os.path.join(tree, "etc/kubernetes/pki")
    make_cert(os.path.join(d, "ca.crt"), cn="kubernetes", days=3650)
    make_cert(os.path.join(d, "short.crt"), cn="short-lived", days=10)
    make_cert(os.path.join(d, "b1.pem"), cn="bundle-one", days=100)
    make_cert(os.path.join(d, "b2.pem"), cn="bundle-two", days=200)
    with open(os.path.join(d, "bundle.pem"), "wb") as f:
        f.write(open(os.path.join(d, "b1.pem"), "rb").read() + open(os.path.join(d, "b2.pem"), "rb").read())
    os.unlink(os.path.join(d, "b1.pem"))
    os.unlink(os.path.join(d, "b2.pem"))
    import base64
    ca = base64.b64encode(open(os.path.join(d, "ca.crt"), "rb").read()).decode()
    write(os.path.join(tree, "root/.kube/config"), f"""apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: {{server: "https://x:6443", certificate-authority-data: {ca}}}
contexts: []
users: []
""")
    write(os.path.join(tree, "home/u/notes/old.crt"), open(os.path.join(d, "short.crt")).read())   # not shown
    m = mount(tree)
    lines = open(m.path(".kubefs/certs")).read().splitlines()
    assert lines[0].split() == ["EXPIRES", "DAYS", "STATUS", "CA", "CN", "PATH"]
    rows = [l.split() for l in lines[1:]]
    assert [r[-1] for r in rows] == ["/etc/kubernetes/pki/short.crt", "/etc/kubernetes/pki/bundle.pem#1",
                                     "/etc/kubernetes/pki/bundle.pem#2", "/etc/kubernetes/pki/ca.crt",
                                     "/root/.kube/config#clusters[prod]"]
    short = rows[0]
    assert short[2] == "expiring" and short[4] == "short-lived"
    assert int(short[1]) in (9, 10)
    ca_rows = [r for r in rows if r[4] == "kubernetes"]
    assert len(ca_rows) == 2 and all(r[3] == "yes" for r in ca_rows)
