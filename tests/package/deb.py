#!/usr/bin/python3
"""deb.py: the Debian package, built, linted, installed, used and purged.

In a temporary copy of the source (the files git tracks, as a clean clone
has them; the tree is not touched): `dpkg-buildpackage -us -uc -b` builds
kubefs_VERSION_ARCH.deb; its file list holds the binary, the man page, the
bash completion, the unit and the examples; its Depends is computed
(${shlibs:Depends}: every package `ldd` of the packaged binary names) plus
fuse3; `lintian` reports no error. Then `dpkg -i`: `kubefs -V`, `man -w
kubefs`, the completion loads, the unit is installed but not enabled and
`systemd-analyze verify` is clean on it, the example node (made by the
installed make-nodes.sh) mounts with /usr/bin/kubefs, directly and through
the fstab line; `dpkg --purge` leaves none of the package's files.

Needs root and dpkg-buildpackage/debhelper (skipped, 77, without); the mount
parts need /dev/fuse (skipped loudly without). A kubefs package already
installed is never touched: the test skips.
"""
import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
failures = 0


def log(msg):
    print(msg, flush=True)


def fail(msg):
    global failures
    failures += 1
    log("FAIL: " + msg)


def run(*cmd, check=True, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return p


def installed(pkg="kubefs"):
    """Whether dpkg has any trace of pkg (installed, or its config files)."""
    p = run("dpkg-query", "-W", "-f=${Status}", pkg, check=False)
    return p.returncode == 0 and not p.stdout.endswith("not-installed")


def copy_source(dst):
    """The files a clean clone has (git's), else the tree minus builds."""
    if os.path.exists(os.path.join(SRC, ".git")) and shutil.which("git"):
        files = run("git", "-C", SRC, "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
        for rel in filter(None, files.split("\0")):
            s = os.path.join(SRC, rel)
            if not os.path.lexists(s):
                continue            # deleted, not yet committed
            d = os.path.join(dst, rel)
            os.makedirs(os.path.dirname(d), exist_ok=True)
            shutil.copy2(s, d, follow_symlinks=False)
    else:
        shutil.copytree(SRC, dst, symlinks=True, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("build*", "nodes", "obj-*", "__pycache__"))


def wait_mounted(mnt, want, proc=None, timeout=10):
    deadline = time.monotonic() + timeout
    while os.path.ismount(mnt) != want:
        if proc is not None and proc.poll() is not None:
            return False
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def lib_packages(binary):
    """Packages of the libraries ldd names (dpkg -S)."""
    pkgs = set()
    for m in re.finditer(r"(/\S+)\s+\(0x", run("ldd", binary).stdout):
        lib = m.group(1)
        for cand in (lib, os.path.realpath(lib), re.sub(r"^/usr/", "/", lib), "/usr" + lib):
            p = run("dpkg", "-S", cand, check=False)
            if p.returncode == 0:
                pkgs.add(p.stdout.split(":")[0].strip())
                break
        else:
            fail(f"dpkg -S knows no package for {lib}")
    return pkgs


def main():
    if os.geteuid() != 0:
        log("SKIP: the package test installs a package: it runs as root")
        return 77
    for tool, pkg in (("dpkg-buildpackage", "dpkg-dev"), ("dh", "debhelper"), ("fakeroot", "fakeroot")):
        if not shutil.which(tool):
            log(f"SKIP: {tool} is missing (package {pkg}, listed in .ci/packages): the package is NOT tested")
            return 77
    lock = open("/run/lock/kubefs-deb-test.lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    if installed() or os.path.exists("/usr/bin/kubefs"):
        log("SKIP: kubefs is already installed on this machine; the test would replace it")
        return 77
    arch = run("dpkg", "--print-architecture").stdout.strip()
    version = re.search(r"version\s*:\s*'([^']+)'", open(os.path.join(SRC, "meson.build")).read()).group(1)
    tmp = tempfile.mkdtemp(prefix="kfs-deb-")
    os.chmod(tmp, 0o755)
    mnt = os.path.join(tmp, "mnt")
    try:
        return test(tmp, mnt, arch, version)
    finally:
        # unconditionally: a dead daemon's mount is no mount to os.path.ismount()
        subprocess.run(["fusermount3", "-u", "-z", mnt], capture_output=True)
        if installed():
            subprocess.run(["dpkg", "--purge", "kubefs"], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def test(tmp, mnt, arch, version):
    src = os.path.join(tmp, "kubefs")
    os.makedirs(src)
    copy_source(src)

    # --- build
    t0 = time.monotonic()
    env = dict(os.environ, DEB_BUILD_OPTIONS="parallel=2")
    for k in list(env):
        if k.startswith(("MESON", "ASAN", "UBSAN", "MALLOC_")):
            del env[k]
    p = subprocess.run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=src, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        fail(f"dpkg-buildpackage exited {p.returncode}:\n{p.stdout[-8000:]}")
        return 1
    deb = os.path.join(tmp, f"kubefs_{version}_{arch}.deb")
    if not os.path.exists(deb):
        fail(f"no {os.path.basename(deb)}; built: {os.listdir(tmp)}")
        return 1
    log(f"ok: dpkg-buildpackage -us -uc -b built {os.path.basename(deb)} in {time.monotonic() - t0:.0f} s")

    # --- contents
    listing = run("dpkg", "-c", deb).stdout
    log("dpkg -c:\n" + listing.rstrip())
    paths = {re.sub(r"^\./", "/", l.split()[5]).rstrip("/") for l in listing.splitlines()}
    for want in ("/usr/bin/kubefs", "/usr/share/man/man1/kubefs.1.gz",
                 "/usr/share/bash-completion/completions/kubefs", "/lib/systemd/system/kubefs.service",
                 "/usr/share/doc/kubefs/copyright",
                 "/usr/share/doc/kubefs/examples/fstab.example", "/usr/share/doc/kubefs/examples/kubefs.service",
                 "/usr/share/doc/kubefs/examples/kubefs-daemonset.yaml",
                 "/usr/share/doc/kubefs/examples/make-nodes.sh", "/usr/share/doc/kubefs/examples/Containerfile"):
        if want not in paths:
            fail(f"the package has no {want}")
    control = run("dpkg-deb", "-f", deb, "Version", "Depends").stdout
    log(control.rstrip())
    depends = {re.sub(r"\s*\(.*", "", d).strip() for d in re.search(r"Depends: (.*)", control).group(1).split(",")}
    if f"Version: {version}" not in control:
        fail(f"package version is not {version}")

    # --- lintian
    if shutil.which("lintian"):
        changes = os.path.join(tmp, f"kubefs_{version}_{arch}.changes")
        p = run("lintian", "--fail-on", "error", "--display-info", "--pedantic", changes, check=False)
        out = (p.stdout + p.stderr).strip()
        out = "\n".join(l for l in out.splitlines() if "running with root privileges" not in l)
        log("lintian --pedantic --display-info: " + (out or "(nothing)"))
        if p.returncode != 0 or re.search(r"^E: ", out, re.M):
            fail("lintian reports errors")
        else:
            log("ok: lintian reports no error")
    else:
        log("SKIP (part): lintian is missing: the package is NOT linted")

    # --- install
    p = run("dpkg", "-i", deb, check=False)
    if p.returncode != 0:
        fail(f"dpkg -i: {p.stdout}{p.stderr}")
        return 1
    log("ok: dpkg -i")
    owned = [f for f in run("dpkg", "-L", "kubefs").stdout.splitlines() if f and not os.path.isdir(f)]
    need = lib_packages("/usr/bin/kubefs")
    if not need - {"libc6"} or not (need | {"fuse3"}) <= depends:
        fail(f"Depends {sorted(depends)} lacks some of {sorted(need | {'fuse3'})}")
    else:
        log(f"ok: Depends has every library's package ({' '.join(sorted(need))}) and fuse3")
    v = run("/usr/bin/kubefs", "-V").stdout.strip()
    (log if v == f"kubefs {version}" else fail)(f"kubefs -V: {v}")
    p = run("man", "-w", "kubefs", check=False, env=dict(os.environ, MANPATH=""))
    (log if p.returncode == 0 and p.stdout.strip() == "/usr/share/man/man1/kubefs.1.gz" else fail)(
        f"man -w kubefs: {p.stdout.strip()} {p.stderr.strip()}")
    p = run("bash", "-c", "source /usr/share/bash-completion/completions/kubefs && complete -p kubefs", check=False)
    (log if "_kubefs" in p.stdout else fail)(f"bash completion: {p.stdout.strip()}{p.stderr.strip()}")
    wants = [os.path.join(d, t) for d in ("/etc/systemd/system",) if os.path.isdir(d)
             for t in os.listdir(d) if t.endswith(".wants") and os.path.lexists(os.path.join(d, t, "kubefs.service"))]
    p = run("systemctl", "is-enabled", "kubefs.service", check=False) if shutil.which("systemctl") else None
    state = p.stdout.strip() if p else "(no systemctl)"
    if wants or state == "enabled":
        fail(f"the unit is enabled: {wants} {state}")
    else:
        log(f"ok: kubefs.service installed, not enabled (systemctl is-enabled: {state})")
    unit = open("/lib/systemd/system/kubefs.service").read()
    if "ExecStart=/usr/bin/kubefs " not in unit:
        fail("the installed unit does not run /usr/bin/kubefs")
    if shutil.which("systemd-analyze"):
        p = run("systemd-analyze", "verify", "/lib/systemd/system/kubefs.service", check=False)
        out = (p.stdout + p.stderr).strip()
        (log if p.returncode == 0 and not out else fail)(
            f"systemd-analyze verify /lib/systemd/system/kubefs.service: {out or 'clean'}")
    else:
        log("SKIP (part): systemd-analyze is missing: the installed unit is NOT verified")

    # --- mount the example node with the installed binary
    if not os.path.exists("/dev/fuse") or not shutil.which("openssl"):
        log("SKIP (part): no /dev/fuse or openssl: the installed kubefs is NOT mounted")
    else:
        nodes = os.path.join(tmp, "nodes")
        run("bash", "/usr/share/doc/kubefs/examples/make-nodes.sh", nodes)
        root = os.path.join(nodes, "kubeadm")
        os.mkdir(mnt)
        ca = os.path.join(root, "etc/kubernetes/pki/ca.crt")
        want = run("openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", ca).stdout
        want = want.removeprefix("subject=")
        # as a user would: daemonized, then fusermount3 -u
        p = run("/usr/bin/kubefs", root, mnt, check=False)
        if p.returncode != 0 or not wait_mounted(mnt, True):
            fail(f"kubefs ROOT MNT: {p.returncode} {p.stderr}")
        else:
            got = open(os.path.join(mnt, "etc/kubernetes/pki/ca.crt.subject")).read()
            (log if got == want else fail)(f"installed kubefs mounts the example node: ca.crt.subject {got.strip()}")
            run("fusermount3", "-u", mnt)
            wait_mounted(mnt, False)
        # through the documented fstab line: mount(8) -> mount.fuse3 -> /usr/bin/kubefs
        fstab = os.path.join(tmp, "fstab")
        with open(fstab, "w") as f:
            f.write(f"{root} {mnt} fuse.kubefs ro,allow_other,nofail 0 0\n")
        p = run("mount", "-T", fstab, mnt, check=False)
        if p.returncode != 0 or not wait_mounted(mnt, True):
            fail(f"mount -T FSTAB MNT with the installed kubefs: {p.returncode} {p.stderr}")
        else:
            got = open(os.path.join(mnt, "etc/kubernetes/pki/ca.crt.subject")).read()
            (log if got == want else fail)(f"fstab line with the installed kubefs: ca.crt.subject {got.strip()}")
            p = run("umount", mnt, check=False)
            (log if p.returncode == 0 and wait_mounted(mnt, False) else fail)(f"umount: {p.returncode} {p.stderr}")

    # --- purge
    p = run("dpkg", "--purge", "kubefs", check=False)
    if p.returncode != 0:
        fail(f"dpkg --purge: {p.stdout}{p.stderr}")
    left = [f for f in owned if os.path.lexists(f)]
    left += [f for f in ("/var/lib/systemd/deb-systemd-helper-enabled/kubefs.service.dsh-also",
                         "/var/lib/systemd/deb-systemd-helper-masked/kubefs.service") if os.path.lexists(f)]
    if installed():
        fail("still installed after dpkg --purge")
    if left:
        fail(f"files left after purge: {left}")
    else:
        log(f"ok: dpkg --purge removed all {len(owned)} files")
    log(f"{'FAILED' if failures else 'passed'}: {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
