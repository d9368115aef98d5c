#!/usr/bin/python3
"""The doctor on the example nodes (examples/make-nodes.sh, KUBEFS_NOW pinned):
the broken node trips every check; kubeadm, kubeasz and k3s give only what
make-nodes.sh plants on purpose (kubeadm's expired and expiring
certificates) and nothing else.

usage: examples.py KUBEFS SRCDIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

kubefs, src = sys.argv[1], sys.argv[2]
NOW = "1767225600"
CHECKS = {"cgroup-driver", "runtime-endpoint", "ca-agreement", "chain", "key-pair", "expiry",
          "kubelet-rotation", "apiserver-san", "missing-file", "conflicting-flags"}
ALLOWED = {"kubeadm": {("error", "expiry"), ("warning", "expiry")}, "kubeasz": set(), "k3s": set()}
if not shutil.which("openssl"):
    print("SKIP: openssl not found")
    sys.exit(77)
tmp = tempfile.mkdtemp(prefix="doctor-examples-")
env = dict(os.environ, KUBEFS_NOW=NOW)
try:
    subprocess.run([os.path.join(src, "examples/make-nodes.sh"), tmp], check=True, env=env, capture_output=True)
    failures = 0
    for node in ["kubeadm", "kubeasz", "k3s", "broken"]:
        r = subprocess.run([kubefs, "report", "--root", os.path.join(tmp, node), "doctor.json"],
                           capture_output=True, text=True, env=env, check=True)
        found = json.loads(r.stdout)["findings"]
        text = subprocess.run([kubefs, "report", "--root", os.path.join(tmp, node), "doctor"],
                              capture_output=True, text=True, env=env, check=True).stdout
        print(f"== {node}\n{text}", end="")
        if node == "broken":
            missing = CHECKS - {f["check"] for f in found}
            if missing:
                failures += 1
                print(f"FAIL broken: checks not tripped: {sorted(missing)}")
        else:
            extra = [f for f in found if (f["severity"], f["check"]) not in ALLOWED[node]]
            if extra:
                failures += 1
                print(f"FAIL {node}: unexpected findings: {extra}")
        secrets = open(os.path.join(tmp, f"{node}.secrets")).read().split()
        leaked = [s for s in secrets if len(s) >= 12 and (s in text or s in r.stdout)]
        if leaked:
            failures += 1
            print(f"FAIL {node}: a secret is in the doctor's report")
finally:
    shutil.rmtree(tmp)
sys.exit(1 if failures else 0)
