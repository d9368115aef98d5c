"""Issue 9: nothing outside ROOT (our own mount, other mounts, symlinks),
special files never opened, sidecars and reports made for their reader.

Every test here failed on 0.1.0; each says which item of the issue it proves.
"""
import os
import re
import stat
import subprocess
import tempfile
import time

import pytest

from conftest import KUBEFS, as_nobody, make_cert, unmount, write


def mounted(mnt):
    """Whether a filesystem is mounted at `mnt`, asking no filesystem (a hung
    FUSE mount would hang os.path.ismount)."""
    real = os.path.realpath(mnt)
    with open("/proc/self/mountinfo") as f:
        return any(line.split()[4] == real for line in f)


def fuse_abort(mnt):
    """Aborts the FUSE connection of the mount at `mnt` (a hung daemon's), then
    detaches it: without this a test of a hang would leave one behind."""
    real = os.path.realpath(mnt)
    conns = "/sys/fs/fuse/connections"
    if os.path.isdir(conns) and not os.listdir(conns):
        subprocess.run(["mount", "-t", "fusectl", "fusectl", conns], capture_output=True)
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            if fields[4] == real and "fuse" in line.split(" - ")[1]:
                minor = fields[2].split(":")[1]
                try:
                    with open(f"/sys/fs/fuse/connections/{minor}/abort", "w") as a:
                        a.write("1")
                except OSError:
                    pass
    subprocess.run(["umount", "-l", real], capture_output=True)


def run(*cmd, timeout=10, mnt=None):
    """Runs cmd, failing the test (not hanging it) past `timeout`: a process
    stuck on a hung FUSE mount cannot be killed, so the connection of `mnt`
    is aborted first."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if mnt:
            fuse_abort(mnt)
        p.kill()
        p.communicate(timeout=30)
        pytest.fail(f"{cmd} did not return within {timeout} s: the mount hangs")
    return subprocess.CompletedProcess(cmd, p.returncode, out, err)


class InsideMount:
    """kubefs ROOT MNT where MNT is inside ROOT (the README's `kubefs / /run/kubefs`)."""

    def __init__(self, root, mnt, *args):
        self.mnt = mnt
        self.proc = subprocess.Popen([KUBEFS, "-f", *args, root, mnt], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while not mounted(mnt):
            assert self.proc.poll() is None, self.proc.stderr.read()
            assert time.monotonic() < deadline, "kubefs did not mount"
            time.sleep(0.01)

    def close(self):
        if self.proc.poll() is None:
            subprocess.run(["fusermount3", "-u", "-z", self.mnt], capture_output=True)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                fuse_abort(self.mnt)
                self.proc.kill()
                self.proc.wait(timeout=10)
        if mounted(self.mnt):
            fuse_abort(self.mnt)


# ---- 1. kubefs never reads through its own mount ----

def test_symlink_into_own_mount_never_hangs(tree):
    """Item 1: links that lead into MNT (by its name, through an alias) get no
    read through the mount; 40 accesses later the mount still answers."""
    mnt = os.path.join(tree, "mnt")
    os.makedirs(mnt)
    k = os.path.join(tree, "etc/kubernetes")
    make_cert(os.path.join(k, "pki/ca.crt"))
    os.makedirs(os.path.join(tree, "home/alice/.kube"))
    os.symlink("/mnt/etc/kubernetes/self.crt.txt", os.path.join(k, "self.crt"))
    os.symlink("/mnt", os.path.join(tree, "alias"))       # MNT by another name
    os.symlink("/alias/etc/kubernetes/pki/ca.crt.txt", os.path.join(k, "alias.crt"))
    os.symlink("/mnt/home/alice/.kube/evil.crt.txt", os.path.join(tree, "home/alice/.kube/evil.crt"))
    write(os.path.join(tree, "home/alice/.kube/config"),
          "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n"
          "    certificate-authority: /mnt/etc/kubernetes/pki/ca.crt\n    server: https://x\n")
    m = InsideMount(tree, mnt)
    try:
        for _ in range(40):
            r = run("ls", "-l", os.path.join(mnt, "etc/kubernetes"), os.path.join(mnt, "home/alice/.kube"), mnt=mnt)
            assert r.returncode == 0, r.stderr
            for f in ("etc/kubernetes/self.crt.txt", "etc/kubernetes/alias.crt.txt",
                      "home/alice/.kube/evil.crt.txt", "home/alice/.kube/config.txt"):
                run("cat", os.path.join(mnt, f), mnt=mnt)
        assert "mnt" not in run("ls", mnt, mnt=mnt).stdout.decode().split()
        # a kubeconfig pointing through MNT reads nothing from it
        txt = run("cat", os.path.join(mnt, "home/alice/.kube/config.txt"), mnt=mnt).stdout
        assert b"BEGIN" not in txt and b"Certificate:" not in txt
        assert run("cat", os.path.join(mnt, "etc/kubernetes/pki/ca.crt.txt"), mnt=mnt).returncode == 0
    finally:
        m.close()


def test_root_inside_mountpoint_is_refused(tmp_path):
    """Item 1: `kubefs MNT/node MNT` fails before mounting, with one line."""
    mnt = tmp_path / "mnt"
    (mnt / "node/etc/kubernetes").mkdir(parents=True)
    for root in (mnt / "node", mnt):
        try:
            r = subprocess.run([KUBEFS, str(root), str(mnt)], capture_output=True, timeout=10)
            was_mounted = mounted(mnt)
        finally:
            if mounted(mnt):
                fuse_abort(str(mnt))
        assert r.returncode != 0
        assert not was_mounted
        err = r.stderr.decode()
        assert err.count("\n") == 1 and err.startswith("kubefs: "), err


# ---- 2. special files are never opened ----

SPECIAL = ("tape0", "watchdog", "kfs-fifo", "kfs-dev-crt")


def special_tree(tree):
    """A node whose files name devices and FIFOs: as a kubeconfig's
    certificate-authority, a unit's EnvironmentFile=, a certificate's name."""
    os.makedirs(os.path.join(tree, "dev"))
    os.mknod(os.path.join(tree, "dev/tape0"), stat.S_IFCHR | 0o666, os.makedev(1, 5))
    os.mknod(os.path.join(tree, "dev/watchdog"), stat.S_IFCHR | 0o666, os.makedev(1, 3))
    os.makedirs(os.path.join(tree, "etc/default"))
    os.mkfifo(os.path.join(tree, "etc/default/kfs-fifo"))
    k = os.path.join(tree, "etc/kubernetes")
    os.makedirs(k)
    os.mknod(os.path.join(k, "kfs-dev-crt.crt"), stat.S_IFCHR | 0o666, os.makedev(1, 5))
    write(os.path.join(tree, "root/.kube/config"),
          "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n"
          "    certificate-authority: /dev/tape0\n    server: https://x\n"
          "users:\n- name: u\n  user:\n    client-certificate: /dev/watchdog\n")
    write(os.path.join(tree, "etc/systemd/system/kubelet.service"),
          "[Service]\nEnvironmentFile=/etc/default/kfs-fifo\nExecStart=/usr/bin/kubelet $KUBELET_ARGS\n")
    os.symlink("/dev/tape0", os.path.join(k, "link.crt"))


def special_opens(log):
    """The lines of an strace log that open one of SPECIAL for anything but O_PATH."""
    bad = []
    for line in open(log):
        if re.search(r"\bopen(at2?)?\(", line) and any(s in line for s in SPECIAL) and "O_PATH" not in line:
            bad.append(line)
    return bad


def test_special_files_are_never_opened_by_decodes_and_reports(tree, tmp_path):
    """Item 2: kubefs decode / report (every kfs_ctx_read, the report walk)."""
    special_tree(tree)
    log = str(tmp_path / "strace")
    for cmd in (["decode", "--root", tree, os.path.join(tree, "root/.kube/config"),
                 os.path.join(tree, "etc/systemd/system/kubelet.service"),
                 os.path.join(tree, "etc/kubernetes/link.crt")],
                ["report", "--root", tree, "certs", "audit"]):
        subprocess.run(["strace", "-f", "-o", log, "-e", "trace=open,openat,openat2", KUBEFS, *cmd],
                       capture_output=True, timeout=60)
        assert os.path.getsize(log) > 0
        assert special_opens(log) == [], cmd


def test_special_files_are_never_opened_by_the_mount(tree, tmp_path):
    """Item 2: the mount's lookups, opens, decodes and reports."""
    special_tree(tree)
    log = str(tmp_path / "strace")
    mnt = tempfile.mkdtemp(prefix="kfs-mnt-")
    proc = subprocess.Popen(["strace", "-f", "-o", log, "-e", "trace=open,openat,openat2",
                             KUBEFS, "-f", "--all", tree, mnt], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not mounted(mnt):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        run("ls", "-lR", mnt, timeout=30, mnt=mnt)
        for f in ("root/.kube/config.txt", "root/.kube/config.users", "etc/systemd/system/kubelet.service.flags",
                  "etc/kubernetes/link.crt.txt", ".kubefs/certs", ".kubefs/audit"):
            run("cat", os.path.join(mnt, f), timeout=30, mnt=mnt)
    finally:
        unmount(mnt)
        proc.wait(timeout=20)
        os.rmdir(mnt)
    assert special_opens(log) == []


# ---- 4. other filesystems mounted inside a location are not entered ----

@pytest.fixture
def bound(tree, tmp_path):
    """ROOT/etc/kubernetes/pki/bound: a bind mount of a directory outside
    ROOT on the same device (st_dev cannot tell it)."""
    outside = tmp_path / "outside"
    make_cert(str(outside / "outside.crt"), cn="OUTSIDE-BIND")
    os.chmod(outside, 0o755)
    pki = os.path.join(tree, "etc/kubernetes/pki")
    make_cert(os.path.join(pki, "ca.crt"), cn="inside-ca")
    b = os.path.join(pki, "bound")
    os.makedirs(b)
    os.symlink("/etc/kubernetes/pki/bound/outside.crt", os.path.join(tree, "etc/kubernetes/via.crt"))
    subprocess.run(["mount", "--bind", str(outside), b], check=True)
    assert os.stat(b).st_dev == os.stat(pki).st_dev
    yield b
    subprocess.run(["umount", "-l", b], check=True)


def test_bind_mount_inside_a_location_is_not_entered(mount, tree, bound):
    """Item 4: told by mount ID, not st_dev."""
    m = mount(tree)
    assert os.path.isdir(m.path("etc/kubernetes/pki/bound"))
    assert os.listdir(m.path("etc/kubernetes/pki/bound")) == []
    assert not os.path.exists(m.path("etc/kubernetes/pki/bound/outside.crt"))
    assert not os.path.exists(m.path("etc/kubernetes/pki/bound/outside.crt.txt"))
    assert not os.path.exists(m.path("etc/kubernetes/via.crt.txt"))
    certs = open(m.path(".kubefs/certs")).read()
    assert "inside-ca" in certs and "OUTSIDE-BIND" not in certs
    r = subprocess.run([KUBEFS, "report", "--root", tree, "certs"], capture_output=True, check=True)
    assert b"OUTSIDE-BIND" not in r.stdout
    # -o cross_mounts still enters it
    m2 = mount(tree, "-o", "cross_mounts")
    assert "outside.crt" in os.listdir(m2.path("etc/kubernetes/pki/bound"))


def test_mount_made_after_lookup_is_not_entered(mount, tree):
    """Item 4: checked at every lookup and open, not remembered from the first."""
    pki = os.path.join(tree, "etc/kubernetes/pki")
    later = os.path.join(pki, "later")
    os.makedirs(later)
    m = mount(tree)
    assert os.path.isdir(m.path("etc/kubernetes/pki/later"))        # looked up (not listed)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", later], check=True)
    try:
        make_cert(os.path.join(later, "tmpfs.crt"), cn="TMPFS-LATER")
        assert os.listdir(m.path("etc/kubernetes/pki/later")) == []
        assert not os.path.exists(m.path("etc/kubernetes/pki/later/tmpfs.crt"))
        assert not os.path.exists(m.path("etc/kubernetes/pki/later/tmpfs.crt.txt"))
        assert "TMPFS-LATER" not in open(m.path(".kubefs/certs")).read()
    finally:
        subprocess.run(["umount", "-l", later], check=True)
