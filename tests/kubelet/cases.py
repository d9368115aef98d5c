#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The kubelet's effective configuration and the CIS audit, one behaviour a
case: each builds a small node ROOT, runs `kubefs report` and checks the
lines it must (and must not) print. Usage: cases.py KUBEFS"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

KUBEFS = sys.argv[1]
failures = 0
UNIT = "etc/systemd/system/kubelet.service"
CONFIG = "var/lib/kubelet/config.yaml"
GVK = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"


def put(root, rel, text, mode=0o644):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def unit(root, *flags):
    put(root, UNIT, "[Service]\nExecStart=/usr/bin/kubelet " + " ".join(flags) + "\n")


def report(root, name, *extra):
    r = subprocess.run([KUBEFS, "report", "--root", root, *extra, name], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"kubefs report {name}: {r.stderr}")
    return r.stdout


def check(case, cond, what, out=""):
    global failures
    if not cond:
        failures += 1
        print(f"FAIL {case}: {what}\n{out}")


def status(audit, cid):
    """The [STATUS] of check `cid` in the text audit, and its detail lines."""
    lines = audit.splitlines()
    for i, l in enumerate(lines):
        if l.startswith("[") and l.split()[1] == cid:
            detail = []
            for d in lines[i + 1:]:
                if not d.startswith("        "):
                    break
                detail.append(d.strip())
            return l[1:5], detail
    return None, []


def case(fn):
    root = tempfile.mkdtemp(prefix="kfs-kubelet-")
    try:
        fn(fn.__name__, root)
    except AssertionError as e:
        check(fn.__name__, False, str(e))
    finally:
        shutil.rmtree(root)


@case
def flag_overrides_config_file(name, root):
    unit(root, "--config=/" + CONFIG, "--anonymous-auth=true")
    put(root, CONFIG, GVK + "authentication:\n  anonymous:\n    enabled: false\n", 0o600)
    flat = report(root, "kubelet/config.flat")
    check(name, "authentication.anonymous.enabled = true    # flag --anonymous-auth\n" in flat, "flag wins", flat)
    st, det = status(report(root, "audit"), "4.2.1")
    check(name, st == "FAIL" and "# flag --anonymous-auth" in det[0], "4.2.1 fails on the flag", det)
    # and the other way round: the flag makes it pass
    unit(root, "--config=/" + CONFIG, "--anonymous-auth=false")
    put(root, CONFIG, GVK + "authentication:\n  anonymous:\n    enabled: true\n", 0o600)
    st, det = status(report(root, "audit"), "4.2.1")
    check(name, st == "PASS", "4.2.1 passes on the flag", det)
    # a bool flag alone is true; the last one wins
    unit(root, "--config=/" + CONFIG, "--make-iptables-util-chains=true", "--make-iptables-util-chains=false")
    st, det = status(report(root, "audit"), "4.2.6")
    check(name, st == "FAIL" and "# flag --make-iptables-util-chains" in det[0], "last flag wins", det)


@case
def config_dir_dropin_overrides_file(name, root):
    unit(root, "--config=/" + CONFIG, "--config-dir=/etc/kubernetes/kubelet.conf.d")
    put(root, CONFIG, GVK + "authorization:\n  mode: Webhook\n  webhook:\n    cacheAuthorizedTTL: 1m\n", 0o600)
    put(root, "etc/kubernetes/kubelet.conf.d/20-x.conf", GVK + "authorization:\n  mode: AlwaysAllow\n", 0o600)
    put(root, "etc/kubernetes/kubelet.conf.d/10-y.conf", GVK + "readOnlyPort: 10255\n", 0o600)
    put(root, "etc/kubernetes/kubelet.conf.d/30-ignored.yaml", GVK + "readOnlyPort: 1\n", 0o600)
    flat = report(root, "kubelet/config.flat")
    check(name, 'authorization.mode = "AlwaysAllow"    # /etc/kubernetes/kubelet.conf.d/20-x.conf\n' in flat,
          "drop-in wins", flat)
    # a merge patch: the sibling key the drop-in does not name stays the file's (normalised as Go prints it)
    check(name, 'authorization.webhook.cacheAuthorizedTTL = "1m0s"    # /var/lib/kubelet/config.yaml\n' in flat,
          "merge keeps siblings", flat)
    check(name, "readOnlyPort = 10255    # /etc/kubernetes/kubelet.conf.d/10-y.conf\n" in flat, "*.conf only", flat)
    audit = report(root, "audit")
    st, det = status(audit, "4.2.2")
    check(name, st == "FAIL" and "20-x.conf" in det[0], "4.2.2 fails on the drop-in", det)
    st, det = status(audit, "4.1.9")
    check(name, st == "PASS" and any("20-x.conf" in d for d in det) and any("kubelet.conf.d: permissions" in d for d in det),
          "4.1.9 covers the drop-in dir and files", det)
    # lexical order: a later drop-in puts Webhook back
    put(root, "etc/kubernetes/kubelet.conf.d/sub/90-z.conf", GVK + "authorization:\n  mode: Webhook\n", 0o600)
    st, det = status(report(root, "audit"), "4.2.2")
    check(name, st == "PASS" and "sub/90-z.conf" in det[0], "subdirectories merged in order", det)
    # a drop-in without kind/apiVersion: kubelet refuses to start
    put(root, "etc/kubernetes/kubelet.conf.d/50-nokind.conf", "readOnlyPort: 0\n", 0o600)
    st, det = status(report(root, "audit"), "4.2.2")
    check(name, st == "WARN" and "refuses" in " ".join(det), "drop-in without kind", det)


@case
def default_decides_check(name, root):
    unit(root, "--config=/" + CONFIG)
    put(root, CONFIG, GVK + "streamingConnectionIdleTimeout: 0s\n", 0o600)
    flat = report(root, "kubelet/config.flat")
    # 0s is a zero Duration: kubelet's default replaces it
    check(name, 'streamingConnectionIdleTimeout = "4h0m0s"    # default\n' in flat, "0s means the default", flat)
    check(name, "authentication.anonymous.enabled = false    # default\n" in flat, "v1beta1 default", flat)
    audit = report(root, "audit")
    st, det = status(audit, "4.2.5")
    check(name, st == "PASS" and det[0].endswith("# default"), "4.2.5 decided by the default", det)
    st, det = status(audit, "4.2.10")
    check(name, st == "FAIL" and det == ["rotateCertificates is not set"], "4.2.10: unset is false", det)
    # no --config at all: the command-line defaults
    unit(root)
    flat = report(root, "kubelet/config.flat")
    check(name, "authentication.anonymous.enabled = true    # default (no --config)\n" in flat, "legacy defaults", flat)
    st, det = status(report(root, "audit"), "4.2.1")
    check(name, st == "FAIL", "4.2.1 fails without --config", det)


@case
def relative_config_path(name, root):
    unit(root, "--config=var/lib/kubelet/config.yaml")
    put(root, CONFIG, GVK + "tlsCertFile: pki/kubelet.crt\ntlsPrivateKeyFile: /etc/k.key\n", 0o600)
    flat = report(root, "kubelet/config.flat")
    check(name, flat.startswith("# the kubelet of /etc/systemd/system/kubelet.service"), "header", flat)
    check(name, 'tlsCertFile = "/var/lib/kubelet/pki/kubelet.crt"    # /var/lib/kubelet/config.yaml\n' in flat,
          "paths in the file are the file's directory's", flat)
    check(name, 'tlsPrivateKeyFile = "/etc/k.key"' in flat, "absolute stays", flat)
    st, det = status(report(root, "audit"), "4.1.9")
    check(name, st == "PASS" and det[0] == "/var/lib/kubelet/config.yaml: permissions=600",
          "4.1.9 finds the relative --config", det)
    # relative to the unit's WorkingDirectory= (the last one of unit and drop-ins)
    put(root, UNIT, "[Service]\nWorkingDirectory=/tmp\nExecStart=/usr/bin/kubelet --config=config.yaml\n")
    put(root, UNIT + ".d/10-cwd.conf", "[Service]\nWorkingDirectory=-/var/lib/kubelet\n")
    flat = report(root, "kubelet/config.flat")
    check(name, 'tlsCertFile = "/var/lib/kubelet/pki/kubelet.crt"    # /var/lib/kubelet/config.yaml\n' in flat,
          "WorkingDirectory=", flat)


@case
def missing_config_file(name, root):
    unit(root, "--config=/etc/kubernetes/nope.yaml")
    flat = report(root, "kubelet/config.flat")
    check(name, "# /etc/kubernetes/nope.yaml: no such file: the kubelet refuses to start" in flat, "note", flat)
    audit = report(root, "audit")
    st, det = status(audit, "4.2.1")
    check(name, st == "WARN" and "refuses to start" in det[0], "4.2.x undecidable", det)
    st, det = status(audit, "4.1.9")
    check(name, st == "WARN", "4.1.9 nothing to check", det)


@case
def too_open_parent_directory(name, root):
    unit(root, "--config=/" + CONFIG)
    put(root, CONFIG, GVK, 0o600)
    os.chmod(os.path.join(root, "var/lib/kubelet"), 0o777)
    audit = report(root, "audit")
    st, det = status(audit, "4.1.9")
    check(name, st == "FAIL" and "/var/lib/kubelet: parent directory permissions=777: others may replace what is below it" in det,
          "777 parent fails", det)
    os.chmod(os.path.join(root, "var/lib/kubelet"), 0o1777)        # sticky: others cannot replace
    st, det = status(report(root, "audit"), "4.1.9")
    check(name, st == "PASS", "sticky parent passes", det)
    if os.geteuid() == 0:
        os.chmod(os.path.join(root, "var/lib/kubelet"), 0o755)
        os.chown(os.path.join(root, "var/lib"), 1234, 0)
        st, det = status(report(root, "audit"), "4.1.10")
        check(name, st == "FAIL" and "/var/lib: parent directory owned by 1234:root: its owner may replace what is below it" in det,
              "parent owned by someone else fails", det)


@case
def k3s_embedded_kubelet_args(name, root):
    put(root, "etc/rancher/k3s/config.yaml",
        "node-name: n1\nkubelet-arg:\n  - anonymous-auth=true\n  - read-only-port=10255\n  - config=/etc/rancher/k3s/kubelet.yaml\n")
    put(root, "etc/rancher/k3s/config.yaml.d/10-more.yaml", "kubelet-arg+:\n  - event-qps=-1\n")
    put(root, "etc/rancher/k3s/kubelet.yaml", GVK + "rotateCertificates: true\n", 0o600)
    put(root, "var/lib/rancher/k3s/agent/etc/kubelet.conf.d/00-k3s-defaults.conf",
        GVK + "authentication:\n  x509:\n    clientCAFile: /var/lib/rancher/k3s/agent/client-ca.crt\n", 0o600)
    flags = report(root, "kubelet/flags").splitlines()
    check(name, "--anonymous-auth=true" in flags and "--read-only-port=10255" in flags and
          "--read-only-port=0" not in flags and "--hostname-override=n1" in flags and
          "--cloud-provider=external" in flags, "kubelet-arg over k3s's own", flags)
    flat = report(root, "kubelet/config.flat")
    check(name, "rotateCertificates = true    # /etc/rancher/k3s/kubelet.yaml\n" in flat, "kubelet-arg config=", flat)
    check(name, 'authentication.x509.clientCAFile = "/var/lib/rancher/k3s/agent/client-ca.crt"    # '
          '/var/lib/rancher/k3s/agent/etc/kubelet.conf.d/00-k3s-defaults.conf\n' in flat, "k3s drop-in", flat)
    audit = report(root, "audit")
    for cid, want in [("4.2.1", "FAIL"), ("4.2.3", "PASS"), ("4.2.4", "WARN"), ("4.2.8", "WARN"), ("4.2.10", "PASS")]:
        st, det = status(audit, cid)
        check(name, st == want, f"{cid} is {st}, want {want}", det)
    st, det = status(audit, "4.2.1")
    check(name, det and det[0] == "authentication.anonymous.enabled = true    # flag --anonymous-auth", "source", det)


@case
def microk8s_args(name, root):
    """microk8s: args/kubelet (the microk8s decoder's .flags, ${SNAP_DATA} expanded), no --config."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../data/microk8s/snap")
    flat = report(src, "kubelet/config.flat")
    check(name, flat.startswith("# the kubelet of /var/snap/microk8s/current/args/kubelet;"), "found", flat)
    check(name, 'authentication.x509.clientCAFile = "/var/snap/microk8s/current/certs/ca.crt"    # flag --client-ca-file\n'
          in flat and 'evictionHard["nodefs.available"] = "1Gi"    # flag --eviction-hard\n' in flat, "flags", flat)
    audit = report(src, "audit")
    for cid, want in [("4.2.1", "PASS"), ("4.2.2", "FAIL"), ("4.2.4", "PASS")]:
        st, det = status(audit, cid)
        check(name, st == want, f"{cid} is {st}, want {want}", det)


@case
def reader_may_not_read_config(name, root):
    os.chmod(root, 0o755)
    unit(root, "--config=/" + CONFIG)
    put(root, CONFIG, GVK + "authentication:\n  anonymous:\n    enabled: true\n", 0o600)
    flat = report(root, "kubelet/config.flat", "--as", "1000")
    check(name, "you may not read it" in flat and "authentication.anonymous.enabled = true" not in flat,
          "nothing from a file the reader may not read", flat)
    st, det = status(report(root, "audit", "--as", "1000"), "4.2.1")
    check(name, st == "WARN", "undecidable for this reader", det)


@case
def json_and_xml(name, root):
    unit(root, "--config=/" + CONFIG)
    put(root, CONFIG, GVK + "cgroupDriver: systemd\nevictionHard:\n  memory.available: 1Gi\n", 0o600)
    cz = json.loads(report(root, "kubelet/configz.json"))
    cfg = json.loads(report(root, "kubelet/config.json"))
    check(name, cz == {"kubeletconfig": cfg} and cfg["cgroupDriver"] == "systemd" and
          cfg["evictionHard"] == {"memory.available": "1Gi"}, "configz wraps config", cz)
    flat = report(root, "kubelet/config.flat")
    check(name, 'evictionHard["memory.available"] = "1Gi"    # /var/lib/kubelet/config.yaml\n' in flat, "flat keys", flat)
    a = json.loads(report(root, "audit.json"))
    res = [r for c in a["Controls"] for t in c["tests"] for r in t["results"]]
    r421 = [r for r in res if r["test_number"] == "4.2.1"][0]
    check(name, set(r421) >= {"test_number", "test_desc", "audit", "status", "actual_value", "scored",
                              "expected_result", "remediation"} and r421["status"] == "PASS", "kube-bench keys", r421)
    check(name, a["Totals"]["total_pass"] == sum(r["status"] == "PASS" for r in res), "totals", a["Totals"])
    import xml.dom.minidom
    x = xml.dom.minidom.parseString(report(root, "audit.xml"))
    check(name, int(x.documentElement.getAttribute("tests")) == len(res) and
          int(x.documentElement.getAttribute("failures")) == sum(r["status"] == "FAIL" for r in res), "junit counts")


# 4.2.x: for each check, a configuration that passes and one that does not
# (config file text, extra kubelet flags); unscored checks fail as WARN.
KUBELET_CHECKS = [
    ("4.2.1", ("authentication:\n  anonymous:\n    enabled: false\n", []),
     ("authentication:\n  anonymous:\n    enabled: true\n", []), "FAIL"),
    ("4.2.2", ("authorization:\n  mode: Webhook\n", []), ("authorization:\n  mode: AlwaysAllow\n", []), "FAIL"),
    ("4.2.3", ("authentication:\n  x509:\n    clientCAFile: /ca.crt\n", []), ("", []), "FAIL"),
    ("4.2.4", ("readOnlyPort: 0\n", []), ("readOnlyPort: 10255\n", []), "WARN"),
    ("4.2.5", ("streamingConnectionIdleTimeout: 30m\n", []), ("", ["--streaming-connection-idle-timeout=0"]), "WARN"),
    ("4.2.6", ("makeIPTablesUtilChains: true\n", []), ("makeIPTablesUtilChains: false\n", []), "FAIL"),
    ("4.2.7", ("", []), ("", ["--hostname-override=n1"]), "WARN"),
    ("4.2.8", ("eventRecordQPS: 5\n", []), ("eventRecordQPS: -1\n", []), "WARN"),
    ("4.2.9", ("tlsCertFile: /k.crt\ntlsPrivateKeyFile: /k.key\n", []), ("", []), "WARN"),
    ("4.2.10", ("rotateCertificates: true\n", []), ("rotateCertificates: false\n", []), "FAIL"),
    ("4.2.11", ("", []), ("featureGates:\n  RotateKubeletServerCertificate: false\n", []), "WARN"),
    ("4.2.12", ("tlsCipherSuites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n", []),
     ("tlsCipherSuites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_RSA_WITH_AES_128_CBC_SHA]\n", []), "WARN"),
    ("4.2.13", ("podPidsLimit: 4096\n", []), ("podPidsLimit: -1\n", []), "WARN"),
    ("4.2.14", ("seccompDefault: true\n", []), ("", []), "WARN"),
]


@case
def each_kubelet_check_passes_and_fails(name, root):
    for cid, good, bad, failing in KUBELET_CHECKS:
        for (text, flags), want in ((good, "PASS"), (bad, failing)):
            unit(root, "--config=/" + CONFIG, *flags)
            put(root, CONFIG, GVK + text, 0o600)
            st, det = status(report(root, "audit"), cid)
            check(name, st == want, f"{cid} with {text!r} {flags}: {st}, want {want}", det)


@case
def each_node_file_check_passes_and_fails(name, root):
    unit(root, "--config=/" + CONFIG, "--kubeconfig=/etc/kubernetes/kubelet.conf")
    put(root, CONFIG, GVK + "authentication:\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n", 0o600)
    put(root, "etc/kubernetes/kubelet.conf", "x", 0o600)
    put(root, "etc/kubernetes/pki/ca.crt", "x", 0o644)
    put(root, "etc/kubernetes/kube-proxy.kubeconfig", "x", 0o600)
    os.chmod(os.path.join(root, UNIT), 0o600)
    files = {"4.1.1": (UNIT, 0o600, 0o644), "4.1.3": ("etc/kubernetes/kube-proxy.kubeconfig", 0o600, 0o640),
             "4.1.5": ("etc/kubernetes/kubelet.conf", 0o600, 0o604), "4.1.7": ("etc/kubernetes/pki/ca.crt", 0o644, 0o664),
             "4.1.9": (CONFIG, 0o600, 0o660)}
    scored = {"4.1.1", "4.1.5", "4.1.9"}
    audit = report(root, "audit")
    for cid in files:
        st, det = status(audit, cid)
        check(name, st == "PASS", f"{cid} passes", det)
    for cid, (rel, good, bad) in files.items():
        os.chmod(os.path.join(root, rel), bad)
        st, det = status(report(root, "audit"), cid)
        check(name, st == ("FAIL" if cid in scored else "WARN") and f"/{rel}: permissions={bad:o}" in det,
              f"{cid} fails at {bad:o}", det)
        os.chmod(os.path.join(root, rel), good)
    if os.geteuid() == 0:
        owner = {"4.1.2": UNIT, "4.1.4": "etc/kubernetes/kube-proxy.kubeconfig", "4.1.6": "etc/kubernetes/kubelet.conf",
                 "4.1.8": "etc/kubernetes/pki/ca.crt", "4.1.10": CONFIG}
        for cid, rel in owner.items():
            st, det = status(report(root, "audit"), cid)
            check(name, st == "PASS", f"{cid} passes", det)
            os.chown(os.path.join(root, rel), 1234, 0)
            st, det = status(report(root, "audit"), cid)
            check(name, st in ("FAIL", "WARN") and st == ("WARN" if cid in ("4.1.4", "4.1.8") else "FAIL") and
                  f"/{rel}: 1234:root" in det, f"{cid} fails when owned by 1234", det)
            os.chown(os.path.join(root, rel), 0, 0)


POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: kube-system
spec:
  containers:
  - name: {name}
    command:
    - {name}
{flags}"""


def pod(root, comp, *flags):
    put(root, f"etc/kubernetes/manifests/{comp}.yaml",
        POD.format(name=comp, flags="".join(f"    - {f}\n" for f in flags)), 0o600)


@case
def control_plane_flag_checks(name, root):
    put(root, "etc/kubernetes/admin.conf", "x", 0o600)
    pod(root, "kube-apiserver", "--authorization-mode=Node,RBAC", "--audit-log-path=/var/log/a.log",
        "--audit-log-maxage=30", "--enable-admission-plugins=NodeRestriction", "--profiling=false")
    pod(root, "etcd", "--client-cert-auth=true", "--data-dir=/var/lib/etcd")
    audit = report(root, "audit")
    for cid in ("1.1.1", "1.2.6", "1.2.7", "1.2.10", "1.2.14", "1.2.15", "1.2.16", "1.2.17", "2.2", "2.3"):
        st, det = status(audit, cid)
        check(name, st == "PASS", f"{cid} passes", det)
    st, det = status(audit, "1.2.18")
    check(name, st == "FAIL" and det == ["--audit-log-maxbackup is not set"], "1.2.18 unset fails", det)
    pod(root, "kube-apiserver", "--authorization-mode=AlwaysAllow", "--audit-log-maxage=7",
        "--enable-admission-plugins=AlwaysAdmit")
    pod(root, "etcd", "--client-cert-auth=false", "--auto-tls=true")
    os.chmod(os.path.join(root, "etc/kubernetes/manifests/kube-apiserver.yaml"), 0o644)
    audit = report(root, "audit")
    for cid in ("1.1.1", "1.2.6", "1.2.7", "1.2.10", "1.2.14", "1.2.15", "1.2.16", "1.2.17", "2.2", "2.3"):
        st, det = status(audit, cid)
        check(name, st == "FAIL", f"{cid} fails", det)
    st, det = status(audit, "1.2.17")
    check(name, det == ["--audit-log-maxage=7"], "actual value", det)


print(f"{failures} failure(s)")
sys.exit(1 if failures else 0)
