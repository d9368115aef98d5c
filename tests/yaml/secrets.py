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
            "canary-sh-26", "canary-f-", "canary-e-", "canary-jl-"]

# what must show instead (the name and the text around kept), per file and view
EXPECT = {
    "etc/systemd/system/k3s.service": {
        "flags": ["-t\nREDACTED\n", "-t=REDACTED\n", "--flannel-ipsec-psk=REDACTED\n",
                  "--vpn-auth=name=tailscale,joinKey=REDACTED\n", "--kube-apiserver-arg=oidc-client-secret=REDACTED\n",
                  "--basic-auth=admin:REDACTED\n", "--etcd-s3-access-key\nREDACTED\n"],
        "env": ["API_KEY=REDACTED", "K3S_VPN=--vpn-auth=name=tailscale,joinKey=REDACTED"],
        "unit": ["-t REDACTED", "-t=REDACTED", "joinKey=REDACTED", "oidc-client-secret=REDACTED", "admin:REDACTED"],
    },
    "etc/systemd/system/rke2-server.service": {
        "flags": ["-t\nREDACTED\n", "--vpn-auth\nname=tailscale,joinKey=REDACTED\n"],
        "unit": ["-t REDACTED", "\"name=tailscale,joinKey=REDACTED\""],
    },
    "etc/default/k3s": {"flags": ["REDACTED"]},
    "etc/rancher/rke2/config.yaml": {
        "flags": ["-t=REDACTED\n", "--flannel-ipsec-psk=REDACTED\n", "--vpn-auth=name=tailscale,joinKey=REDACTED\n",
                  "--kube-apiserver-arg=oidc-client-secret=REDACTED\n", "--kube-apiserver-arg=oidc-issuer-url=https://issuer\n",
                  "--basic-auth=admin:REDACTED\n"],
        "flat": ['t = "REDACTED"', '["vpn-auth"] = "name=tailscale,joinKey=REDACTED"',
                 '["kube-apiserver-arg"][0] = "oidc-client-secret=REDACTED"', '["basic-auth"] = "admin:REDACTED"'],
        "json": ['"vpn-auth":"name=tailscale,joinKey=REDACTED"'],
    },
    "etc/kubernetes/admin.conf": {"yaml": ['{"auth": {"token": "REDACTED"}}']},
    "etc/kubernetes/addons/embedded.yaml": {
        "flags": ["# daemonset calico-node" if False else "agent\n-t\nREDACTED\n", '--cni={"password": "REDACTED"}\n'],
        "json": ['\\"k8s_auth_token\\": \\"REDACTED\\"', '{\\"password\\": \\"REDACTED\\"}',
                 '\\\\\\"token\\\\\\": \\\\\\"REDACTED\\\\\\"', "password: REDACTED",
                 "privateKey: |\\n    REDACTED\\n  user: x", "password = REDACTED", 'api_key = \\"REDACTED\\"',
                 "API_KEY=REDACTED\\nHOME=/root", '\\"value\\": \\"REDACTED\\"',
                 "joinKey=REDACTED --basic-auth=u:REDACTED"],
        "flat": ['\\"k8s_auth_token\\": \\"REDACTED\\"', 'data.json = "{\\"password\\": \\"REDACTED\\"}"'],
        "objects": ["calico-node"],
    },
    "etc/kubernetes/audit.jsonl": {
        "json": ['{"user":"alice","token":"REDACTED"}', '{"cfg":"{\\"password\\": \\"REDACTED\\"}"}'],
        "flat": ['[0].token = "REDACTED"', '[1].cfg = "{\\"password\\": \\"REDACTED\\"}"'],
    },
}

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
extensions:
- name: embedded
  extension: {{config: '{{"auth": {{"token": "canary-e-kubeconfig"}}}}'}}
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
    # issue 9 item 6: one canary per secret form, in a unit, its env file, an env file,
    # a k3s config.yaml and a manifest: every view of each must hide it
    "etc/systemd/system/k3s.service": """[Unit]
Description=k3s
[Service]
EnvironmentFile=-/etc/systemd/system/k3s.service.env
Environment="K3S_VPN=--vpn-auth=name=tailscale,joinKey=canary-f-envjoin"
ExecStart=/usr/local/bin/k3s \\
    server \\
    -t canary-f-short \\
    -t=canary-f-shorteq \\
    --flannel-ipsec-psk=canary-f-psk \\
    --vpn-auth=name=tailscale,joinKey=canary-f-join \\
    --kube-apiserver-arg=oidc-client-secret=canary-f-oidc \\
    --basic-auth=admin:canary-f-basic \\
    --etcd-s3-access-key canary-f-s3key
""",
    "etc/systemd/system/k3s.service.env": "API_KEY=canary-f-apikey\nK3S_TOKEN=canary-f-envtoken\n",
    "etc/systemd/system/rke2-server.service": """[Service]
ExecStart=/usr/local/bin/rke2 server -t canary-f-rke2 --vpn-auth "name=tailscale,joinKey=canary-f-rke2join"
""",
    "etc/default/k3s": "API_KEY=canary-f-default\nVPN_AUTH=user:canary-f-userpw\n",
    "etc/rancher/rke2/config.yaml": """t: canary-f-cfgt
flannel-ipsec-psk: canary-f-cfgpsk
vpn-auth: "name=tailscale,joinKey=canary-f-cfgjoin"
kube-apiserver-arg: ["oidc-client-secret=canary-f-cfgoidc", "oidc-issuer-url=https://issuer"]
basic-auth: "admin:canary-f-cfgbasic"
""",
    # issue 18 item 1: documents inside strings, one canary per form
    "etc/kubernetes/addons/embedded.yaml": """apiVersion: apps/v1
kind: DaemonSet
metadata: {name: calico-node}
spec:
  template:
    spec:
      containers:
      - name: calico-node
        command: [/usr/local/bin/k3s, agent, -t, canary-e-podt, -t=canary-e-podteq, "--cni={\\"password\\": \\"canary-e-argjson\\"}"]
        env:
        - name: CNI_NETWORK_CONFIG
          value: |-
            {"name": "k8s-pod-network", "plugins": [{"type": "calico",
              "policy": {"type": "k8s", "k8s_auth_token": "canary-e-calico"}}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: embedded}
data:
  json: '{"password": "canary-e-json"}'
  deep: '{"cni": "{\\"token\\": \\"canary-e-deep\\"}"}'
  yaml: "auth:\\n  password: canary-e-yaml\\n"
  block: "config:\\n  privateKey: |\\n    canary-e-block\\n  user: x\\n"
  ini: "[db]\\npassword = canary-e-ini\\n"
  toml: "[registry]\\napi_key = \\"canary-e-toml\\"\\n"
  env: "API_KEY=canary-e-env\\nHOME=/root\\n"
  pairs: '[{"name": "DB_PASSWORD", "value": "canary-e-pair"}]'
  flags: "--vpn-auth=name=tailscale,joinKey=canary-e-flagjoin --basic-auth=u:canary-e-flagbasic"
""",
    "etc/kubernetes/creds.json": json.dumps({"apiVersion": "v1", "kind": "Config", "users": [
        {"name": "j", "user": {"token": "canary-json-23"}}], "clusters": [], "contexts": []}),
    "etc/kubernetes/audit.jsonl": '{"user": "alice", "token": "canary-jl-token"}\n'
                                  '{"cfg": "{\\"password\\": \\"canary-jl-inner\\"}"}\n',
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
            for view, wanted in EXPECT.get(rel, {}).items():
                v = subprocess.run([kubefs, "decode", "--root", root, "--view", view, path],
                                   capture_output=True, timeout=60).stdout.decode(errors="replace")
                for w in wanted:
                    if w not in v:
                        leaks.append(f"{rel}.{view}: {w!r} not shown: {v[:300]!r}")
    for leak in leaks:
        print("FAIL", leak)
    print(f"secrets: {len(FILES)} files, {checked} views, {len(CANARIES)} canaries, {len(leaks)} leaks")
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
