"""`kubefs decode` for pipelines: directories walked like grep -r (the mount's
tree when given ROOT), several views, -H / --no-filename, standard input,
and the exit status naming what failed. The node is made at test time with
openssl; the walk is compared with single-file decodes and with the mount.
"""
import os
import re
import shutil
import subprocess
import tempfile
import time

import pytest

KUBEFS = os.environ.get("KUBEFS", "build/kubefs")
NOW = "1767225600"


def kubefs(*args, input=None, cwd=None):
    return subprocess.run([KUBEFS, *args], capture_output=True, input=input, cwd=cwd, timeout=60,
                          env=dict(os.environ, KUBEFS_NOW=NOW))


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    os.chmod(path, mode)


def cert(path, cn, days=365):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", path + ".key", "-out", path, "-subj", f"/CN={cn}", "-days", str(days)],
                   check=True, capture_output=True)
    os.chmod(path + ".key", 0o600)


@pytest.fixture(scope="module")
def node():
    """A small node: certificates, a kubelet config, a broken certificate,
    symlinks (to a file, dangling, to a directory) and files outside every
    location."""
    tmp = tempfile.mkdtemp(prefix="kfs-decode-")
    os.chmod(tmp, 0o755)
    root = os.path.join(tmp, "root")
    pki = os.path.join(root, "etc/kubernetes/pki")
    cert(os.path.join(pki, "ca.crt"), "kubernetes", 3650)
    cert(os.path.join(pki, "apiserver.crt"), "kube-apiserver", 365)
    cert(os.path.join(root, "var/lib/kubelet/pki/kubelet-client-2026.pem"), "system:node:n1", 100)
    os.symlink("/var/lib/kubelet/pki/kubelet-client-2026.pem",
               os.path.join(root, "var/lib/kubelet/pki/kubelet-client-current.pem"))
    os.symlink("/var/lib/kubelet/pki/gone.pem", os.path.join(root, "var/lib/kubelet/pki/dangling.pem"))
    os.symlink("/etc/kubernetes/pki", os.path.join(root, "var/lib/kubelet/pki-link"))
    write(os.path.join(root, "var/lib/kubelet/config.yaml"),
          "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n")
    write(os.path.join(root, "etc/kubernetes/manifests/broken.crt"),
          "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
    write(os.path.join(root, "etc/kubernetes/README"), "not a format kubefs knows\n")
    # outside the mount's locations
    cert(os.path.join(root, "opt/certs/outside.crt"), "outside", 30)
    write(os.path.join(root, "etc/hostname"), "n1\n")
    yield root
    shutil.rmtree(tmp)


def sections(out):
    """`==> NAME <==` output -> {NAME: bytes}."""
    parts = re.split(rb"(?:^|\n)==> (.*?) <==\n", out)
    assert parts[0] == b"", parts[0][:200]
    return {parts[i].decode(): parts[i + 1] for i in range(1, len(parts), 2)}


def views_of(root, path):
    p = kubefs("views", "--root", root, path)
    return [l.rsplit(".", 1)[1] for l in p.stdout.decode().splitlines()]


def test_root_walk_is_the_mount_tree(node):
    """ROOT given: only the locations (no opt/, no etc/hostname); each section
    is exactly the single-file decode of that view."""
    p = kubefs("decode", "--root", node, node)
    got = sections(p.stdout)
    names = {os.path.relpath(n, node) for n in got}
    assert "etc/kubernetes/pki/ca.crt.expiry" in names
    assert "var/lib/kubelet/config.yaml.flat" in names
    assert "var/lib/kubelet/pki/kubelet-client-current.pem.subject" in names   # a symlink to a file: its sidecars
    assert not any(n.startswith("opt/") or n.startswith("etc/hostname") for n in names), names
    assert not any("dangling" in n or "pki-link" in n or "README" in n for n in names), names
    files = {n.rsplit(".", 1)[0] for n in names}
    want = {f"{f}.{v}" for f in files for v in views_of(node, os.path.join(node, f))}
    assert names == want
    for name, data in got.items():
        path, view = name.rsplit(".", 1)
        single = kubefs("decode", "--root", node, "--view", view, path).stdout
        assert data == single, name


def test_walk_outside_the_locations_is_whole(node):
    """A directory the mount would not show is walked whole, as grep -r would."""
    p = kubefs("decode", "--root", node, "--view", "subject", os.path.join(node, "opt"))
    assert p.returncode == 0, p.stderr
    assert p.stdout == b"==> " + os.path.join(node, "opt/certs/outside.crt.subject").encode() + b" <==\nCN=outside\n"


def test_walk_without_root_given_and_relative_names(node):
    """From inside ROOT with --root .: names relative as given, like grep -r."""
    p = kubefs("decode", "--root", ".", "--view", "subject", "-H", "etc/kubernetes/pki/", cwd=node)
    assert p.returncode == 0, p.stderr
    assert p.stdout.decode().splitlines() == [
        "etc/kubernetes/pki/apiserver.crt.subject:CN=kube-apiserver",
        "etc/kubernetes/pki/ca.crt.subject:CN=kubernetes",
    ]


def test_symlink_to_a_directory_named_is_followed_inside_root(node):
    """var/lib/kubelet/pki-link -> /etc/kubernetes/pki: the node's, not the host's."""
    link = os.path.join(node, "var/lib/kubelet/pki-link")
    p = kubefs("decode", "--root", node, "--view", "subject", "-H", link)
    assert p.returncode == 0, p.stderr
    assert p.stdout.decode().splitlines() == [f"{link}/apiserver.crt.subject:CN=kube-apiserver",
                                              f"{link}/ca.crt.subject:CN=kubernetes"]


def test_no_file_with_root_walks_root(node):
    assert kubefs("decode", "--root", node).stdout == kubefs("decode", "--root", node, node).stdout
    p = kubefs("decode")
    assert p.returncode == 2 and b"no FILE" in p.stderr


def test_failures_exit_1_and_are_named(node):
    p = kubefs("decode", "--root", node, node)
    err = p.stderr.decode().splitlines()
    assert p.returncode == 1
    broken = os.path.join(node, "etc/kubernetes/manifests/broken.crt")
    assert any(l.startswith(f"kubefs: cannot decode '{broken}'") for l in err), err
    n_files = len({n.rsplit(".", 1)[0] for n in sections(p.stdout)})
    assert err[-1] == f"kubefs decode: 1 of {n_files} files failed"
    # its sidecars still say why, as in the mount
    assert sections(p.stdout)[broken + ".subject"].startswith(b"error: ")
    # a walk that does not meet it succeeds
    assert kubefs("decode", "--root", node, os.path.join(node, "etc/kubernetes/pki")).returncode == 0


def test_named_file_without_a_decoder_fails(node):
    readme = os.path.join(node, "etc/kubernetes/README")
    ca = os.path.join(node, "etc/kubernetes/pki/ca.crt")
    p = kubefs("decode", "--root", node, "--view", "subject", ca, readme)
    assert p.returncode == 1
    assert p.stdout.decode() == f"==> {ca}.subject <==\nCN=kubernetes\n"
    assert p.stderr.decode() == (f"kubefs: '{readme}': no decoder recognises it\n"
                                 "kubefs decode: 1 of 2 files failed\n")


def test_several_views_in_the_order_given(node):
    pki = os.path.join(node, "etc/kubernetes/pki")
    a = kubefs("decode", "--root", node, "--view", "subject,expiry", pki)
    b = kubefs("decode", "--root", node, "--view", "subject", "--view", "expiry", pki)
    assert a.returncode == 0 and a.stdout == b.stdout
    names = [os.path.relpath(n, pki) for n in sections(a.stdout)]
    assert names == ["apiserver.crt.subject", "apiserver.crt.expiry", "ca.crt.subject", "ca.crt.expiry"]
    c = kubefs("decode", "--root", node, "--view", "expiry,subject", os.path.join(pki, "ca.crt"))
    assert [os.path.basename(n) for n in sections(c.stdout)] == ["ca.crt.expiry", "ca.crt.subject"]


def test_view_a_file_lacks(node):
    """Walked: files without the view are passed over. Named: an error."""
    p = kubefs("decode", "--root", node, "--view", "flat", node)
    assert p.returncode == 0, p.stderr
    assert list(sections(p.stdout)) == [os.path.join(node, "var/lib/kubelet/config.yaml.flat")]
    ca = os.path.join(node, "etc/kubernetes/pki/ca.crt")
    p = kubefs("decode", "--root", node, "--view", "flat", ca)
    assert p.returncode == 1 and p.stderr.decode() == f"kubefs: '{ca}' has no view 'flat'\n"


def test_with_filename_is_grep_H(node):
    """-H: NAME.VIEW:line for every line; the lines are the plain output's."""
    pki = os.path.join(node, "etc/kubernetes/pki")
    h = kubefs("decode", "--root", node, "-H", pki)
    plain = sections(kubefs("decode", "--root", node, pki).stdout)
    assert h.returncode == 0
    rebuilt = {}
    for line in h.stdout.decode().splitlines():
        name, _, text = line.partition(":")
        rebuilt.setdefault(name, []).append(text)
    # as grep -H, an empty view (a certificate without SANs) prints no line
    assert set(rebuilt) == {n for n, d in plain.items() if d}
    for name, data in plain.items():
        if not data:
            continue
        assert "\n".join(rebuilt[name]) + "\n" == data.decode(), name
    # --with-filename is -H; a single file and view gets names too
    ca = os.path.join(pki, "ca.crt")
    assert kubefs("decode", "--root", node, "--with-filename", "--view", "subject", ca).stdout == \
        f"{ca}.subject:CN=kubernetes\n".encode()


def test_pipeline_soonest_expiry(node):
    """The README's pipeline: certificates by days left, soonest first."""
    out = subprocess.run(f"'{KUBEFS}' decode --root . --view expiry -H . | grep -v ':error:' "
                         "| sort -k2,2n | head -2",
                         shell=True, cwd=node, capture_output=True, check=True).stdout.decode().splitlines()
    assert [l.split(":", 1)[0] for l in out] == ["./var/lib/kubelet/pki/kubelet-client-2026.pem.expiry",
                                                 "./var/lib/kubelet/pki/kubelet-client-current.pem.expiry"], out


def test_no_filename(node):
    pki = os.path.join(node, "etc/kubernetes/pki")
    p = kubefs("decode", "--root", node, "--view", "subject", "--no-filename", pki)
    assert p.stdout == b"CN=kube-apiserver\nCN=kubernetes\n"


def test_single_file_single_view_is_bare(node):
    ca = os.path.join(node, "etc/kubernetes/pki/ca.crt")
    assert kubefs("decode", "--root", node, "--view", "subject", ca).stdout == b"CN=kubernetes\n"


def test_stdin(node):
    ca = os.path.join(node, "etc/kubernetes/pki/ca.crt")
    data = open(ca, "rb").read()
    # recognised by its content
    p = kubefs("decode", "--view", "subject", "-", input=data)
    assert p.returncode == 0 and p.stdout == b"CN=kubernetes\n"
    # every view, named "-"
    p = kubefs("decode", "-", input=data)
    assert list(sections(p.stdout)) == [f"-.{v}" for v in views_of(node, ca)]
    assert sections(p.stdout) == {"-." + n.rsplit(".", 1)[1]: d for n, d in
                                  sections(kubefs("decode", "--root", node, ca).stdout).items()}
    # not recognisable by content: say how to help
    cfg = open(os.path.join(node, "var/lib/kubelet/config.yaml"), "rb").read()
    p = kubefs("decode", "-", input=cfg)
    assert p.returncode == 1
    assert p.stderr == (b"kubefs: '-': no decoder recognises it by its content "
                        b"(say which file it is with --name PATH, or --decoder NAME)\n")
    # --name: decoded as that file of ROOT would be, and named so
    p = kubefs("decode", "--root", node, "--name", "/var/lib/kubelet/config.yaml", "--view", "flat", "-H", "-",
               input=cfg)
    assert p.returncode == 0, p.stderr
    assert '/var/lib/kubelet/config.yaml.flat:kind = "KubeletConfiguration"' in p.stdout.decode().splitlines()
    # --decoder
    p = kubefs("decode", "--decoder", "yaml", "--view", "json", "-", input=cfg)
    assert p.returncode == 0 and p.stdout.startswith(b'{"apiVersion":')
    # usage errors
    assert kubefs("decode", "--name", "x.yaml", ca).returncode == 2
    assert kubefs("decode", "-", "-", input=b"").returncode == 2


def test_stdin_too_big():
    p = kubefs("decode", "--decoder", "yaml", "-", input=b"#" * ((16 << 20) + 1))
    assert p.returncode == 1 and p.stderr == b"kubefs: standard input is larger than 16 MiB\n"


def test_views_list_and_decoders():
    views = kubefs("views", "--list").stdout.decode().split()
    assert {"txt", "expiry", "flat", "contexts", "flags"} <= set(views) and len(views) == len(set(views))
    assert "x509" in kubefs("views", "--decoders").stdout.decode().split()


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"), reason="needs root and unshare")
def test_without_dev_fuse(node):
    """As in a container without /dev/fuse: decode needs none (an empty /dev)."""
    want = kubefs("decode", "--root", node, "--view", "expiry", "-H", node)
    p = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                        'mount -t tmpfs none /dev && test ! -e /dev/fuse && exec "$@"', "sh",
                        KUBEFS, "decode", "--root", node, "--view", "expiry", "-H", node],
                       capture_output=True, env=dict(os.environ, KUBEFS_NOW=NOW), timeout=60)
    assert p.stdout == want.stdout and p.returncode == want.returncode and b".expiry:" in p.stdout


@pytest.mark.skipif(not os.path.exists("/dev/fuse") or os.geteuid() != 0, reason="needs /dev/fuse and root")
def test_root_walk_equals_the_mount(node):
    """Every sidecar the mount shows, with its bytes, and nothing else."""
    mnt = tempfile.mkdtemp(prefix="kfs-mnt-")
    proc = subprocess.Popen([KUBEFS, "-f", node, mnt], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, KUBEFS_NOW=NOW))
    try:
        deadline = time.monotonic() + 10
        while not os.path.ismount(mnt):
            assert proc.poll() is None and time.monotonic() < deadline, "kubefs did not mount"
            time.sleep(0.01)
        want = {}
        for d, dirs, files in os.walk(mnt):
            if d == mnt:
                dirs.remove(".kubefs")
            for f in files:
                rel = os.path.relpath(os.path.join(d, f), mnt)
                if not os.path.lexists(os.path.join(node, rel)):       # a sidecar
                    with open(os.path.join(d, f), "rb") as fh:
                        want[rel] = fh.read()
        got = {os.path.relpath(n, node): d for n, d in sections(kubefs("decode", "--root", node, node).stdout).items()}
        assert set(got) == set(want)
        for rel in want:
            if not rel.endswith(".expiry"):     # days left: the mount's clock is not pinned
                assert got[rel] == want[rel], rel
    finally:
        subprocess.run(["fusermount3", "-u", "-z", mnt], capture_output=True)
        proc.wait(timeout=10)
        os.rmdir(mnt)
