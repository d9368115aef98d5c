#!/usr/bin/python3
"""`.json` checked against PyYAML.

usage: json_oracle.py KUBEFS ROOT...

For every file under each ROOT that gets a `.json` view (kubelet checkpoints
aside: their .json is unwrapped on purpose), `kubefs decode --view json` must
equal PyYAML's reading of the same file, one document per line.

PyYAML reads YAML 1.1 as the spec has it; Kubernetes reads it with go-yaml
v2 (through sigs.k8s.io/yaml), which differs on a few plain scalars. kubefs
follows Kubernetes, so the comparison loads with GoYamlLoader: PyYAML's
parser with go-yaml v2's scalar typing, written here from go-yaml's
resolve.go independently of kubefs's C. The differences themselves are
checked one by one in DIFFERENCES: what plain PyYAML reads, what kubefs
(= Kubernetes) shows.

Other deliberate differences, not comparable here:
- merge keys (<<): PyYAML puts the merged keys before the map's own ones,
  kubefs where the `<<` was; both let the map's own keys win. Key order is
  therefore compared only for documents without `<<`.
- !!binary: PyYAML and go-yaml decode the base64, kubefs keeps the text.
- .inf and .nan: Kubernetes' encoding/json refuses them and so does kubefs
  ({"error": ...}); PyYAML reads floats.
- values kubefs redacts (REDACTED, DATA+OMITTED) match anything.
"""
import datetime
import json
import math
import os
import re
import subprocess
import sys

import yaml

CHECKPOINTS = {"cpu_manager_state", "memory_manager_state", "dra_manager_state", "allocated_pods_state",
               "actuated_pods_state", "pod_status_manager_state", "graceful_node_shutdown_state",
               "kubelet_internal_checkpoint"}

# ---- go-yaml v2's resolve(), for plain scalars ----

NULLS = {"", "~", "null", "Null", "NULL"}
TRUES = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}
FALSES = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}
INFS = {".inf": math.inf, ".Inf": math.inf, ".INF": math.inf, "+.inf": math.inf, "+.Inf": math.inf,
        "+.INF": math.inf, "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
        ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan}
YAML_STYLE_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def go_parse_int(s):
    """strconv.ParseInt(s, 0, 64), else ParseUint(s, 0, 64); None if neither."""
    m = re.fullmatch(r"([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]+|[0-9]+)", s)
    if not m:
        return None
    digits = m.group(2)
    if digits[:2] in ("0x", "0X"):
        v = int(digits[2:], 16)
    elif digits[:2] in ("0o", "0O"):
        v = int(digits[2:], 8)
    elif digits[:2] in ("0b", "0B"):
        v = int(digits[2:], 2)
    elif len(digits) > 1 and digits[0] == "0":
        if not re.fullmatch(r"[0-7]+", digits[1:]):
            return None         # a leading 0 means octal to Go
        v = int(digits[1:], 8)
    else:
        v = int(digits, 10)
    if m.group(1) == "-":
        return -v if v <= 2**63 else None
    return v if v < 2**64 else None


def go_resolve(s):
    if s in NULLS:
        return None
    if s in TRUES:
        return True
    if s in FALSES:
        return False
    if s in INFS:
        return INFS[s]
    if s[0] in "+-.0123456789":
        plain = s.replace("_", "")
        v = go_parse_int(plain)
        if v is not None:
            return v
        if YAML_STYLE_FLOAT.match(plain):
            f = float(plain)
            if not math.isinf(f):       # ParseFloat's ErrRange: go-yaml keeps the string
                return f
    return s


class GoYamlLoader(yaml.SafeLoader):
    pass


GoYamlLoader.yaml_implicit_resolvers = {}
GoYamlLoader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
GoYamlLoader.add_implicit_resolver("tag:kubefs:plain", re.compile(r"(?s).*"), None)
GoYamlLoader.add_implicit_resolver("tag:kubefs:plain", re.compile(r"^$"), [""])
GoYamlLoader.add_constructor("tag:kubefs:plain", lambda loader, node: go_resolve(node.value))
GoYamlLoader.add_constructor("tag:yaml.org,2002:binary", lambda loader, node: node.value)
def go_key(k):
    """sigs.k8s.io/yaml's key strings (made at once: in a dict True, 1 and 1.0 are one key)."""
    if isinstance(k, bool):
        return "true" if k else "false"
    if k is None:
        return "null"
    if isinstance(k, int):
        return str(k)
    if isinstance(k, float):
        return go_format_g(k)
    if isinstance(k, str):
        return k
    raise ValueError(f"unsupported map key {k!r}")


def go_construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    out = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        out[go_key(key)] = loader.construct_object(value_node, deep=deep)
    return out


GoYamlLoader.construct_mapping = go_construct_mapping
GoYamlLoader.add_constructor("tag:yaml.org,2002:map", lambda loader, node: go_construct_mapping(loader, node, True))
GoYamlLoader.add_multi_constructor("!", lambda loader, suffix, node:
                                   loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode)
                                   else loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode)
                                   else loader.construct_mapping(node))


def go_format_g(f):
    """strconv.FormatFloat(f, 'g', -1, 64): how sigs.k8s.io/yaml writes a float key."""
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if math.isnan(f):
        return "NaN"
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    mant, exp = repr(abs(f)).split("e") if "e" in repr(abs(f)) else (repr(abs(f)), "0")
    digits = mant.replace(".", "").lstrip("0")
    point = (mant.index(".") if "." in mant else len(mant)) + int(exp)
    point -= len(mant.split(".")[0]) - len(mant.split(".")[0].lstrip("0"))
    digits = digits.rstrip("0") or "0"
    e = point - 1
    sign = "-" if f < 0 else ""
    if e < -4 or e >= 6:
        m = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{m}e{'-' if e < 0 else '+'}{abs(e):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def jsonable(v):
    """What encoding/json gets from sigs.k8s.io/yaml's conversion."""
    if isinstance(v, dict):
        out = {}
        for k, val in v.items():
            if isinstance(k, bool):
                k = "true" if k else "false"
            elif k is None:
                k = "null"
            elif isinstance(k, int):
                k = str(k)
            elif isinstance(k, float):
                k = go_format_g(k)
            elif not isinstance(k, str):
                raise ValueError(f"unsupported map key {k!r}")
            out[k] = jsonable(val)
        return out
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    if isinstance(v, float) and (math.isinf(v) or math.isnan(v)):
        raise ValueError("infinity and NaN have no JSON form")
    if isinstance(v, (datetime.date, datetime.datetime, bytes)):
        raise ValueError(f"{type(v).__name__} in a go-yaml document")
    return v


def same(ours, theirs, ordered, path="."):
    """Deep equality with JSON's eyes: numbers by value, booleans apart."""
    if isinstance(ours, str) and "REDACTED" in ours or ours == "DATA+OMITTED":
        return None
    if isinstance(ours, bool) or isinstance(theirs, bool):
        ok = type(ours) is type(theirs) and ours == theirs
    elif isinstance(ours, (int, float)) and isinstance(theirs, (int, float)):
        ok = ours == theirs or (isinstance(theirs, int) and float(theirs) == float(ours))
    elif isinstance(ours, dict) and isinstance(theirs, dict):
        if set(ours) != set(theirs):
            return f"{path}: keys {sorted(ours)} != {sorted(theirs)}"
        if ordered and list(ours) != list(theirs):
            return f"{path}: key order {list(ours)} != {list(theirs)}"
        for k in ours:
            err = same(ours[k], theirs[k], ordered, f"{path}[{k!r}]")
            if err:
                return err
        return None
    elif isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return f"{path}: {len(ours)} items != {len(theirs)}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            err = same(a, b, ordered, f"{path}[{i}]")
            if err:
                return err
        return None
    else:
        ok = type(ours) is type(theirs) and ours == theirs
    return None if ok else f"{path}: kubefs {ours!r} != PyYAML {theirs!r}"


def pyyaml_docs(text):
    """The documents kubefs shows: empty ones ('---' and nothing) are left out."""
    nodes = list(yaml.compose_all(text, Loader=GoYamlLoader))
    docs = list(yaml.load_all(text, Loader=GoYamlLoader))
    return [d for n, d in zip(nodes, docs)
            if not (isinstance(n, yaml.ScalarNode) and n.value == "" and n.style is None
                    and n.tag == "tag:kubefs:plain")]


def kubefs_json(kubefs, root, path):
    p = subprocess.run([kubefs, "decode", "--root", root, "--decoder", "yaml", "--view", "json", path],
                       capture_output=True, timeout=60)
    return p.stdout.decode()


def json_lines(path, text):
    """Whether kubefs is to read the file as JSON Lines: *.jsonl, or a .json
    file that is not one JSON document and whose first two lines are."""
    if path.endswith(".jsonl"):
        return True
    if not path.endswith(".json"):
        return False
    try:
        json.loads(text)
        return False
    except ValueError:
        pass
    lines = [line for line in text.decode("utf-8", "replace").splitlines() if line.strip()][:2]
    try:
        return len(lines) == 2 and all(line.lstrip()[:1] in "{[" and json.loads(line) is not None for line in lines)
    except ValueError:
        return False


def check_file(kubefs, root, path):
    """None if kubefs agrees with PyYAML, else why not."""
    out = kubefs_json(kubefs, root, path)
    text = open(path, "rb").read()
    try:
        if json_lines(path, text):
            # JSON Lines (issue 18): Python's json, a document a line
            theirs = [json.loads(line) for line in text.decode("utf-8").splitlines() if line.strip()]
        else:
            theirs = [jsonable(d) for d in pyyaml_docs(text.decode("utf-8"))]
    except Exception as e:      # noqa: BLE001 - any refusal counts
        if out.startswith('{"error":'):
            return None         # both refuse it
        return f"PyYAML refuses it ({type(e).__name__}: {str(e).splitlines()[0]}) but kubefs shows {out[:80]!r}"
    if out.startswith('{"error":'):
        return f"kubefs refuses it ({out.strip()}) but PyYAML reads it"
    ours = [json.loads(line) for line in out.splitlines()]
    if len(ours) != len(theirs):
        return f"{len(ours)} documents != PyYAML's {len(theirs)}"
    ordered = b"<<" not in text
    for i, (a, b) in enumerate(zip(ours, theirs)):
        err = same(a, b, ordered)
        if err:
            return f"document {i}: {err}"
    return None


# (YAML, plain PyYAML's value, Kubernetes' = kubefs's JSON, why)
DIFFERENCES = [
    ("y", "y", "true", "go-yaml v2 takes y/Y/n/N as booleans; YAML 1.1 and PyYAML do not"),
    ("N", "N", "false", "the same"),
    ("0o17", "0o17", "15", "Go's ParseInt(s, 0, 64) reads 0o octal; YAML 1.1 has only 017"),
    ("1e3", "1e3", "1000", "go-yaml's float needs no '.'; PyYAML's does"),
    ("6.02e23", "6.02e23", "6.02e+23", "go-yaml's exponent needs no sign; PyYAML's does"),
    ("08", "08", "8", "not octal, so go-yaml reads a float; PyYAML a string"),
    ("1:30", 90, "\"1:30\"", "YAML 1.1's base 60: PyYAML has it, go-yaml not"),
    ("2001-12-14", datetime.date(2001, 12, 14), "\"2001-12-14\"",
     "go-yaml v2 keeps timestamps as strings when decoding into interface{}"),
    ("123456789012345678901234567890", 123456789012345678901234567890, "1.2345678901234568e+29",
     "beyond uint64 go-yaml falls back to a float64; Python's ints have no limit"),
    ("1e400", "1e400", "\"1e400\"", "a float64 overflow stays a string in go-yaml"),
    ("=", yaml.constructor.ConstructorError, "\"=\"",
     "YAML 1.1's 'value' type: PyYAML resolves but cannot construct it; go-yaml reads a string"),
]

KEY_DIFFERENCES = [
    ("1.0", "1.0", "1", "float keys: json.dumps prints repr, sigs.k8s.io/yaml FormatFloat(f, 'g', -1, 64)"),
    ("1e6", "1e6", "1e+06", "a float in go-yaml, a string in PyYAML"),
]


def check_differences(kubefs, tmp):
    failures = []
    root = tmp
    path = os.path.join(tmp, "difference.yaml")
    for text, pyyaml_reads, kubefs_shows, why in DIFFERENCES:
        try:
            got = yaml.safe_load(f"v: {text}\n")["v"]
        except Exception as e:      # noqa: BLE001
            got = type(e)
        if got != pyyaml_reads or type(got) is not type(pyyaml_reads):
            failures.append(f"{text!r}: plain PyYAML reads {got!r}, the table says {pyyaml_reads!r}")
        open(path, "w").write(f"v: {text}\n")
        out = kubefs_json(kubefs, root, path)
        if out != f'{{"v":{kubefs_shows}}}\n':
            failures.append(f"{text!r}: kubefs shows {out.strip()}, expected {{\"v\":{kubefs_shows}}} ({why})")
        try:
            go = json.dumps(jsonable(yaml.load(f"v: {text}\n", Loader=GoYamlLoader)), separators=(",", ":"))
            if json.loads(go) != json.loads(f'{{"v":{kubefs_shows}}}'):
                failures.append(f"{text!r}: GoYamlLoader reads {go}")
        except Exception as e:      # noqa: BLE001
            failures.append(f"{text!r}: GoYamlLoader fails: {e}")
    for text, json_dumps_key, kubefs_key, why in KEY_DIFFERENCES:
        plain = json.dumps(yaml.safe_load(f"{text}: x\n"), separators=(",", ":"))
        if plain != f'{{"{json_dumps_key}":"x"}}':
            failures.append(f"key {text!r}: PyYAML+json gives {plain}")
        open(path, "w").write(f"{text}: x\n")
        out = kubefs_json(kubefs, root, path)
        if out != f'{{"{kubefs_key}":"x"}}\n':
            failures.append(f"key {text!r}: kubefs shows {out.strip()} ({why})")
    return failures


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    kubefs, roots = sys.argv[1], sys.argv[2:]
    checked, failures = 0, []
    for top in roots:
        for dirpath, _, files in os.walk(top):
            for f in sorted(files):
                if f.endswith(".expected") or f in CHECKPOINTS:
                    continue
                path = os.path.join(dirpath, f)
                # files the YAML decoder takes (only it gives .flat); a certificate's
                # .json is another decoder's
                views = subprocess.run([kubefs, "views", "--root", top, path], capture_output=True)
                if ".flat\n" not in views.stdout.decode():
                    continue
                err = check_file(kubefs, top, path)
                checked += 1
                if err:
                    failures.append(f"{os.path.relpath(path, top)}: {err}")
    tmp = os.environ.get("TMPDIR", "/tmp")
    with __import__("tempfile").TemporaryDirectory(dir=tmp) as d:
        failures += check_differences(kubefs, d)
    for f in failures:
        print("FAIL", f)
    print(f"json_oracle: {checked} files, {len(DIFFERENCES) + len(KEY_DIFFERENCES)} documented differences, "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
