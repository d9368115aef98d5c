#!/usr/bin/python3
"""version.py KUBEFS: the version comes from one place, meson.build's project
version; everything that repeats it must agree: `kubefs -V`, debian/changelog
(dpkg-parsechangelog; a native package, so the whole version), the man
page's .TH line, and the image tag in the Containerfile, the DaemonSet and
the README.
"""
import os
import re
import shutil
import subprocess
import sys

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(rel):
    with open(os.path.join(SRC, rel)) as f:
        return f.read()


def main():
    kubefs = sys.argv[1]
    m = re.search(r"project\(\s*'kubefs'.*?version\s*:\s*'([^']+)'", read("meson.build"), re.S)
    if not m:
        print("FAIL: no version in meson.build's project()")
        return 1
    version = m.group(1)
    print(f"meson.build: {version}")
    found = {}
    found["kubefs -V"] = subprocess.run([kubefs, "-V"], capture_output=True, text=True).stdout.strip()
    found["kubefs -V"] = found["kubefs -V"].removeprefix("kubefs ")
    if shutil.which("dpkg-parsechangelog"):
        found["debian/changelog"] = subprocess.run(
            ["dpkg-parsechangelog", "-l", os.path.join(SRC, "debian", "changelog"), "-S", "Version"],
            capture_output=True, text=True, check=True).stdout.strip()
    else:
        print("note: dpkg-parsechangelog is missing, reading debian/changelog's first line")
        found["debian/changelog"] = re.match(r"kubefs \(([^)]+)\)", read("debian/changelog")).group(1)
    th = re.search(r'^\.TH KUBEFS 1 "[^"]*" "kubefs ([^"]+)"', read("man/kubefs.1"), re.M)
    found["man/kubefs.1 .TH"] = th.group(1) if th else None
    for rel in ("Containerfile", "examples/kubefs-daemonset.yaml", "README.md"):
        tags = set(re.findall(r"registry\.example\.com/kubefs:(\S+)", read(rel)))
        found[rel] = " ".join(sorted(tags)) or None
    failures = 0
    for where, v in found.items():
        if v == version:
            print(f"ok: {where}: {v}")
        else:
            print(f"FAIL: {where}: {v!r}, meson.build: {version!r}")
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
