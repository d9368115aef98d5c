#!/usr/bin/python3
"""container.py KUBEFS: the Containerfile's runtime stage installs every
library the binary needs, so the image cannot miss one.

The libraries are `ldd KUBEFS`'s, their Debian packages `dpkg -S`'s; the
essential packages and what they depend on (libc6) are in every Debian base
image and need not be named. Also: the runtime stage has fusermount3 (fuse3), the
build stage installs debian/control's Build-Depends, and the DaemonSet runs
the image the Containerfile says to build. A Containerfile missing a library
must be caught (the check can fail).
"""
import os
import re
import subprocess
import sys

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def stages(text):
    """[(FROM line, [instructions])], continuation lines joined."""
    text = re.sub(r"\\\n", " ", text)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            out.append((line, []))
        elif out:
            out[-1][1].append(line)
    return out


def apt_packages(instructions):
    """The packages `apt-get install` is given in RUN instructions."""
    pkgs = set()
    for ins in instructions:
        if not ins.upper().startswith("RUN "):
            continue
        for cmd in re.split(r"&&|;|\|\|", ins[4:]):
            words = cmd.split()
            if words[:2] in (["apt-get", "install"], ["apt", "install"]):
                pkgs.update(w for w in words[2:] if not w.startswith("-"))
    return pkgs


def needed_packages(binary):
    """{package: [libraries]} of what ldd says the binary loads."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    need = {}
    for line in out.splitlines():
        m = re.search(r"(/\S+)\s+\(0x", line)
        if not m:
            continue
        lib = m.group(1)
        pkg = None
        # merged /usr: dpkg knows one of the names
        for cand in (lib, os.path.realpath(lib), re.sub(r"^/usr/", "/", lib), "/usr" + lib):
            p = subprocess.run(["dpkg", "-S", cand], capture_output=True, text=True)
            if p.returncode == 0:
                pkg = p.stdout.split(":")[0].split(",")[0].strip()
                break
        if pkg is None:
            raise SystemExit(f"FAIL: dpkg -S knows no package for {lib}")
        need.setdefault(pkg, []).append(lib)
    return need


_BASE = None


def in_base(pkg):
    """Whether pkg is essential, or a direct dependency of an essential package."""
    global _BASE
    if _BASE is None:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Package}\t${Essential}\t${Pre-Depends}, ${Depends}\n"],
                             capture_output=True, text=True, check=True).stdout
        _BASE = set()
        for line in out.splitlines():
            name, essential, deps = line.split("\t")
            if essential == "yes":
                _BASE.add(name)
                for d in re.split(r"[,|]", deps):
                    d = re.sub(r"[\s:(].*", "", d.strip())
                    if d:
                        _BASE.add(d)
    return pkg in _BASE


def missing(containerfile_text, need):
    runtime = stages(containerfile_text)[-1]
    have = apt_packages(runtime[1])
    return sorted(p for p in need if p not in have and not in_base(p)), runtime, have


def main():
    kubefs = sys.argv[1]
    for tool in ("ldd", "dpkg", "dpkg-query"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode:
            print(f"SKIP: {tool} is missing")
            return 77
    text = open(os.path.join(SRC, "Containerfile")).read()
    failures = 0
    need = needed_packages(kubefs)
    print("ldd build/kubefs -> packages:", ", ".join(f"{p} ({', '.join(map(os.path.basename, l))})"
                                                  for p, l in sorted(need.items())))
    miss, runtime, have = missing(text, need)
    print(f"runtime stage ({runtime[0]}) installs: {' '.join(sorted(have))}")
    if miss:
        print("FAIL: the runtime stage does not install:", " ".join(miss))
        failures += 1
    else:
        print("ok: every library's package is installed (or in the base image: "
              + " ".join(p for p in need if p not in have) + ")")
    if "fuse3" not in have:
        print("FAIL: the runtime stage has no fuse3 (fusermount3)")
        failures += 1
    st = stages(text)
    if len(st) < 2 or " AS " not in st[0][0].upper():
        print("FAIL: expected a named build stage and a runtime stage")
        failures += 1
    if not any(i.startswith("COPY --from=") and "kubefs" in i for i in runtime[1]):
        print("FAIL: the runtime stage does not copy kubefs from the build stage")
        failures += 1
    # the build stage installs what debian/control says kubefs builds with
    control = open(os.path.join(SRC, "debian", "control")).read()
    bd = re.search(r"^Build-Depends:(.*?)^\S", control, re.S | re.M).group(1)
    build_deps = {re.sub(r"\s*\(.*", "", d).strip() for d in bd.split(",") if d.strip()}
    build_deps -= {"debhelper-compat"}
    lacking = sorted(build_deps - apt_packages(st[0][1]))
    if lacking:
        print("FAIL: the build stage lacks Build-Depends:", " ".join(lacking))
        failures += 1
    else:
        print("ok: the build stage installs every Build-Depends:", " ".join(sorted(build_deps)))
    # the DaemonSet runs the image the Containerfile builds (beside it, node_exporter's own)
    ds = open(os.path.join(SRC, "examples", "kubefs-daemonset.yaml")).read()
    images = set(re.findall(r"^\s*image:\s*(\S+)", ds, re.M))
    images = {i for i in images if "node-exporter" not in i}
    tag = re.search(r"build -t (\S+)", text)
    if not tag or images != {tag.group(1)} or "Containerfile" not in ds:
        print(f"FAIL: DaemonSet images {sorted(images)} vs the Containerfile's "
              f"{tag.group(1) if tag else None} (and the DaemonSet should name the Containerfile)")
        failures += 1
    else:
        print(f"ok: the DaemonSet runs {tag.group(1)}, built from the Containerfile")
    # the check can fail: drop one library from the runtime stage
    lib = next(p for p in sorted(need) if not in_base(p))
    broken = re.sub(r"(FROM debian:12-slim.*)", lambda m: m.group(1).replace(f" {lib} ", " "), text, flags=re.S)
    if missing(broken, need)[0] != [lib]:
        print(f"FAIL: a runtime stage without {lib} was not caught")
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
