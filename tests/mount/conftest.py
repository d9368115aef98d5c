"""Fixtures for mount tests (after libfuse's test/util.py).

A mount polls until the kernel shows it (never sleep-and-hope), fails at once
if the daemon exits first, and is always unmounted with `fusermount3 -u -z`
and its daemon reaped, also when the test fails. Warnings and errors in the
daemon's log fail the test unless the test says it expects them.
"""
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time

import pytest

KUBEFS = os.environ.get("KUBEFS", "build/kubefs")
# a sanitizer build (tests/run.sh sets these): its allocator says nothing about ours
SANITIZED = bool(os.environ.get("ASAN_OPTIONS") or os.environ.get("TSAN_OPTIONS"))
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def mounted(mnt):
    """Whether a filesystem is mounted at `mnt`, asking no filesystem: a dead
    FUSE daemon's mount answers ENOTCONN, which os.path.ismount() takes for
    "not a mount point", and a hung one would hang it."""
    real = os.path.abspath(mnt)
    with open("/proc/self/mountinfo") as f:
        return any(line.split()[4] == real for line in f)


def unmount(mnt):
    """fusermount3 -u -z, then wait until the kernel no longer shows the mount."""
    if mounted(mnt):
        subprocess.run(["fusermount3", "-u", "-z", mnt], capture_output=True)
    deadline = time.monotonic() + 5
    while mounted(mnt) and time.monotonic() < deadline:
        time.sleep(0.01)


class Mount:
    def __init__(self, root, *args, expect_log=(), env=None):
        self.root = root
        self.mnt = tempfile.mkdtemp(prefix="kfs-mnt-")
        self.log = tempfile.NamedTemporaryFile(prefix="kfs-log-", delete=False)
        self.expect_log = expect_log
        self.proc = subprocess.Popen([KUBEFS, "-f", *args, root, self.mnt],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 10
        while not os.path.ismount(self.mnt):
            if self.proc.poll() is not None:
                self.close()
                raise AssertionError(f"kubefs exited with {self.proc.returncode} before mounting:\n{self.text_log()}")
            if time.monotonic() > deadline:
                self.close()
                raise AssertionError(f"kubefs did not mount within 10 s:\n{self.text_log()}")
            time.sleep(0.01)

    def path(self, rel=""):
        return os.path.join(self.mnt, rel)

    def text_log(self):
        with open(self.log.name, errors="replace") as f:
            return f.read()

    def close(self):
        unmount(self.mnt)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        try:
            os.rmdir(self.mnt)
        except OSError:
            pass

    def check_log(self):
        log = self.text_log()
        bad = [l for l in log.splitlines()
               if ("error" in l.lower() or "warning" in l.lower())
               and not any(e in l for e in self.expect_log)]
        os.unlink(self.log.name)
        assert not bad, "unexpected daemon messages:\n" + "\n".join(bad) + "\n--- the whole log:\n" + log[-20000:]


@pytest.fixture
def mount():
    """mount(root, *args, expect_log=()) -> Mount; unmounted after the test."""
    mounts = []

    def make(root, *args, expect_log=(), env=None):
        m = Mount(root, *args, expect_log=expect_log, env=env)
        mounts.append(m)
        return m

    yield make
    for m in mounts:
        m.close()
    for m in mounts:
        m.check_log()


def sh(*cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw).stdout


def as_nobody(*cmd):
    """Runs cmd as nobody:nogroup; returns the CompletedProcess."""
    return subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *cmd],
                          capture_output=True, timeout=20)


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    os.chmod(path, mode)


@pytest.fixture
def tree(tmp_path):
    """An empty node ROOT (world-traversable, so other users can test reads)."""
    root = tmp_path / "root"
    root.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(root, 0o755)
    return str(root)


def make_cert(path, cn="kubernetes", days=365, key=None, extra=()):
    """A self-signed certificate at path (and its key at `key` if given)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    keyout = key or path + ".tmpkey"
    sh("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", keyout, "-out", path, "-subj", f"/CN={cn}", "-days", str(days), *extra)
    if not key:
        os.unlink(keyout)


def openssl_text(path):
    return sh("openssl", "x509", "-noout", "-text", "-in", path)


@pytest.fixture(scope="session")
def example_nodes(tmp_path_factory):
    """The example node roots from examples/make-nodes.sh, made once."""
    out = tmp_path_factory.mktemp("nodes")
    os.chmod(out, 0o755)
    script = os.path.join(TOP, "examples", "make-nodes.sh")
    if not os.path.exists(script):
        pytest.skip("examples/make-nodes.sh is missing")
    subprocess.run([script, str(out)], check=True, capture_output=True)
    return str(out)


# kubelet.service.flags of the kubeasz unit quoted in issue 2 (one argv element a line)
KUBEASZ_KUBELET_FLAGS = (
    "/opt/kube/bin/kubelet\n"
    "--config=/var/lib/kubelet/config.yaml\n"
    "--container-runtime-endpoint=unix:///run/containerd/containerd.sock\n"
    "--hostname-override=192.168.0.160\n"
    "--kubeconfig=/etc/kubernetes/kubelet.kubeconfig\n"
    "--root-dir=/var/lib/kubelet\n"
    "--v=2\n")
