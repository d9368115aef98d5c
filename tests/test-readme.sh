#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# test-readme.sh SRCDIR: the README's quick-start commands work as they are
# written, for root (a fresh Debian has no sudo) and for a user: no command
# starts with sudo (the scripts elevate themselves when needed), each names
# an executable script of the repository, and each script handles not being
# root itself.
set -eu
src=${1:?usage: test-readme.sh SRCDIR}
fail=0
cmds=$(awk '/^## Quick start/ { q = 1 } q && /^```sh/ { b = 1; next } b && /^```/ { exit } b { print }' \
       "$src/README.md" | sed 's/#.*//; s/[[:space:]]*$//' | grep -v '^$' || true)
[ -n "$cmds" ] || { echo "FAIL: no quick-start commands found in README.md"; exit 1; }
echo "$cmds" | while read -r cmd _; do
        case $cmd in
        sudo) echo "FAIL: README runs '$cmd ...': root on a fresh Debian has no sudo"; exit 1 ;;
        esac
        [ -x "$src/$cmd" ] || { echo "FAIL: README's '$cmd' is not an executable script"; exit 1; }
        grep -q 'id -u' "$src/$cmd" || { echo "FAIL: '$cmd' does not check whether it runs as root"; exit 1; }
        echo "ok: $cmd"
done || fail=1
exit $fail
