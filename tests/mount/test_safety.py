"""The guarantees of SPEC section 4, each tested: read-only, nothing outside
ROOT, permissions, never hangs, other mounts not crossed."""
import errno
import hashlib
import os
import socket
import stat
import subprocess
import tempfile
import time

import pytest

from conftest import as_nobody, make_cert, unmount, write


def manifest(top):
    """Everything about a tree that a write could change."""
    out = {}
    for d, dirs, files in os.walk(top):
        for n in dirs + files:
            p = os.path.join(d, n)
            st = os.lstat(p)
            h = None
            if stat.S_ISREG(st.st_mode):
                h = hashlib.sha256(open(p, "rb").read()).hexdigest()
            out[os.path.relpath(p, top)] = (st.st_mode, st.st_uid, st.st_gid, st.st_size,
                                            st.st_mtime_ns, st.st_ctime_ns, h)
    return out


def expect_erofs(fn, *args):
    with pytest.raises(OSError) as e:
        fn(*args)
    assert e.value.errno == errno.EROFS, (fn, args, e.value)


def test_every_write_fails_and_the_source_is_unchanged(mount, tree):
    write(os.path.join(tree, "etc/kubernetes/admin.conf"), "apiVersion: v1\n")
    make_cert(os.path.join(tree, "etc/kubernetes/pki/ca.crt"))
    before = manifest(tree)
    m = mount(tree)
    f = m.path("etc/kubernetes/admin.conf")
    d = m.path("etc/kubernetes")
    for flags in (os.O_WRONLY, os.O_RDWR, os.O_RDONLY | os.O_TRUNC, os.O_WRONLY | os.O_APPEND,
                  os.O_WRONLY | os.O_CREAT):
        expect_erofs(os.open, f, flags)
    expect_erofs(os.open, m.path("etc/kubernetes/new"), os.O_WRONLY | os.O_CREAT)
    expect_erofs(os.mkdir, m.path("etc/kubernetes/dir"))
    expect_erofs(os.rmdir, m.path("etc/kubernetes/pki"))
    expect_erofs(os.unlink, f)
    expect_erofs(os.rename, f, m.path("etc/kubernetes/moved"))
    expect_erofs(os.chmod, f, 0o777)
    expect_erofs(os.chown, f, 1, 1)
    expect_erofs(os.utime, f, (1, 1))
    expect_erofs(os.truncate, f, 0)
    expect_erofs(os.symlink, "x", m.path("etc/kubernetes/link"))
    expect_erofs(os.link, f, m.path("etc/kubernetes/hard"))
    expect_erofs(os.setxattr, f, "user.x", b"1")
    expect_erofs(os.mknod, m.path("etc/kubernetes/fifo"), stat.S_IFIFO | 0o644)
    with pytest.raises(OSError):
        os.removexattr(f, "user.x")
    assert manifest(tree) == before


def test_nothing_outside_root(mount, tree, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    make_cert(str(outside / "secret.crt"), cn="OUTSIDE-ROOT")
    write(str(outside / "config"), "apiVersion: v1\nkind: Config\nclusters: []\n")
    pki = os.path.join(tree, "etc/kubernetes/pki")
    os.makedirs(pki)
    os.symlink(str(outside / "secret.crt"), os.path.join(pki, "abs.crt"))           # host path
    os.symlink("../../../../outside/secret.crt", os.path.join(pki, "rel.crt"))    # climbs out
    os.symlink("/../../../../../" + str(outside / "secret.crt"), os.path.join(pki, "deep.crt"))
    os.symlink("loop2.crt", os.path.join(pki, "loop1.crt"))
    os.symlink("loop1.crt", os.path.join(pki, "loop2.crt"))
    os.symlink("/", os.path.join(pki, "rootlink"))
    m = mount(tree)
    for name in ("abs.crt", "rel.crt", "deep.crt", "loop1.crt"):
        # the link is shown as stored; no sidecar reaches outside ROOT
        assert os.path.islink(m.path(f"etc/kubernetes/pki/{name}"))
        assert not os.path.exists(m.path(f"etc/kubernetes/pki/{name}.txt")), name
        assert f"{name}.txt" not in os.listdir(m.path("etc/kubernetes/pki"))
    # kubefs never follows a symlink as a directory of the view
    assert os.readlink(m.path("etc/kubernetes/pki/rootlink")) == "/"
    for d, _, files in os.walk(m.mnt):
        for n in files:
            p = os.path.join(d, n)
            if os.path.islink(p):
                continue
            assert b"OUTSIDE-ROOT" not in open(p, "rb").read(), p
    # the daemon resolves absolute paths inside ROOT even through the userspace walker
    m2 = mount(tree)
    assert not os.path.exists(m2.path("etc/kubernetes/pki/abs.crt.txt"))


def test_fifo_socket_and_device_are_never_opened(mount, tree):
    d = os.path.join(tree, "etc/kubernetes")
    os.makedirs(d)
    os.mkfifo(os.path.join(d, "ca.crt"))                       # a name every decoder would want
    os.mkfifo(os.path.join(d, "admin.conf"))
    s = socket.socket(socket.AF_UNIX)
    s.bind(os.path.join(d, "kubelet.sock"))
    s.close()
    os.mknod(os.path.join(d, "config.yaml"), stat.S_IFCHR | 0o666, os.makedev(1, 3))
    m = mount(tree)
    names = sorted(os.listdir(m.path("etc/kubernetes")))
    assert names == ["admin.conf", "ca.crt", "config.yaml", "kubelet.sock"]      # no sidecars
    assert stat.S_ISFIFO(os.lstat(m.path("etc/kubernetes/ca.crt")).st_mode)
    assert stat.S_ISSOCK(os.lstat(m.path("etc/kubernetes/kubelet.sock")).st_mode)
    assert stat.S_ISCHR(os.lstat(m.path("etc/kubernetes/config.yaml")).st_mode)
    for n in ("ca.crt.txt", "admin.conf.contexts", "config.yaml.flat"):
        assert not os.path.exists(m.path(f"etc/kubernetes/{n}"))
    # the mount is nodev: the device cannot be opened through it
    with pytest.raises(OSError):
        open(m.path("etc/kubernetes/config.yaml"), "rb").read(1)
    # and ls -l of it all returns (the daemon never blocked on the FIFO)
    subprocess.run(["ls", "-lR", m.mnt], check=True, capture_output=True, timeout=10)


def test_unprivileged_user_reads_what_root_lets_them(mount, tree):
    pki = os.path.join(tree, "etc/kubernetes/pki")
    make_cert(os.path.join(pki, "ca.crt"), key=os.path.join(pki, "ca.key"))
    os.chmod(os.path.join(pki, "ca.key"), 0o600)
    os.chmod(os.path.join(pki, "ca.crt"), 0o644)
    for d in ("etc", "etc/kubernetes", "etc/kubernetes/pki"):
        os.chmod(os.path.join(tree, d), 0o755)
    m = mount(tree, "-o", "allow_other")
    assert as_nobody("cat", m.path("etc/kubernetes/pki/ca.crt")).returncode == 0
    r = as_nobody("cat", m.path("etc/kubernetes/pki/ca.key"))
    assert r.returncode != 0 and b"Permission denied" in r.stderr
    # without allow_other, another user sees nothing at all
    m2 = mount(tree)
    assert as_nobody("ls", m2.mnt).returncode != 0


def test_other_mounts_are_not_crossed(mount, tree):
    vol = os.path.join(tree, "var/lib/kubelet/pods/0000/volumes/kubernetes.io~secret/token")
    os.makedirs(vol)
    write(os.path.join(tree, "var/lib/kubelet/config.yaml"), "kind: KubeletConfiguration\n")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", vol], check=True)
    try:
        write(os.path.join(vol, "token"), "SECRET-POD-TOKEN\n")
        m = mount(tree)
        assert os.path.isdir(m.path("var/lib/kubelet/pods/0000/volumes/kubernetes.io~secret/token"))
        assert os.listdir(m.path("var/lib/kubelet/pods/0000/volumes/kubernetes.io~secret/token")) == []
        assert not os.path.exists(m.path("var/lib/kubelet/pods/0000/volumes/kubernetes.io~secret/token/token"))
        m2 = mount(tree, "-o", "cross_mounts")
        assert os.listdir(m2.path("var/lib/kubelet/pods/0000/volumes/kubernetes.io~secret/token")) == ["token"]
    finally:
        subprocess.run(["umount", "-l", vol], check=True)


def test_own_mountpoint_inside_root_is_hidden(tree):
    """kubefs --all ROOT ROOT/mnt must not read itself (a deadlock with -s)."""
    os.makedirs(os.path.join(tree, "mnt"))
    write(os.path.join(tree, "etc/kubernetes/x"), "x")
    mnt = os.path.join(tree, "mnt")
    proc = subprocess.Popen([os.environ["KUBEFS"], "-f", "-s", "--all", tree, mnt],
                            stderr=subprocess.PIPE)
    try:
        for _ in range(1000):
            if os.path.ismount(mnt):
                break
            time.sleep(0.01)
        assert os.path.ismount(mnt)
        assert "mnt" not in os.listdir(mnt)
        assert not os.path.exists(os.path.join(mnt, "mnt"))
        subprocess.run(["find", mnt], check=True, capture_output=True, timeout=10)
    finally:
        unmount(mnt)
        proc.wait(timeout=10)


def test_kubelet_reports_are_made_for_their_reader(mount, tree):
    """.kubefs/kubelet/ and the audit use no file the reader may not read."""
    write(os.path.join(tree, "etc/systemd/system/kubelet.service"),
          "[Service]\nExecStart=/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml --v=2\n", 0o644)
    write(os.path.join(tree, "var/lib/kubelet/config.yaml"),
          "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
          "authentication:\n  anonymous:\n    enabled: true\n", 0o600)
    for d in ("etc", "etc/systemd", "etc/systemd/system", "var", "var/lib", "var/lib/kubelet"):
        os.chmod(os.path.join(tree, d), 0o755)
    os.chmod(tree, 0o755)
    m = mount(tree, "-o", "allow_other")
    flat = open(m.path(".kubefs/kubelet/config.flat")).read()
    assert "authentication.anonymous.enabled = true    # /var/lib/kubelet/config.yaml\n" in flat, flat
    assert "logging.verbosity = 2    # flag --v\n" in flat, flat
    assert "[FAIL] 4.2.1 " in open(m.path(".kubefs/audit")).read()
    r = as_nobody("cat", m.path(".kubefs/kubelet/config.flat"))
    assert r.returncode == 0, r.stderr
    assert b"you may not read it" in r.stdout and b"anonymous.enabled = true" not in r.stdout, r.stdout
    r = as_nobody("cat", m.path(".kubefs/audit"))
    assert r.returncode == 0 and b"[FAIL] 4.2.1 " not in r.stdout and b"[WARN] 4.2.1 " in r.stdout, r.stdout
