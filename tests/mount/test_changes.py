"""Changes in ROOT show in the mount within 1 s without remounting (docs/spec.md
section 3), also when the kernel was told to cache for 30 s: so the watcher's
invalidation, not a timeout, is what makes them show."""
import os
import time

from conftest import make_cert, openssl_text, write

DEADLINE = 1.0


def eventually(fn, want):
    """Polls fn() until it returns want; returns the seconds it took (fails after DEADLINE)."""
    start = time.monotonic()
    while True:
        try:
            got = fn()
        except OSError as e:
            got = e
        if got == want:
            return time.monotonic() - start
        if time.monotonic() - start > DEADLINE:
            raise AssertionError(f"after {DEADLINE} s: {got!r}, expected {want!r}")
        time.sleep(0.005)


def read(path):
    with open(path) as f:
        return f.read()


def test_content_changes_show(mount, tree):
    f = os.path.join(tree, "etc/kubernetes/kubelet.conf")
    write(f, "one\n")
    m = mount(tree, "-o", "timeout=30")
    assert read(m.path("etc/kubernetes/kubelet.conf")) == "one\n"
    write(f, "two, longer\n")                                   # in place
    eventually(lambda: read(m.path("etc/kubernetes/kubelet.conf")), "two, longer\n")
    write(f + ".tmp", "three\n")                                # write-temp-then-rename
    os.rename(f + ".tmp", f)
    eventually(lambda: read(m.path("etc/kubernetes/kubelet.conf")), "three\n")
    eventually(lambda: os.stat(m.path("etc/kubernetes/kubelet.conf")).st_size, 6)


def test_entries_come_and_go(mount, tree):
    d = os.path.join(tree, "etc/kubernetes")
    write(os.path.join(d, "a"), "a")
    m = mount(tree, "-o", "timeout=30")
    assert sorted(os.listdir(m.path("etc/kubernetes"))) == ["a"]
    write(os.path.join(d, "b"), "b")
    eventually(lambda: sorted(os.listdir(m.path("etc/kubernetes"))), ["a", "b"])
    eventually(lambda: read(m.path("etc/kubernetes/b")), "b")
    os.unlink(os.path.join(d, "a"))
    eventually(lambda: sorted(os.listdir(m.path("etc/kubernetes"))), ["b"])
    eventually(lambda: os.path.exists(m.path("etc/kubernetes/a")), False)


def test_repointed_symlink_shows(mount, tree):
    pki = os.path.join(tree, "var/lib/kubelet/pki")
    write(os.path.join(pki, "kubelet-client-2025.pem"), "old\n")
    write(os.path.join(pki, "kubelet-client-2026.pem"), "new\n")
    link = os.path.join(pki, "kubelet-client-current.pem")
    os.symlink("/var/lib/kubelet/pki/kubelet-client-2025.pem", link)
    m = mount(tree, "-o", "timeout=30")
    assert os.readlink(m.path("var/lib/kubelet/pki/kubelet-client-current.pem")).endswith("2025.pem")
    # as the kubelet rotates: a new link under a temporary name, renamed over the old
    os.symlink("/var/lib/kubelet/pki/kubelet-client-2026.pem", link + ".tmp")
    os.rename(link + ".tmp", link)
    eventually(lambda: os.readlink(m.path("var/lib/kubelet/pki/kubelet-client-current.pem")),
               "../../../../var/lib/kubelet/pki/kubelet-client-2026.pem")
