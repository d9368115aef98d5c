#!/usr/bin/python3
"""Seed corpus for fuzz-yaml/fuzz-json: usage: yaml-seeds.py yaml|json DATADIR OUTDIR

Every input of the golden YAML cases, plus small hostile shapes, each
prefixed with the byte the harness uses to pick a file name or checkpoint
kind (0..7)."""
import os
import sys

SHAPES = [
    b"a: &a [1, 2]\nb: [*a, *a]\n", b"<<: {a: 1}\nb: 2\n", b"- - - - x\n", b"? [a]\n: b\n",
    b"{\"Data\":\"{\\\"a\\\":1}\",\"Checksum\":1}", b"{\"data\":\"[1]\",\"checksum\":0}",
    b"{\"policyName\":\"none\",\"defaultCpuSet\":\"\",\"checksum\":1353318690}",
    b"{\"Data\":{\"PodDeviceEntries\":[{\"DeviceIDs\":{\"0\":[\"a\"]},\"AllocResp\":\"AAE=\"}]},\"Checksum\":1}",
    b"a: !!int 0x1F\nb: !!binary aGk=\nc: .inf\n", b"\"\\u2028\": \"\\x01\"\n", b"---\n---\nkind: List\nitems: [{}]\n",
]


def main():
    kind, data, out = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(out, exist_ok=True)
    n = 0
    for dirpath, _, files in sorted(os.walk(data)):
        for f in sorted(files):
            if f.endswith(".expected"):
                continue
            body = open(os.path.join(dirpath, f), "rb").read()
            if len(body) > 64 << 10 or (kind == "json" and not body.lstrip().startswith((b"{", b"["))):
                continue
            for b in ([n % 8] if kind == "yaml" else [0, 1, 2, 3, 4, 5]):
                with open(os.path.join(out, f"seed-{n:03d}-{b}"), "wb") as s:
                    s.write(bytes([b]) + body)
            n += 1
    for shape in SHAPES:
        for b in range(8 if kind == "yaml" else 6):
            with open(os.path.join(out, f"shape-{n:03d}-{b}"), "wb") as s:
                s.write(bytes([b]) + shape)
        n += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
