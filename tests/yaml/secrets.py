#!/usr/bin/python3
"""No secret reaches a view: every secret in these files is a canary, and no
output of `kubefs decode` (every view of every decoder, .flat, .json,
.objects included) may contain one.

usage: secrets.py KUBEFS

The files cover the places secrets live on a node: kubeconfigs (token,
password, client keys, auth-provider and exec env), Secrets (data,
stringData, in a List too), container env, flags in args and in shell
strings, kubeadm configs (bootstrap tokens, certificateKey), k3s config
(token, datastore password), registry credentials, encryption config,
private keys and service account tokens pasted into ConfigMaps, and a
kubelet checkpoint whose JSON-in-a-string holds one.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile

JWT = ("eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9."
       + base64.urlsafe_b64encode(b'{"sub":"system:serviceaccount:kube-system:canary-jwt"}').decode().rstrip("=")
       + ".c2lnbmF0dXJlY2FuYXJ5")
PEM = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEICANARYPEMCANARYPEM\n-----END EC PRIVATE KEY-----\n"

CANARIES = ["canary-token-1", "canary-pass-2", "Y2FuYXJ5LWtleQ", "canary-idt-4", "canary-rt-5",
            "canary-cs-6", "canary-env-7", "canary-data-8", "canary-string-9", "canary-env-10",
            "canary-flag-11", "canary-flag-12", "canary.0123456789abcdef", "canary-cert-key-14",
            "canary-k3s-15", "canary-db-16", "canary-auth-17", "canary-enc-18", "CANARYPEM", JWT,
            "canary-list-21", "canary-ckpt-22", "canary-json-23", "canary-pw-24", "canary-s3-25",
            "canary-sh-26"]

FILES = {
    "etc/kubernetes/admin.conf": f"""apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {{server: https://10.0.0.1:6443, certificate-authority-data: ZmFrZQ==}}
users:
- name: a
  user: {{token: canary-token-1}}
- name: b
  user: {{username: admin, password: canary-pass-2}}
- name: c
  user: {{client-certificate-data: ZmFrZQ==, client-key-data: Y2FuYXJ5LWtleQ==}}
- name: d
  user:
    auth-provider:
      name: oidc
      config: {{id-token: canary-idt-4, refresh-token: canary-rt-5, client-secret: canary-cs-6}}
- name: e
  user:
    exec:
      command: get-token
      env: [{{name: PROFILE, value: canary-env-7}}]
contexts: []
""",
    "etc/kubernetes/manifests/secrets.yaml": f"""apiVersion: v1
kind: Secret
metadata: {{name: s}}
data: {{key: canary-data-8}}
stringData: {{other: canary-string-9}}
---
apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  containers:
  - name: c
    env: [{{name: DB_PASSWORD, value: canary-env-10}}]
    args: [--token=canary-flag-11, --password, canary-flag-12]
    command: [sh, -c, "kubeadm join 10.0.0.1:6443 --token canary.0123456789abcdef && login --password canary-sh-26"]
---
apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Secret, metadata: {{name: t}}, data: {{x: canary-list-21}}}}
""",
    "etc/kubernetes/kubeadm.yaml": """apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
bootstrapTokens:
- token: canary.0123456789abcdef
certificateKey: canary-cert-key-14
""",
    "etc/rancher/k3s/config.yaml": """token: canary-k3s-15
datastore-endpoint: postgres://k3s:canary-db-16@db:5432/k3s
etcd-s3-secret-key: canary-s3-25
""",
    "etc/rancher/k3s/registries.yaml": """configs:
  registry.example.com:
    auth: {username: u, password: canary-pw-24, auth: canary-auth-17}
""",
    "etc/kubernetes/enc.yaml": """apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
  - aescbc: {keys: [{name: k1, secret: canary-enc-18}]}
""",
    "etc/kubernetes/addons/configmap.yaml": f"""apiVersion: v1
kind: ConfigMap
metadata: {{name: leaked}}
data:
  key.pem: {json.dumps(PEM)}
  sa: "Bearer {JWT}"
""",
    "etc/kubernetes/creds.json": json.dumps({"apiVersion": "v1", "kind": "Config", "users": [
        {"name": "j", "user": {"token": "canary-json-23"}}], "clusters": [], "contexts": []}),
    "var/lib/kubelet/dra_manager_state": json.dumps({"Data": json.dumps({
        "kind": "DRACheckpoint", "Entries": [{"ClaimName": "c", "token": "canary-ckpt-22"}]}), "Checksum": 0}),
}


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    kubefs = sys.argv[1]
    leaks, checked = [], 0
    with tempfile.TemporaryDirectory() as root:
        for rel, text in FILES.items():
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        seen = "".join(FILES.values())
        missing = [c for c in CANARIES if c not in seen]
        if missing:
            print("FAIL canaries not planted:", missing)
            return 1
        for rel in FILES:
            path = os.path.join(root, rel)
            p = subprocess.run([kubefs, "decode", "--root", root, path], capture_output=True, timeout=60)
            out = p.stdout.decode(errors="replace") + p.stderr.decode(errors="replace")
            if "==> " not in out:
                leaks.append(f"{rel}: no views ({out.strip()[:200]})")
            checked += out.count("==> ")
            for c in CANARIES:
                if c in out:
                    line = next(l for l in out.splitlines() if c in l)
                    leaks.append(f"{rel}: {c!r} shown: {line[:200]}")
    for leak in leaks:
        print("FAIL", leak)
    print(f"secrets: {len(FILES)} files, {checked} views, {len(CANARIES)} canaries, {len(leaks)} leaks")
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
