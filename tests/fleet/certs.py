"""Certificates read with openssl and PyYAML only, for the fleet tests (never with kubefs).

pem_blocks(data)            the CERTIFICATE blocks of a file, in order
cert_facts(pem)             openssl's dates, serial, subject/issuer fields, SANs, public key
kubeconfig_blobs(data)      the certificate data a kubeconfig embeds, base64-decoded by Python
"""
import base64
import calendar
import ipaddress
import re
import subprocess
import time

import yaml

BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----\r?\n.*?-----END CERTIFICATE-----", re.S)


def pem_blocks(data):
    return [m.group(0) + b"\n" for m in BLOCK.finditer(data)]


def openssl(args, data):
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=True).stdout.decode()


def _date(s):
    # "Oct  7 05:46:40 2026 GMT"
    return calendar.timegm(time.strptime(s.strip(), "%b %d %H:%M:%S %Y GMT"))


def _fields(text):
    """openssl -nameopt multiline,utf8,-esc_msb,sname: '    CN = x' lines -> {C,ST,L,O,OU,CN}
    with Go's pkix.Name rules: the first of each, the last CN."""
    out = {}
    for line in text.splitlines()[1:]:
        k, _, v = line.partition("=")
        k, v = k.strip(), v.strip()
        if k == "CN" or k not in out:
            out[k] = v
    return {k: out[k] for k in ("C", "ST", "L", "O", "OU", "CN") if out.get(k)}


def cert_facts(pem):
    text = openssl(["x509", "-noout", "-startdate", "-enddate", "-serial"], pem)
    kv = dict(l.split("=", 1) for l in text.splitlines())
    subj = openssl(["x509", "-noout", "-subject", "-nameopt", "multiline,utf8,-esc_msb,sname"], pem)
    iss = openssl(["x509", "-noout", "-issuer", "-nameopt", "multiline,utf8,-esc_msb,sname"], pem)
    sans = []
    ext = subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName"], input=pem,
                         capture_output=True).stdout.decode()
    for line in ext.splitlines()[1:]:
        for item in line.strip().split(", "):
            t, _, v = item.partition(":")
            if t == "DNS":
                sans.append(("dns", v))
            elif t == "IP Address":
                sans.append(("ip", str(ipaddress.ip_address(v))))
            elif t == "email":
                sans.append(("email", v))
            elif t == "URI":
                sans.append(("uri", v))
    serial = int(kv["serial"], 16)
    return {
        "not_before": _date(kv["notBefore"]),
        "not_after": _date(kv["notAfter"]),
        "serial": str(serial),
        "subject": _fields(subj),
        "issuer": _fields(iss),
        "sans": sorted(sans),
        "pubkey": openssl(["x509", "-noout", "-pubkey"], pem),
    }


def kubeconfig_doc(data):
    try:
        doc = yaml.safe_load(data)
    except yaml.YAMLError:
        return None
    if not isinstance(doc, dict) or not ("clusters" in doc or "users" in doc):
        return None
    return doc


def kubeconfig_blobs(doc):
    """[(kind, name, bytes, current)] for certificate-authority-data and client-certificate-data."""
    cur = {}
    for c in doc.get("contexts") or []:
        if c.get("name") == doc.get("current-context"):
            cur = c.get("context") or {}
    out = []
    for kind, lst, item, key, curname in (("cluster", "clusters", "cluster", "certificate-authority-data",
                                           cur.get("cluster")),
                                          ("user", "users", "user", "client-certificate-data", cur.get("user"))):
        for e in doc.get(lst) or []:
            v = (e.get(item) or {}).get(key)
            if v:
                out.append((kind, e.get("name"), base64.b64decode(v, validate=False), e.get("name") == curname))
    return out
