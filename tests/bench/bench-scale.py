#!/usr/bin/python3
"""The performance tables of issue 12, measured side by side in one run.

usage: sudo tests/bench/bench-scale.py [--kubefs BIN] [--before BIN] [--sizes 20000,100000,200000]
                                       [--table-size 20000] [--oracle-n 200] [--runs 5] [--skip-growth]

Needs hyperfine, bindfs, openssl, kubectl (the oracles), /dev/fuse, root.
Not a test: it asserts nothing, it prints markdown tables (also written to
build/bench/scale.md).

1. The side-by-side table, on a scale node of --table-size files
   (tests/bench/make-scale-node.py over the kubeadm example node): a warm
   `ls -lR etc home var` and a warm `cat` of every original file, on the
   native directory, `bindfs -r` and kubefs (and kubefs --before, when
   given: the same run, the same node); the 2,000-certificate expiry
   question and the 500-kubeconfig contexts question, warm and on a fresh
   mount, against loops of openssl / kubectl. The oracle loops run on the
   first --oracle-n files only and are extrapolated per file (they are
   thousands of process starts: linear by construction); the table says so.
   Peak RSS of the daemon after reading every file and sidecar.
2. The growth table (--sizes): mount ready time, `df` time, a cold and a
   warm `ls -lR` (with the native one for the ratio), the time to read every
   file and sidecar once, and the daemon's peak RSS after it.
Every timing is hyperfine's median (the cold walk of the growth table: one run,
on a fresh mount).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIDECARS = r".*\.(txt|subject|issuer|san|expiry|sha256|json|contexts|current-context|clusters|users|yaml|flags|env|unit|flat|objects|claims)$"


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, executable="/bin/bash", **kw)


def hyperfine(cmds, runs, warmup=1, prepare=None):
    """{name: median seconds} for [(name, command)]."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        args = ["hyperfine", "--style", "none", "--shell=bash", "--runs", str(runs),
                "--warmup", str(warmup), "--export-json", out.name]
        if prepare:
            args += ["--prepare", prepare]
        for name, cmd in cmds:
            args += ["-n", name, cmd]
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        res = json.load(open(out.name))["results"]
    return {r["command"]: r["median"] for r in res}


def unmount(m):
    subprocess.run(["fusermount3", "-u", "-z", m], stderr=subprocess.DEVNULL)


def mount_kubefs(binary, root, mnt, opts=()):
    unmount(mnt)
    sh(" ".join([binary, *opts, root, mnt]))


def daemon_pid(mnt):
    """The kubefs process serving mnt (its command line names the mount point)."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        if mnt.encode() in argv and any(a.endswith(b"kubefs") or b"kubefs" in os.path.basename(a) for a in argv[:1]):
            return int(pid)
    return None


def peak_rss_mib(mnt):
    pid = daemon_pid(mnt)
    if pid is None:
        return float("nan")
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def fmt(s):
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def count_lines(cmd):
    return int(sh(cmd + " | wc -l", capture_output=True, text=True).stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kubefs", default=os.path.join(TOP, "build/kubefs"))
    ap.add_argument("--before", help="another kubefs binary, measured in the same run")
    ap.add_argument("--sizes", default="20000,100000,200000")
    ap.add_argument("--table-size", type=int, default=20000)
    ap.add_argument("--oracle-n", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--skip-growth", action="store_true")
    ap.add_argument("--skip-table", action="store_true")
    ap.add_argument("--skip-rotation", action="store_true")
    ap.add_argument("--growth-before", action="store_true", help="the growth table for --before too")
    a = ap.parse_args()
    kubefs = os.path.abspath(a.kubefs)
    bins = [("kubefs", kubefs)] + ([("before", os.path.abspath(a.before))] if a.before else [])
    work = tempfile.mkdtemp(prefix="kfs-scale-")
    mounts = []
    out = []

    def mnt(name):
        m = os.path.join(work, "mnt-" + name)
        os.makedirs(m, exist_ok=True)
        mounts.append(m)
        return m

    def emit(line=""):
        print(line, flush=True)
        out.append(line)

    try:
        sh(f"{TOP}/examples/make-nodes.sh {work}/nodes >/dev/null")
        base = f"{work}/nodes/kubeadm"

        def node(n):
            root = f"{work}/node-{n}"
            if not os.path.exists(root):
                sh(f"{TOP}/tests/bench/make-scale-node.py {root} {n} --base {base} >/dev/null")
            return root

        emit(f"kubefs {kubefs}" + (f", before: {a.before}" if a.before else "") +
             f"; {os.cpu_count()} CPUs; medians of {a.runs} (hyperfine)")
        if not a.skip_table:
            table(a, node(a.table_size), bins, mnt, emit)
        if not a.skip_rotation:
            rotation(bins, base, mnt, emit)
        if not a.skip_growth:
            growth(a, [int(s) for s in a.sizes.split(",")], node, bins if a.growth_before else bins[:1], mnt, emit)
    finally:
        for m in mounts:
            unmount(m)
        sh(f"rm -rf {work}")
        os.makedirs(os.path.join(TOP, "build/bench"), exist_ok=True)
        with open(os.path.join(TOP, "build/bench/scale.md"), "w") as f:
            f.write("\n".join(out) + "\n")


def table(a, root, bins, mnt, emit):
    nfiles = count_lines(f"cd {root} && find . -type f")
    emit(f"\n## Side by side: scale node of {nfiles} regular files "
         f"(tests/bench/make-scale-node.py {a.table_size})\n")
    mb = mnt("bindfs")
    sh(f"bindfs -r {root} {mb}")
    m = {}
    for name, b in bins:
        m[name] = mnt(name)
        mount_kubefs(b, root, m[name])
        m[name + " -o timeout=3600"] = mnt(name + "-t3600")
        mount_kubefs(b, root, m[name + " -o timeout=3600"], ["-o", "timeout=3600"])
    bases = {"native": root, "bindfs -r": mb, **m}
    cols = list(bases)
    emit("| work | " + " | ".join(cols) + " |")
    emit("|---|" + "---|" * len(cols))

    def row(label, res, note=""):
        nat = res.get("native")
        cells = []
        for c in cols:
            if c not in res:
                cells.append("")
            elif nat and c != "native":
                cells.append(f"{fmt(res[c])} ({res[c] / nat:.2f}x)")
            else:
                cells.append(fmt(res[c]))
        emit(f"| {label}{note} | " + " | ".join(cells) + " |")

    ls = "ls -lR {0}/etc {0}/home {0}/var >/dev/null"
    entries = {c: count_lines(f"ls -lR {b}/etc {b}/home {b}/var") for c, b in bases.items()}
    res = hyperfine([(c, ls.format(b)) for c, b in bases.items()], a.runs, warmup=2)
    row("warm `ls -lR etc home var`", res)
    emit("| entries listed | " + " | ".join(f"{entries[c]}" for c in cols) + " |")
    per = {c: res[c] / entries[c] for c in cols}
    emit("| per listed entry | " + " | ".join(
        f"{per[c] * 1e6:.1f} µs" + ("" if c == "native" else f" ({per[c] / per['native']:.2f}x)") for c in cols) + " |")

    # what kubefs shows (its locations), split into files of ROOT and sidecars
    lst = f"{root}/../files-{a.table_size}.lst"
    side_lst = f"{root}/../sidecars-{a.table_size}.lst"
    k = m["kubefs"]
    shown = sh(f"cd {k} && find etc home var -type f -print0", capture_output=True).stdout.split(b"\0")
    with open(lst, "wb") as f, open(side_lst, "wb") as g:
        for p in filter(None, shown):
            (f if os.path.lexists(os.path.join(root.encode(), p)) else g).write(p + b"\0")
    nfiles = count_lines(f"tr '\\0' '\\n' < {lst}")
    cat = "cd {0} && xargs -0 cat < " + lst + " >/dev/null"
    res = hyperfine([(c, cat.format(b)) for c, b in bases.items()], max(3, a.runs - 2), warmup=1)
    row(f"warm `cat` of the {nfiles} original files kubefs shows", res)
    nside = count_lines(f"tr '\\0' '\\n' < {side_lst}")
    side_bytes = int(sh(f"cd {k} && xargs -0 cat < {side_lst} | wc -c", capture_output=True, text=True).stdout)
    orig_bytes = int(sh(f"cd {root} && xargs -0 cat < {lst} | wc -c", capture_output=True, text=True).stdout)
    kb = [c for c in cols if c not in ("native", "bindfs -r")]
    res_s = hyperfine([(c, f"cd {bases[c]} && xargs -0 cat < {side_lst} >/dev/null") for c in kb],
                      max(3, a.runs - 2), warmup=1)
    emit(f"| warm `cat` of the {nside} sidecars ({side_bytes >> 20} MiB; originals {orig_bytes >> 20} MiB) | " +
         " | ".join(f"{fmt(res_s[c])}: {res_s[c] / side_bytes * 2**20 * 1000:.1f} ms/MiB vs originals "
                    f"{res[c] / orig_bytes * 2**20 * 1000:.1f} ms/MiB" if c in res_s else "" for c in cols) + " |")

    # the oracle questions
    certs = f"{root}/etc/kubernetes/bench/certs"
    confs = f"{root}/etc/kubernetes/bench/kubeconfigs"
    n = a.oracle_n
    sub = lambda d, ext, k: " ".join(sorted(f"{d}/{f}" for f in os.listdir(d) if f.endswith(ext))[:k])
    o = hyperfine([("openssl", f"for f in {sub(certs, '.crt', n)}; do openssl x509 -noout -enddate -in $f; done >/dev/null"),
                   ("kubectl", f"for f in {sub(confs, '.conf', n // 4)}; do kubectl config get-contexts --kubeconfig $f; done >/dev/null")],
                  3, warmup=1)
    openssl_loop = o["openssl"] / n * 2000
    kubectl_loop = o["kubectl"] / (n // 4) * 500
    emit(f"| `openssl x509 -noout -enddate` loop over 2,000 .crt (run on {n}, extrapolated per file) | "
         f"{fmt(openssl_loop)} | | " + " | ".join("" for _ in kb) + " |")
    grep = "grep -h 'Not After' {0}/etc/kubernetes/bench/certs/*.crt.txt >/dev/null"
    ctx = "cat {0}/etc/kubernetes/bench/kubeconfigs/*.contexts >/dev/null"
    for q, cmd, oracle in (("`grep 'Not After'` over 2,000 `.crt.txt`", grep, openssl_loop),
                           ("`cat` of 500 `.contexts`", ctx, kubectl_loop)):
        warm = hyperfine([(c, cmd.format(bases[c])) for c in kb], a.runs, warmup=1)
        first = {}
        for c in kb:
            b = dict(bins)[c.split()[0]]
            opts = "-o timeout=3600" if "timeout" in c else ""
            first.update(hyperfine([(c, cmd.format(bases[c]))], a.runs, warmup=0,
                                   prepare=f"fusermount3 -u -z {bases[c]}; {b} {opts} {root} {bases[c]}"))
        emit(f"| {q}, warm | | | " + " | ".join(f"{fmt(warm[c])} ({oracle / warm[c]:.0f}x faster)" for c in kb) + " |")
        emit(f"| {q}, first read on a fresh mount | | | " +
             " | ".join(f"{fmt(first[c])} ({oracle / first[c]:.0f}x faster)" for c in kb) + " |")
    emit(f"| `kubectl config get-contexts` loop over 500 kubeconfigs (run on {n // 4}, extrapolated per file) | "
         f"{fmt(kubectl_loop)} | | " + " | ".join("" for _ in kb) + " |")
    # peak RSS after reading everything
    rss = {}
    for c in kb:
        sh(f"cd {bases[c]} && find . -type f -print0 | xargs -0 cat >/dev/null 2>&1 || true")
        rss[c] = peak_rss_mib(bases[c])
    emit("| peak RSS after reading every file and sidecar | | | " + " | ".join(f"{rss[c]:.0f} MiB" for c in kb) + " |")
    for mm in list(bases.values())[1:]:
        unmount(mm)


def rotation(bins, root, mnt, emit):
    """Re-points kubelet-client-current.pem 40 times (as the kubelet rotates: a new link
    renamed over the old); the time until its .txt shows the new certificate's text."""
    import statistics
    emit("\n## Rotation (default options: the watcher's invalidation, not a timeout, makes it show)\n")
    pki = f"{root}/var/lib/kubelet/pki"
    link = f"{pki}/kubelet-client-current.pem"
    certs = sorted(f for f in os.listdir(pki) if f.startswith("kubelet-client-2"))
    want = {c: subprocess.run(["openssl", "x509", "-noout", "-text", "-in", f"{pki}/{c}"],
                              capture_output=True).stdout for c in certs}
    for name, b in bins:
        m = mnt(f"rot-{name}")
        mount_kubefs(b, root, m)
        side = f"{m}/var/lib/kubelet/pki/kubelet-client-current.pem.txt"
        times = []
        for i in range(40):
            c = certs[i % len(certs)]
            open(side, "rb").read()
            os.symlink("/var/lib/kubelet/pki/" + c, link + ".tmp")
            t0 = time.monotonic()
            os.rename(link + ".tmp", link)
            while not open(side, "rb").read().startswith(want[c]):
                if time.monotonic() - t0 > 5:
                    raise SystemExit("rotation did not show within 5 s")
            times.append(time.monotonic() - t0)
        emit(f"- {name}: median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms (40 rotations)")
        unmount(m)


def growth(a, sizes, node, bins, mnt, emit):
    emit("\n## Growth (kubefs default options; cold = fresh mount, empty kernel caches)\n")
    emit("| files | binary | mount ready | `df` | `ls -lR` cold | `ls -lR` warm (native) | read everything once | peak RSS | decode cache |")
    emit("|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        root = node(n)
        nfiles = count_lines(f"cd {root} && find . -type f -o -type l")
        for name, b in bins:
            m = mnt(f"g{n}-{name}")
            ready = hyperfine([("ready", f"{b} {root} {m} && stat {m}/etc/kubernetes >/dev/null")], a.runs,
                              warmup=0, prepare=f"fusermount3 -u -z {m} 2>/dev/null; true")["ready"]
            df = hyperfine([("df", f"df {m} >/dev/null")], a.runs, warmup=1)["df"]
            ls = "ls -lR {0}/etc {0}/home {0}/var >/dev/null"
            cold = hyperfine([("cold", ls.format(m))], 1, warmup=0,
                             prepare=f"fusermount3 -u -z {m}; {b} {root} {m}")["cold"]
            warm = hyperfine([("warm", ls.format(m)), ("native", ls.format(root))], max(3, a.runs - 2), warmup=1)
            mount_kubefs(b, root, m)
            t0 = time.monotonic()
            sh(f"cd {m} && find . -type f -print0 | xargs -0 cat >/dev/null 2>&1 || true")
            readall = time.monotonic() - t0
            rss = peak_rss_mib(m)
            cache = next((l.split()[1] for l in open(f"{m}/.kubefs/version") if l.startswith("cache ")), "?")
            emit(f"| {nfiles} | {name} | {fmt(ready)} | {fmt(df)} | {fmt(cold)} | {fmt(warm['warm'])} "
                 f"({fmt(warm['native'])}: {warm['warm'] / warm['native']:.2f}x) | {fmt(readall)} | {rss:.0f} MiB | "
                 f"{int(cache) / 2**20 if cache.isdigit() else 0:.1f} MiB (cap 64) |")
            unmount(m)
        sh(f"rm -rf {root}")


if __name__ == "__main__":
    main()
