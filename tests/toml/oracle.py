#!/usr/bin/python3
"""TOML views against Python's tomllib on the fixtures in tests/data/toml/:
containerd `config default`-style v2 and v3 files (with an import), CRI-O's
crio.conf and a crio.conf.d drop-in.

For each file, `.json` must hold what tomllib reads, key order included
(datetimes as RFC 3339 strings, inf/nan as "inf"/"-inf"/"nan"), except that
values under secret names (password, auth, identitytoken, *token) read
"REDACTED"; `.flat` must be exactly the lines a gron-like walk of that data
makes (docs/flat.md); and no secret's text appears in either view.

usage: oracle.py KUBEFS DATA_DIR
"""
import datetime
import json
import math
import os
import re
import subprocess
import sys
import tomllib

kubefs, data = sys.argv[1], sys.argv[2]
SECRET = re.compile(r"(password|passwd|secret|token|^auth$)", re.I)
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def plain(v, key=None, secrets=None):
    """tomllib's value -> what kubefs's .json holds (after redaction)."""
    if isinstance(v, dict):
        return {k: plain(x, k, secrets) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x, None, secrets) for x in v]
    if key is not None and isinstance(v, str) and v and SECRET.search(key):
        secrets.append(v)
        return "REDACTED"
    if isinstance(v, float) and (math.isinf(v) or math.isnan(v)):
        return "nan" if math.isnan(v) else "inf" if v > 0 else "-inf"
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return ("datetime", v)
    return v


def same(exp, got):
    if isinstance(exp, tuple):
        t = exp[1]
        if not isinstance(got, str):
            return False
        cls = type(t)
        return cls.fromisoformat(got) == t
    if isinstance(exp, dict):
        return isinstance(got, dict) and list(exp) == list(got) and all(same(exp[k], got[k]) for k in exp)
    if isinstance(exp, list):
        return isinstance(got, list) and len(exp) == len(got) and all(same(a, b) for a, b in zip(exp, got))
    if isinstance(exp, bool) or isinstance(got, bool):
        return exp is got
    if isinstance(exp, float):
        return isinstance(got, (int, float)) and got == exp
    return type(exp) is type(got) and exp == got


def go_float(f):
    r = repr(f)
    if r.endswith(".0"):
        r = r[:-2]
    return r


def jval(v):
    if isinstance(v, tuple):
        t = v[1]
        s = t.isoformat()
        return json.dumps(s)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return go_float(v)
    if isinstance(v, dict):
        return "{}"
    if isinstance(v, list):
        return "[]"
    return json.dumps(v, ensure_ascii=False)


def flat(v, path, out):
    if isinstance(v, dict) and v:
        for k, x in v.items():
            step = ("." + k if path else k) if IDENT.match(k) else \
                "[" + json.dumps(k, ensure_ascii=False).replace("=", "\\u003d") + "]"
            flat(x, path + step, out)
    elif isinstance(v, list) and v:
        for i, x in enumerate(v):
            flat(x, f"{path}[{i}]", out)
    else:
        out.append((path or ".", v))


def view(path, name):
    r = subprocess.run([kubefs, "decode", "--view", name, path], capture_output=True, timeout=30)
    if r.returncode:
        raise SystemExit(f"FAIL {path}.{name}: kubefs exit {r.returncode}: {r.stderr.decode()}")
    return r.stdout.decode()


failures = 0
checked = 0
for top, _, names in os.walk(data):
    for n in sorted(names):
        path = os.path.join(top, n)
        if n.endswith(".json"):
            # CRI-O's global_auth_file: its registry auth reads REDACTED too
            auths = json.load(open(path)).get("auths", {})
            views = view(path, "json") + view(path, "flat")
            for reg in auths.values():
                if reg.get("auth") in views or "REDACTED" not in views:
                    print(f"FAIL {path}: a registry auth is in a view")
                    failures += 1
            continue
        if not (n.endswith(".toml") or n == "crio.conf" or os.path.basename(top) == "crio.conf.d"):
            continue
        secrets = []
        with open(path, "rb") as f:
            exp = plain(tomllib.load(f), None, secrets)
        got_json = view(path, "json")
        got_flat = view(path, "flat")
        got = json.loads(got_json)
        checked += 1
        if not same(exp, got):
            print(f"FAIL {path}.json differs from tomllib:\n  tomllib {exp}\n  kubefs  {got}")
            failures += 1
        lines = []
        flat(exp, "", lines)
        want = [p + " = " + jval(v) for p, v in lines]
        have = [l for l in got_flat.splitlines() if not l.startswith("#")]
        # datetimes: compare as values (the text keeps the file's precision)
        bad = [(w, h) for (w, h), (p, v) in zip(zip(want, have), lines)
               if w != h and not (isinstance(v, tuple) and h.startswith(p + " = ") and
                                  same(v, json.loads(h[len(p) + 3:])))]
        if len(want) != len(have) or bad:
            print(f"FAIL {path}.flat: {len(want)} lines wanted, {len(have)} got; first difference {bad[:1]}")
            failures += 1
        for s in secrets:
            if s in got_json or s in got_flat:
                print(f"FAIL {path}: a secret's text is in a view")
                failures += 1
print(f"toml oracle: {checked} files against tomllib, {failures} failures")
sys.exit(1 if failures or not checked else 0)
