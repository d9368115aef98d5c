#!/usr/bin/python3
"""toml-test conformance for TOML 1.0.0: every valid case's .json view holds
the expected data (the suite's tagged JSON converted to plain values as
kubefs writes them: datetimes as RFC 3339 strings, inf/nan as the strings
"inf", "-inf", "nan"), every invalid case gets an error sidecar.

usage: toml_test.py KUBEFS [SUITE_DIR]   (SUITE_DIR defaults to
$TOML_TEST_DIR or ../shared/toml-test from the source tree). The suite lives
outside the repository: without it the test says so loudly and skips (77).
"""
import json
import math
import os
import re
import subprocess
import sys

kubefs = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
suite = (sys.argv[2] if len(sys.argv) > 2 else
         os.environ.get("TOML_TEST_DIR",
                        os.path.join(here, "..", "..", "..", "..", "shared", "toml-test")))
if not os.path.isdir(os.path.join(suite, "tests")):
    suite = "/work/shared/toml-test"
tests = os.path.join(suite, "tests")
listing = os.path.join(tests, "files-toml-1.0.0")
if not os.path.isfile(listing):
    print(f"SKIP: the toml-test suite is not at {suite} (set TOML_TEST_DIR): "
          "TOML conformance NOT checked", file=sys.stderr)
    sys.exit(77)


def norm_dt(s):
    s = s.replace("t", "T").replace("z", "Z").replace(" ", "T", 1)
    m = re.match(r"^((?:\d{4}-\d\d-\d\dT)?\d\d:\d\d:\d\d)(\.\d+)?(.*)$", s)
    if m and m.group(2):
        frac = m.group(2).rstrip("0")
        s = m.group(1) + (frac if frac != "." else "") + m.group(3)
    return s


def convert(v):
    """The suite's tagged form -> what kubefs's .json holds."""
    if isinstance(v, list):
        return [convert(x) for x in v]
    if isinstance(v, dict) and set(v) == {"type", "value"} and isinstance(v["type"], str) \
            and isinstance(v["value"], str):
        t, s = v["type"], v["value"]
        if t == "string":
            return s
        if t == "integer":
            return int(s)
        if t == "bool":
            return s == "true"
        if t == "float":
            if s in ("inf", "+inf"):
                return "inf"
            if s == "-inf":
                return "-inf"
            if s in ("nan", "+nan", "-nan"):
                return "nan"
            return float(s)
        return ("datetime", norm_dt(s))
    return {k: convert(x) for k, x in v.items()}


def same(exp, got):
    if isinstance(exp, tuple):
        return isinstance(got, str) and norm_dt(got) == exp[1]
    if isinstance(exp, bool) or isinstance(got, bool):
        return exp is got
    if isinstance(exp, float):
        return isinstance(got, (int, float)) and (got == exp or (math.isnan(exp) and math.isnan(got)))
    if isinstance(exp, list):
        return isinstance(got, list) and len(exp) == len(got) and all(same(a, b) for a, b in zip(exp, got))
    if isinstance(exp, dict):
        return isinstance(got, dict) and list(exp) == list(got) and all(same(exp[k], got[k]) for k in exp) \
            or (isinstance(got, dict) and set(exp) == set(got) and all(same(exp[k], got[k]) for k in exp))
    return type(exp) is type(got) and exp == got


def decode(path):
    r = subprocess.run([kubefs, "decode", "--view", "json", path], capture_output=True, timeout=30)
    return r.returncode, r.stdout.decode("utf-8", "replace")


files = [l.strip() for l in open(listing) if l.strip().endswith(".toml")]
valid = [f for f in files if f.startswith("valid/")]
invalid = [f for f in files if f.startswith("invalid/")]
failures = []
vpass = ipass = 0
for f in valid:
    rc, out = decode(os.path.join(tests, f))
    try:
        got = json.loads(out)
    except ValueError:
        failures.append(f"{f}: not JSON: {out[:200]!r}")
        continue
    if isinstance(got, dict) and list(got) == ["error"]:
        failures.append(f"{f}: refused: {got['error']}")
        continue
    exp = convert(json.load(open(os.path.join(tests, f[:-5] + ".json"))))
    if same(exp, got):
        vpass += 1
    else:
        failures.append(f"{f}: got {out.strip()[:300]}")
for f in invalid:
    rc, out = decode(os.path.join(tests, f))
    try:
        got = json.loads(out)
    except ValueError:
        got = None
    if isinstance(got, dict) and list(got) == ["error"]:
        ipass += 1
    else:
        failures.append(f"{f}: accepted: {out.strip()[:200]}")
print(f"toml-test (TOML 1.0.0): valid {vpass}/{len(valid)}, invalid {ipass}/{len(invalid)}")
for f in failures:
    print("FAIL", f)
sys.exit(1 if failures else 0)
