"""What the mount shows (docs/spec.md §2): locations, the directories leading to
them, attributes as in ROOT minus write bits, symlinks as stored."""
import os
import stat
import subprocess

from conftest import make_cert, sh, write

SHOWN = [
    "etc/kubernetes/admin.conf",
    "etc/kubernetes/pki/ca.crt",
    "etc/kubernetes/manifests/etcd.yaml",
    "var/lib/kubelet/config.yaml",
    "var/lib/kube-proxy/config.conf",
    "etc/systemd/system/kubelet.service.d/20-extra.conf",
    "usr/lib/systemd/system/kubelet.service",
    "usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
    "lib/systemd/system/containerd.service",
    "etc/systemd/system/kube-proxy.service",
    "etc/systemd/system/k3s.service.env",
    "usr/local/lib/systemd/system/rke2-server.env",
    "etc/default/kubelet",
    "etc/sysconfig/k3s-agent",
    "etc/containerd/config.toml",
    "etc/crictl.yaml",
    "etc/cni/net.d/10-flannel.conflist",
    "root/.kube/config",
    "home/alice/.kube/config",
    "etc/rancher/k3s/config.yaml",
    "var/lib/rancher/k3s/server/tls/server-ca.crt",
    "var/lib/rancher/k3s/agent/kubelet.kubeconfig",
    "var/snap/microk8s/1234/args/kubelet",
]
HIDDEN = [
    "etc/passwd",
    "etc/hostname",
    "etc/default/grub",
    "usr/lib/systemd/system/ssh.service",
    "etc/systemd/system/multi-user.target.wants/ssh.service",
    "home/alice/notes.txt",
    "var/log/syslog",
    "var/lib/rancher/k3s/agent/containerd/io.containerd.content.v1/blob",
    "var/lib/rancher/k3s/server/db/state.db",
    "var/snap/microk8s/1234/var/lock",
]


def populate(root):
    for rel in SHOWN + HIDDEN:
        write(os.path.join(root, rel), f"# {rel}\n")
    os.symlink("1234", os.path.join(root, "var/snap/microk8s/current"))


def walk(top):
    out = set()
    for d, dirs, files in os.walk(top):
        for n in dirs + files:
            out.add(os.path.relpath(os.path.join(d, n), top))
    return out


# every entry of MNT/.kubefs
REPORTS = {".kubefs", ".kubefs/audit", ".kubefs/audit.json", ".kubefs/audit.xml", ".kubefs/certs", ".kubefs/doctor", ".kubefs/doctor.json", ".kubefs/check-expiration", ".kubefs/check-expiration.json", ".kubefs/errors", ".kubefs/kubelet", ".kubefs/kubelet/config.flat", ".kubefs/kubelet/config.json", ".kubefs/kubelet/configz.json", ".kubefs/kubelet/flags", ".kubefs/metrics", ".kubefs/metrics/kubefs.prom", ".kubefs/version"}


def real_entries(mnt, root):
    """walk(mnt) without the sidecars (entries that are not in ROOT and whose
    name is a shown file's name plus a suffix) and the reports."""
    seen = walk(mnt)
    out = set()
    for p in seen:
        if p.startswith(".kubefs") or os.path.lexists(os.path.join(root, p)):
            out.add(p)
            continue
        base = p.rsplit(".", 1)[0]
        assert base in seen and os.path.lexists(os.path.join(root, base)), f"{p} is neither in ROOT nor a sidecar"
    return out


def test_default_locations(mount, tree):
    populate(tree)
    m = mount(tree)
    seen = walk(m.mnt)
    for rel in SHOWN:
        assert rel in seen, rel
    for rel in HIDDEN:
        assert rel not in seen, rel
        assert not os.path.lexists(m.path(rel)), rel
    # the directories leading to locations, and nothing else at their level
    assert sorted(os.listdir(m.path())) == [".kubefs", "etc", "home", "lib", "root", "usr", "var"]
    assert sorted(os.listdir(m.path("home"))) == ["alice"]
    assert os.listdir(m.path("home/alice")) == [".kube"]
    # `current` resolves to a shown revision
    assert os.readlink(m.path("var/snap/microk8s/current")) == "1234"
    assert open(m.path("var/snap/microk8s/current/args/kubelet")).read() == "# var/snap/microk8s/1234/args/kubelet\n"


def test_absent_locations_are_absent(mount, tree):
    write(os.path.join(tree, "etc/kubernetes/admin.conf"), "x")
    os.makedirs(os.path.join(tree, "run/systemd/system"))            # no Kubernetes unit in it
    os.makedirs(os.path.join(tree, "home/bob"))                        # no .kube
    m = mount(tree)
    assert sorted(os.listdir(m.path())) == [".kubefs", "etc"]
    assert not os.path.exists(m.path("run"))
    assert not os.path.exists(m.path("home"))


def test_all_and_path(mount, tree):
    populate(tree)
    m = mount(tree, "--all")
    seen = real_entries(m.mnt, tree)
    for rel in SHOWN + HIDDEN:
        assert rel in seen, rel
    assert seen - REPORTS == walk(tree)
    m2 = mount(tree, "--path", "etc/default", "--path", "home/*/notes.txt")
    assert real_entries(m2.mnt, tree) == REPORTS | {"etc", "etc/default",
                            "etc/default/kubelet", "etc/default/grub", "home", "home/alice",
                            "home/alice/notes.txt"}


def test_attributes_mirror_root_minus_write_bits(mount, tree):
    populate(tree)
    key = os.path.join(tree, "etc/kubernetes/pki/ca.key")
    write(key, "not really a key\n", 0o600)
    os.chown(key, 1234, 5678)
    os.utime(key, (1600000000, 1500000000))
    os.chmod(os.path.join(tree, "etc/kubernetes/pki"), 0o751)
    os.symlink("/etc/kubernetes/pki/ca.crt", os.path.join(tree, "var/lib/kubelet/ca-link.crt"))
    m = mount(tree)
    for rel in ["etc/kubernetes/pki/ca.key", "etc/kubernetes/pki", "etc/kubernetes/pki/ca.crt",
                "var/lib/kubelet/ca-link.crt", "etc"]:
        src, got = os.lstat(os.path.join(tree, rel)), os.lstat(m.path(rel))
        assert stat.S_IFMT(got.st_mode) == stat.S_IFMT(src.st_mode), rel
        assert stat.S_IMODE(got.st_mode) == stat.S_IMODE(src.st_mode) & ~0o222, rel
        assert (got.st_uid, got.st_gid, got.st_size) == (src.st_uid, src.st_gid, src.st_size), rel
        assert got.st_mtime_ns == src.st_mtime_ns, rel
    # contained: the kernel follows it inside the mount (issue 9)
    assert os.readlink(m.path("var/lib/kubelet/ca-link.crt")) == "../../../etc/kubernetes/pki/ca.crt"
    assert open(m.path("etc/kubernetes/pki/ca.key")).read() == "not really a key\n"
    # inode numbers are stable and distinct
    a, b = os.stat(m.path("etc/kubernetes/pki/ca.key")), os.stat(m.path("etc/kubernetes/pki/ca.crt"))
    assert a.st_ino != b.st_ino and os.stat(m.path("etc/kubernetes/pki/ca.key")).st_ino == a.st_ino


def test_reports_dir(mount, tree):
    m = mount(tree)
    assert sorted(os.listdir(m.path(".kubefs"))) == ["audit", "audit.json", "audit.xml", "certs", "check-expiration",
                                                     "check-expiration.json", "doctor", "doctor.json", "errors",
                                                     "kubelet", "metrics", "version"]
    assert os.listdir(m.path(".kubefs/metrics")) == ["kubefs.prom"]
    assert sorted(os.listdir(m.path(".kubefs/kubelet"))) == ["config.flat", "config.json", "configz.json", "flags"]
    v = open(m.path(".kubefs/version")).read()
    assert v.startswith("kubefs ") and "libfuse 3." in v and "OpenSSL 3" in v


def test_big_directory(mount, tree):
    d = os.path.join(tree, "etc/kubernetes/many")
    os.makedirs(d)
    for i in range(10000):
        open(os.path.join(d, f"f{i:05}"), "w").close()
    for args in ([], ["-o", "noreaddirplus"]):
        m = mount(tree, *args)
        names = os.listdir(m.path("etc/kubernetes/many"))
        assert len(names) == 10000 and "f09999" in names
        out = sh("ls", "-l", m.path("etc/kubernetes/many"))
        assert out.count(b"\n") == 10001


def test_ls_lR_matches_the_source(mount, tree):
    populate(tree)
    m = mount(tree, "--all")

    def listing(top):
        """ls -lRn, write bits dropped, only entries that exist in ROOT (not sidecars)."""
        out, cur = [], "."
        text = subprocess.run(["ls", "-lRn", "--time-style=+%s"], cwd=top, capture_output=True,
                              check=True, text=True).stdout
        for line in text.splitlines():
            if line.startswith("total") or not line:
                continue
            if line.endswith(":") and line.startswith("."):
                cur = line[:-1]
            else:
                name = line.split(" -> ")[0].split()[-1]
                if not os.path.lexists(os.path.join(tree, cur, name)):
                    continue
                mode, rest = line.split(" ", 1)
                line = mode.replace("w", "-") + " " + rest
            out.append(line)
        return out
    assert listing(m.mnt) == listing(tree)


def test_audit_report(mount, tree):
    """CIS file checks: mode within the benchmark's, owner named from ROOT's own passwd."""
    write(os.path.join(tree, "etc/passwd"), "root:x:0:0::/root:/bin/sh\netcd:x:999:999::/:/bin/false\n")
    write(os.path.join(tree, "etc/group"), "root:x:0:\netcd:x:999:\n")
    write(os.path.join(tree, "etc/kubernetes/manifests/etcd.yaml"), "x", 0o600)
    write(os.path.join(tree, "etc/kubernetes/admin.conf"), "x", 0o640)
    write(os.path.join(tree, "etc/kubernetes/pki/etcd/ca.key"), "x", 0o644)
    os.makedirs(os.path.join(tree, "var/lib/etcd"))
    os.chmod(os.path.join(tree, "var/lib/etcd"), 0o700)
    os.chown(os.path.join(tree, "var/lib/etcd"), 999, 0)
    m = mount(tree)
    got = open(m.path(".kubefs/audit")).read()
    for text in ["[PASS] 1.1.7 Ensure that the etcd pod specification file permissions are set to 600 or more "
                 "restrictive (Automated)\n        /etc/kubernetes/manifests/etcd.yaml: permissions=600\n",
                 "[PASS] 1.1.8 Ensure that the etcd pod specification file ownership is set to root:root "
                 "(Automated)\n        /etc/kubernetes/manifests/etcd.yaml: root:root\n",
                 "[FAIL] 1.1.13 Ensure that the default administrative credential file permissions are set to 600 "
                 "(Automated)\n        /etc/kubernetes/admin.conf: permissions=640\n",
                 "[PASS] 1.1.11 Ensure that the etcd data directory permissions are set to 700 or more restrictive "
                 "(Automated)\n        /var/lib/etcd: permissions=700\n",
                 "[FAIL] 1.1.12 Ensure that the etcd data directory ownership is set to etcd:etcd (Automated)\n"
                 "        /var/lib/etcd: etcd:root\n",
                 "        /etc/kubernetes/pki/etcd/ca.key: permissions=644\n"]:
        assert text in got, (text, got)
    # the API server's manifest is absent: nothing to check, and said so
    assert "[WARN] 1.1.1 Ensure" in got and "no pod specification file on this node" in got
