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

from conftest import KUBEFS, as_nobody, make_cert, mounted, unmount, write


def fuse_abort(mnt):
    """Aborts the FUSE connection of the mount at `mnt` (a hung daemon's), then
    detaches it: without this a test of a hang would leave one behind."""
    real = os.path.abspath(mnt)
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
        # stderr to a file: a daemon left behind would hold a pipe open forever
        with tempfile.TemporaryFile() as err:
            p = subprocess.Popen([KUBEFS, str(root), str(mnt)], stdout=subprocess.DEVNULL, stderr=err)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            was_mounted = mounted(mnt)
            if was_mounted:
                fuse_abort(str(mnt))
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
            err.seek(0)
            msg = err.read().decode()
        assert p.returncode != 0
        assert not was_mounted
        assert msg.count("\n") == 1 and msg.startswith("kubefs: "), msg


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


# ---- 5. sidecars and reports show only what their reader could read ----

def private_tree(tree):
    """World-readable files that point into 0700 directories."""
    k = os.path.join(tree, "etc/kubernetes")
    make_cert(os.path.join(k, "pki/ca.crt"), cn="public-ca")
    make_cert(os.path.join(k, "private/hidden.crt"), cn="HIDDEN-CN")
    os.chmod(os.path.join(k, "private/hidden.crt"), 0o644)
    os.chmod(os.path.join(k, "private"), 0o700)
    os.symlink("/etc/kubernetes/private/hidden.crt", os.path.join(k, "link.crt"))
    write(os.path.join(k, "public.conf"),
          "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n"
          "    certificate-authority: private/hidden.crt\n    server: https://x\n"
          "users:\n- name: u\n  user:\n    client-certificate: /etc/kubernetes/private/hidden.crt\n")
    write(os.path.join(tree, "etc/default/kubelet"), "KUBELET_EXTRA_ARGS=--node-ip=HIDDEN-ENV\n")
    os.chmod(os.path.join(tree, "etc/default"), 0o700)
    write(os.path.join(tree, "etc/systemd/system/kubelet.service"),
          "[Service]\nEnvironmentFile=-/etc/default/kubelet\nExecStart=/usr/bin/kubelet $KUBELET_EXTRA_ARGS\n")
    write(os.path.join(k, "private/broken.crt"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    write(os.path.join(k, "manifests/kube-apiserver.yaml"), "kind: Pod\n", mode=0o600)
    os.chmod(os.path.join(k, "manifests"), 0o700)
    write(os.path.join(tree, "etc/cni/net.d/10-secret-name.conflist"), "{}\n", mode=0o600)
    os.chmod(os.path.join(tree, "etc/cni/net.d"), 0o711)      # searchable, not listable


def test_sidecars_count_the_directories_on_the_way(mount, tree):
    """Item 5: a sidecar is no more readable than each file it was built
    from, the search permission of every directory above it included."""
    private_tree(tree)
    m = mount(tree, "-o", "allow_other", expect_log=("broken.crt",))
    for f in ("etc/kubernetes/link.crt.subject", "etc/kubernetes/link.crt.txt",
              "etc/kubernetes/public.conf.users", "etc/kubernetes/public.conf.clusters",
              "etc/kubernetes/public.conf.txt",
              "etc/systemd/system/kubelet.service.flags", "etc/systemd/system/kubelet.service.env"):
        r = as_nobody("cat", m.path(f))
        assert r.returncode != 0 and b"Permission denied" in r.stderr, (f, r.stdout)
        assert b"HIDDEN" not in r.stdout
        assert os.stat(m.path(f)).st_mode & 0o044 == 0, f
        assert b"HIDDEN" in open(m.path(f), "rb").read() or f.endswith(".clusters"), f     # root reads it
    # what depends on nothing private stays readable
    assert as_nobody("cat", m.path("etc/kubernetes/pki/ca.crt.subject")).stdout == b"CN=public-ca\n"
    # opening the directory up makes the sidecar readable again, without remounting
    os.chmod(os.path.join(tree, "etc/kubernetes/private"), 0o755)
    deadline = time.monotonic() + 10
    while as_nobody("cat", m.path("etc/kubernetes/link.crt.subject")).stdout != b"CN=HIDDEN-CN\n":
        assert time.monotonic() < deadline, "sidecar mode did not follow the directory's"
        time.sleep(0.05)


def test_reports_are_made_for_their_reader(mount, tree):
    """Item 5: certs, errors and audit list only what the reader could read."""
    private_tree(tree)
    m = mount(tree, "-o", "allow_other", expect_log=("broken.crt",))
    open(m.path("etc/kubernetes/private/broken.crt.txt"), "rb").read()       # an error, as root
    root_errors = open(m.path(".kubefs/errors")).read()
    assert "private/broken.crt" in root_errors
    assert "HIDDEN-CN" in open(m.path(".kubefs/certs")).read()
    root_audit = open(m.path(".kubefs/audit")).read()
    assert "kube-apiserver.yaml" in root_audit and "10-secret-name" in root_audit

    errors = as_nobody("cat", m.path(".kubefs/errors"))
    assert errors.returncode == 0 and b"broken.crt" not in errors.stdout
    certs = as_nobody("cat", m.path(".kubefs/certs"))
    assert certs.returncode == 0 and b"public-ca" in certs.stdout and b"HIDDEN-CN" not in certs.stdout
    audit = as_nobody("cat", m.path(".kubefs/audit"))
    assert audit.returncode == 0
    assert b"kube-apiserver.yaml" not in audit.stdout and b"10-secret-name" not in audit.stdout
    # stat of a report walks nothing: size 0, read to its end (direct_io)
    assert os.stat(m.path(".kubefs/certs")).st_size == 0


# ---- 3. symlinks lead to ROOT's files, never out of the mount ----

def test_symlinks_stay_inside_the_mount(mount, tree, tmp_path):
    """Item 3: following a link in the mount reaches what resolving it inside
    ROOT reaches (a copy of another node shows that node's files)."""
    host = tmp_path / "host"
    write(str(host / "host.crt"), "HOST-FILE\n")
    pki = os.path.join(tree, "var/lib/kubelet/pki")
    make_cert(os.path.join(pki, "kubelet-client-2024.pem"), cn="copied-node")
    os.symlink("/var/lib/kubelet/pki/kubelet-client-2024.pem", os.path.join(pki, "kubelet-client-current.pem"))
    k = os.path.join(tree, "etc/kubernetes")
    os.makedirs(k)
    os.symlink("/etc/shadow", os.path.join(k, "shadow"))
    os.symlink(str(host / "host.crt"), os.path.join(k, "host.crt"))          # the host's path...
    write(os.path.join(tree, str(host / "host.crt").lstrip("/")), "ROOT-COPY\n")  # ...and ROOT's file there
    os.symlink("../../../../../../../../../../etc/shadow", os.path.join(k, "climb"))
    os.symlink("kubelet", os.path.join(tree, "var/lib/kubelet-link"))
    m = mount(tree)
    cur = m.path("var/lib/kubelet/pki/kubelet-client-current.pem")
    assert os.readlink(cur) == "../../../../var/lib/kubelet/pki/kubelet-client-2024.pem"
    assert open(cur, "rb").read() == open(os.path.join(pki, "kubelet-client-2024.pem"), "rb").read()
    for link in ("shadow", "climb"):
        assert not os.path.exists(m.path(f"etc/kubernetes/{link}")), link
        with pytest.raises(OSError):
            open(m.path(f"etc/kubernetes/{link}"), "rb").read()
    assert os.readlink(m.path("etc/kubernetes/climb")) == "../../etc/shadow"
    # with all of ROOT shown, ROOT's file at the host's path, never the host's
    m_all = mount(tree, "--all")
    assert open(m_all.path("etc/kubernetes/host.crt")).read() == "ROOT-COPY\n"
    # .kubefs/certs names the link that points at the certificate
    certs = open(m.path(".kubefs/certs")).read()
    row = [l for l in certs.splitlines() if "copied-node" in l]
    assert len(row) == 1 and row[0].endswith(
        "/var/lib/kubelet/pki/kubelet-client-2024.pem (kubelet-client-current.pem)"), certs
    # -o symlinks=stored: as stored (and then they do lead out)
    m_stored = mount(tree, "--all", "-o", "symlinks=stored")
    assert os.readlink(m_stored.path("etc/kubernetes/host.crt")) == str(host / "host.crt")
    assert open(m_stored.path("etc/kubernetes/host.crt")).read() == "HOST-FILE\n"


NOBODY_WALK = r"""
import os, re, sys
read = leaks = 0
found = set()
for d, dirs, files in os.walk(sys.argv[1]):
    for f in files:
        p = os.path.join(d, f)
        if os.path.islink(p):
            continue
        try:
            data = open(p, "rb").read()
        except OSError:
            continue
        read += 1
        found.update(re.findall(rb"CANARY-[A-Z-]*[A-Z]", data))
        if b"CANARY" in data:
            leaks += 1
            i = data.index(b"CANARY")
            print("LEAK", os.path.relpath(p, sys.argv[1]), data[max(0, i - 80):i + 40])
print("found", *sorted(c.decode() for c in found))
print("read", read, "leaks", leaks)
"""


def test_nobody_reads_nothing_from_files_nobody_could_read(mount, example_nodes, tmp_path):
    """The whole example kubeadm node through the mount as nobody, every
    sidecar and every report: with canaries planted in files nobody may read
    in ROOT (0600 files, a 0700 directory, a link into it, a kubeconfig with an
    embedded CA, the kubelet's config and EnvironmentFile=, a static pod's
    flags, containerd's config, a broken certificate for the error log), no
    byte of any of them shows; root sees them all."""
    root = str(tmp_path / "node")
    subprocess.run(["cp", "-a", os.path.join(example_nodes, "kubeadm"), root], check=True)
    os.chmod(tmp_path, 0o755)
    pki = os.path.join(root, "etc/kubernetes/pki")
    os.makedirs(os.path.join(pki, "private"), mode=0o700)
    make_cert(os.path.join(pki, "private/canary.crt"), cn="CANARY-CERT-DIR")
    os.symlink("private/canary.crt", os.path.join(pki, "link.crt"))
    write(os.path.join(pki, "private/CANARY-ERR.crt"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    make_cert(os.path.join(pki, "canary-file.crt"), cn="CANARY-CERT-FILE")
    os.chmod(os.path.join(pki, "canary-file.crt"), 0o600)
    make_cert(str(tmp_path / "embed.crt"), cn="CANARY-EMBED")
    with open(tmp_path / "embed.crt", "rb") as f:
        embed = __import__("base64").b64encode(f.read()).decode()
    write(os.path.join(root, "etc/kubernetes/canary.conf"),
          "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://CANARY-SERVER:6443\n"
          f"    certificate-authority-data: {embed}\n  name: CANARY-KUBECONFIG\ncontexts:\n"
          "- context: {cluster: CANARY-KUBECONFIG, user: u}\n  name: c\ncurrent-context: c\n", mode=0o600)
    cfg = os.path.join(root, "var/lib/kubelet/config.yaml")
    text = re.sub(r"(?m)^staticPodPath:.*\n", "", open(cfg).read())
    write(cfg, text + "staticPodPath: /etc/kubernetes/CANARY-STATIC\n", mode=0o600)
    write(os.path.join(root, "etc/default/kubelet"), 'KUBELET_EXTRA_ARGS="--node-labels=CANARY-ENV=1"\n', mode=0o600)
    apiserver = os.path.join(root, "etc/kubernetes/manifests/kube-apiserver.yaml")
    text = open(apiserver).read().replace("    - --advertise-address=",
                                          "    - --feature-gates=CANARY-MANIFEST=true\n    - --advertise-address=", 1)
    assert "CANARY-MANIFEST" in text
    write(apiserver, text, mode=0o600)
    toml = os.path.join(root, "etc/containerd/config.toml")
    write(toml, open(toml).read() + 'sandbox_image = "CANARY-TOML"\n', mode=0o600)

    m = mount(root, "-o", "allow_other", expect_log=("cannot decode",))
    open(m.path("etc/kubernetes/pki/private/CANARY-ERR.crt.txt")).read()     # an error in the log, as root
    r = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                        "/usr/bin/python3", "-c", NOBODY_WALK, m.mnt], capture_output=True, timeout=300)
    out = r.stdout.decode(errors="replace")
    assert r.returncode == 0, r.stderr
    assert out.rstrip().endswith("leaks 0"), out
    assert int(out.split()[-3]) > 100, out          # it did read the node: sidecars and reports
    # the canaries are there for who may read them
    r = subprocess.run(["/usr/bin/python3", "-c", NOBODY_WALK, m.mnt], capture_output=True, timeout=300)
    for canary in ("CANARY-CERT-DIR", "CANARY-CERT-FILE", "CANARY-EMBED", "CANARY-KUBECONFIG", "CANARY-STATIC",
                   "CANARY-ENV", "CANARY-MANIFEST", "CANARY-TOML", "CANARY-ERR"):
        assert canary in r.stdout.decode(errors="replace").splitlines()[-2].split(), canary
