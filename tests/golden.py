#!/usr/bin/python3
"""Golden tests for views without an oracle tool.

usage: golden.py KUBEFS DATADIR [GROUP...]

Every DATADIR/GROUP/CASE/ is a node ROOT. Each file PATH.VIEW.expected inside
it is compared with the output of
    kubefs decode --root DATADIR/GROUP/CASE --view VIEW DATADIR/GROUP/CASE/PATH
run with KUBEFS_NOW pinned (2026-01-01T00:00:00Z) so clock-dependent views
are reproducible. Expected files are written by hand from the rules they
exercise; a case may say which rule in a README beside it.
"""
import difflib
import os
import subprocess
import sys

NOW = "1767225600"


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    kubefs, data = sys.argv[1], sys.argv[2]
    groups = sys.argv[3:] or sorted(os.listdir(data))
    env = dict(os.environ, KUBEFS_NOW=NOW)
    passed, failed = 0, []
    for group in groups:
        gdir = os.path.join(data, group)
        if not os.path.isdir(gdir):
            continue
        for case in sorted(os.listdir(gdir)):
            root = os.path.join(gdir, case)
            if not os.path.isdir(root):
                continue
            for dirpath, _, files in os.walk(root):
                for f in sorted(files):
                    if not f.endswith(".expected"):
                        continue
                    target = os.path.join(dirpath, f[: -len(".expected")])
                    path, view = target.rsplit(".", 1)
                    want = open(os.path.join(dirpath, f), "rb").read()
                    p = subprocess.run([kubefs, "decode", "--root", root, "--view", view, path],
                                       capture_output=True, env=env, timeout=60)
                    name = os.path.relpath(target, data)
                    if p.stdout == want:
                        passed += 1
                        continue
                    diff = "".join(difflib.unified_diff(
                        want.decode(errors="replace").splitlines(True),
                        p.stdout.decode(errors="replace").splitlines(True),
                        "expected", "kubefs decode"))
                    failed.append(f"{name}: differs (exit {p.returncode}; {p.stderr.decode(errors='replace').strip()})\n{diff}")
    for f in failed:
        print("FAIL", f)
    print(f"golden: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
