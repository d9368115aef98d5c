#!/usr/bin/python3
"""Runs the mount tests (pytest) against KUBEFS; exit 77 (skipped) without FUSE.

usage: run.py KUBEFS [pytest args...]
"""
import os
import shutil
import sys

import pytest


def main():
    kubefs = os.path.abspath(sys.argv[1])
    if not os.path.exists("/dev/fuse") or not shutil.which("fusermount3"):
        print("SKIP: mount tests need /dev/fuse and fusermount3")
        return 77
    if os.geteuid() != 0:
        print("SKIP: mount tests run as root (they check permissions as another user)")
        return 77
    os.environ["KUBEFS"] = kubefs
    here = os.path.dirname(os.path.abspath(__file__))
    return pytest.main(["-q", "-p", "no:cacheprovider", "--rootdir", here, here] + sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
