"""The command line (docs/spec.md §1): exit codes, one-line errors, stale mounts."""
import os
import signal
import subprocess
import tempfile
import time

import pytest

from conftest import KUBEFS, Mount, mounted, unmount


def run(*args):
    return subprocess.run([KUBEFS, *args], capture_output=True, text=True, timeout=20)


def test_usage_errors_exit_2_with_one_line():
    for args in ([], ["a", "b", "c"], ["--bogus", "/mnt"], ["-o"], ["-o", "rw", "/", "/mnt"],
                 ["--all", "--path", "etc", "/", "/mnt"], ["-o", "timeout=x", "/mnt"]):
        p = run(*args)
        assert p.returncode == 2, (args, p)
        assert len(p.stderr.strip().splitlines()) == 1, (args, p.stderr)
        assert p.stderr.startswith("kubefs: "), p.stderr


def test_help_and_version():
    p = run("--help")
    assert p.returncode == 0 and "MOUNTPOINT" in p.stdout
    p = run("-V")
    assert p.returncode == 0 and p.stdout.startswith("kubefs ")


def test_missing_root():
    with tempfile.TemporaryDirectory() as mnt:
        p = run("/nope", mnt)
    assert p.returncode == 1
    assert p.stderr == "kubefs: cannot open ROOT '/nope': No such file or directory\n"


def test_missing_mountpoint(tree):
    p = run(tree, "/nonexistent-mountpoint")
    assert p.returncode == 1
    assert "MOUNTPOINT '/nonexistent-mountpoint'" in p.stderr


def test_unknown_fuse_option_is_a_usage_error(tree):
    with tempfile.TemporaryDirectory() as mnt:
        p = run("-f", "-o", "no_such_option", tree, mnt)
    assert p.returncode == 2
    assert not mounted(mnt)


def test_stale_mount_is_reported_with_the_fix(tree):
    """A dead FUSE daemon leaves 'Transport endpoint is not connected'."""
    mnt = tempfile.mkdtemp()
    src = tempfile.mkdtemp()
    try:
        # bindfs without auto_unmount, killed: a stale mount
        p = subprocess.Popen(["bindfs", "-f", src, mnt])
        for _ in range(500):
            if os.path.ismount(mnt):
                break
            time.sleep(0.01)
        p.send_signal(signal.SIGKILL)
        p.wait()
        r = run("-f", tree, mnt)
        assert r.returncode == 1
        assert "stale mount" in r.stderr and f"fusermount3 -u -z {mnt}" in r.stderr
    finally:
        unmount(mnt)
        os.rmdir(mnt)
        os.rmdir(src)


@pytest.mark.parametrize("opts", [[], ["-o", "allow_other"]], ids=["plain", "allow_other"])
def test_kill_9_unmounts_automatically(tree, opts):
    """auto_unmount, also with allow_other (libfuse 3.14 predates a fix there)."""
    m = Mount(tree, *opts)
    try:
        m.proc.send_signal(signal.SIGKILL)
        m.proc.wait()
        for _ in range(1000):
            if not mounted(m.mnt):
                break
            time.sleep(0.01)
        assert not mounted(m.mnt), "auto_unmount left the mount behind"
    finally:
        m.close()


def test_mount_shows_fsname_and_type(mount, tree):
    m = mount(tree)
    line = [l for l in open("/proc/mounts") if f" {m.mnt} " in l][0].split()
    assert line[0] == tree and line[2] == "fuse.kubefs"
    assert "ro" in line[3].split(",")
    assert "default_permissions" in line[3].split(",")
