#!/usr/bin/python3
"""Hostile YAML and JSON through `kubefs decode`: every view finishes, says
what went wrong in its own format (with the line and column where there is
one), and stays under the documented memory bound.

usage: hostile.py MAXRSS KUBEFS

Not a timing test: a case only has to finish (the 120 s subprocess timeout
is a safety net, not a measure). Peak RSS is kubefs's ru_maxrss, taken by
the small maxrss helper (maxrss.c says why not from here), for all the
views of a file at once, as `kubefs decode` makes them (the FUSE layer does
the same per file). Inputs are made one at a time to keep this script small.
"""
import os
import re
import subprocess
import sys
import tempfile

# docs/flat.md, "Limits": peak RSS of decoding one file, all views
MAX_RSS_MIB = 256

LIMIT_INPUT = 16 << 20          # KFS_MAX_INPUT
MAX_NODES = 1000000             # KFS_YDOC_MAX_NODES


def laughs():
    s = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    prev = "a"
    for c in "bcdefghi":
        s += f"{c}: &{c} [" + ",".join(["*" + prev] * 9) + "]\n"
        prev = c
    return s


CASES = [
    # name, content, view -> regex its output must match (whole output)
    ("laughs.yaml", lambda: laughs(), {
        "flat": r"error: line 7, column \d+: too large with aliases expanded \(limit 4000000 nodes\)\n",
        "json": r'\{"error":"line 7, column \d+: too large with aliases expanded \(limit 4000000 nodes\)"\}\n'}),
    ("deep-flow.yaml", lambda: "[" * 20000 + "]" * 20000, {
        "flat": r"error: invalid JSON: line 1, column \d+: maximum parsing depth reached\n"}),
    ("deep-block.yaml", lambda: "- " * 20000 + "x\n", {
        "flat": r"error: line 1, column 1025: nesting deeper than 512 levels\n",
        "json": r'\{"error":"line 1, column 1025: nesting deeper than 512 levels"\}\n'}),
    ("deep-map.yaml", lambda: "".join(" " * i + "k:\n" for i in range(600)), {
        "flat": r"error: line 513, column 513: nesting deeper than 512 levels\n"}),
    ("deep.json", lambda: '{"a":' * 20000 + "1" + "}" * 20000, {
        "json": r'\{"error":"invalid JSON: line 1, column \d+: maximum parsing depth reached"\}\n'}),
    ("deep600.json", lambda: '{"a":' * 600 + "1" + "}" * 600, {
        "json": r'\{"error":"nesting deeper than 512 levels"\}\n'}),
    ("list.yaml", lambda: "- a\n" * (7 * 1024 * 1024 // 4), {
        "flat": r"error: line 1000000, column 3: too many nodes \(limit 1000000\)\n"}),
    ("list.json", lambda: "[" + ",".join(["1"] * (7 * 1024 * 1024 // 2)) + "]", {
        "json": r'\{"error":"too many nodes \(limit 1000000\)"\}\n'}),
    ("bigmap.yaml", lambda: "".join(f"k{i}: v\n" for i in range(700000)), {
        "flat": r"error: line 500000, column \d+: too many nodes \(limit 1000000\)\n"}),
    ("docs.yaml", lambda: "---\na: 1\n" * 400000, {
        "flat": r"error: line \d+, column \d+: too many nodes \(limit 1000000\)\n"}),
    ("binary.yaml", lambda: bytes(range(256)) * 4096, {
        "flat": r"error: line 1, column 1: control characters are not allowed\n",
        "json": r'\{"error":"line 1, column 1: control characters are not allowed"\}\n'}),
    ("nonutf8.yaml", lambda: b"a: \xff\xfe\xfd\nb: c\n", {
        "flat": r"error: line 1, column \d+: invalid leading UTF-8 octet\n"}),
    ("latin1.yaml", lambda: "name: caf\xe9\n".encode("latin-1"), {
        "flat": r"error: line 1, column \d+: incomplete UTF-8 octet sequence\n"}),
    ("tabs.yaml", lambda: "a:\n\tb: c\n", {
        "flat": r"error: line 2, column 1: found character that cannot start any token \(while scanning for the next token at line 2\)\n"}),
    ("invalid.yaml", lambda: "a: b\n c: d\n", {
        "flat": r"error: line 2, column 3: mapping values are not allowed in this context\n",
        "json": r'\{"error":"line 2, column 3: mapping values are not allowed in this context"\}\n'}),
    ("unclosed.json", lambda: '{"a": [1, 2', {
        "json": r'\{"error":"invalid JSON: line 1, column \d+: \']\' expected"\}\n'}),
    ("undefined-alias.yaml", lambda: "a: *nope\n", {
        "flat": r"error: line 1, column 4: alias to an undefined or enclosing anchor\n"}),
    ("recursive-alias.yaml", lambda: "a: &x [ *x ]\n", {
        "flat": r"error: line 1, column 9: alias to an undefined or enclosing anchor\n"}),
    # 50,000 keys merged into 50,000 (was quadratic)
    ("merge.yaml", lambda: "base: &b\n" + "".join(f"  k{i}: v\n" for i in range(50000)) + "m:\n  <<: *b\n"
     + "".join(f"  j{i}: v\n" for i in range(50000)), {
        "flat": r'(?s)base\.k0 = "v"\n.*m\.j49999 = "v"\n'}),
    # a 1 MiB string reached through 100 aliases: the secret scan has a budget
    ("bigstr-alias.yaml", lambda: 'a: &a "' + "x" * (1 << 20) + '"\nb: [' + ",".join(["*a"] * 100) + "]\n", {
        "flat": r"error: too large to check for secrets \(aliases expand it too much\)\n"}),
    # 3,990 aliases of a 1,000-item list: .flat passes 64 MiB, .json does not
    ("fanout.yaml", lambda: "a: &a [" + ",".join(["x"] * 1000) + "]\nb: [" + ",".join(["*a"] * 3990) + "]\n", {
        "flat": r"error: the view would be larger than 64 MiB\n",
        "json": r'(?s)\{"a":\["x",.*\]\]\}\n'}),
    # at the limits, and decoded
    ("list999k.yaml", lambda: "- a\n" * 999990, {"flat": r'(?s)\[0\] = "a"\n.*\[999989\] = "a"\n'}),
    ("obj400k.json", lambda: "{" + ",".join(f'"k{i}":1' for i in range(400000)) + "}", {
        "flat": r"(?s)k0 = 1\n.*k399999 = 1\n"}),
    ("tabs-string.yaml", lambda: 'a: "' + "\t" * (15 << 20) + '"\n', {
        "flat": r'a = "(\\t){15728640}"\n'}),
    # a key too long to be a name is taken for a secret's (kfs_redact_name())
    ("long-key.yaml", lambda: "? " + "q" * 100000 + "\n: 1\n", {"flat": r'q{100000} = "REDACTED"\n'}),
    ("objects.yaml", lambda: "kind: List\napiVersion: v1\nitems: [" + ",".join(
        ["&o {apiVersion: v1, kind: Pod, metadata: {name: p, namespace: n}}"] + ["*o"] * 300000) + "]\n", {
        "objects": r"(?s)APIVERSION   KIND   NAMESPACE   NAME\nv1           Pod    n           p\n.*"}),
    # the most memory one file can take: 800,000 nodes, and both views near
    # 64 MiB (tabs are written \t)
    ("worst.yaml", lambda: 'a: &a "' + "\t" * (1 << 20) + '"\nb: [' + ",".join(["*a"] * 24) + "]\nc:\n"
     + "- a\n" * 800000, {"flat": r'(?s)a = "(\\t){1048576}"\n.*c\[799999\] = "a"\n'}),
    ("too-big.yaml", lambda: b"a: " + b"x" * LIMIT_INPUT + b"\n", {
        "flat": r"error: too big to decode\n",
        "json": r'\{"error":"too big to decode"\}\n'}),
]


def run(maxrss, kubefs, root, path, view):
    """Exit code, output and peak RSS (KiB) of one `kubefs decode`."""
    p = subprocess.run([maxrss, kubefs, "decode", "--root", root, "--view", view, path],
                       capture_output=True, timeout=120)
    m = re.search(rb"maxrss (-?\d+) (\d+)", p.stderr)
    if not m:
        raise RuntimeError(f"maxrss said {p.stderr!r}")
    return int(m.group(1)), p.stdout, int(m.group(2))


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    maxrss, kubefs = sys.argv[1], sys.argv[2]
    failures, peak = [], (0, "")
    with tempfile.TemporaryDirectory() as root:
        for name, make, views in CASES:
            path = os.path.join(root, name)
            content = make()
            with open(path, "wb") as f:
                f.write(content if isinstance(content, bytes) else content.encode())
            del content
            for view, pattern in views.items():
                rc, out, rss = run(maxrss, kubefs, root, path, view)
                if rss > peak[0]:
                    peak = (rss, f"{name}.{view}")
                if rc < 0:
                    failures.append(f"{name}.{view}: killed by signal {-rc}")
                if not re.fullmatch(pattern.encode(), out):
                    failures.append(f"{name}.{view}: output {out[:200]!r} does not match {pattern[:120]!r}")
                if rss > MAX_RSS_MIB << 10:
                    failures.append(f"{name}.{view}: peak RSS {rss >> 10} MiB, over {MAX_RSS_MIB} MiB")
            os.unlink(path)
    for f in failures:
        print("FAIL", f)
    print(f"hostile: {len(CASES)} inputs, highest peak RSS {peak[0] >> 10} MiB ({peak[1]}), "
          f"limit {MAX_RSS_MIB} MiB, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
