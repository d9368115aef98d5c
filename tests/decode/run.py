#!/usr/bin/python3
"""Runs the `kubefs decode` pipeline tests (pytest) against KUBEFS.

usage: run.py KUBEFS [pytest args...]
"""
import os
import shutil
import sys

import pytest


def main():
    if not shutil.which("openssl"):
        print("SKIP: the decode tests make their certificates with openssl")
        return 77
    os.environ["KUBEFS"] = os.path.abspath(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    return pytest.main(["-q", "-p", "no:cacheprovider", "--rootdir", here, here] + sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
