#!/bin/sh
# Builds kubefs and runs every test: unit, golden, oracle (openssl, kubectl),
# examples and mount tests; then all of them again but the example generator
# and the memory-bound ones (yaml-hostile measures peak RSS) on a build with
# AddressSanitizer and UndefinedBehaviorSanitizer.
#
# usage: tests/run.sh            (as root for the mount tests; they skip otherwise)
# KUBEFS_NO_SANITIZE=1 skips the sanitizer pass.
set -eu
cd "$(dirname "$0")/.."

[ -f build/build.ninja ] || meson setup build
meson compile -C build
meson test -C build --print-errorlogs

if [ -z "${KUBEFS_NO_SANITIZE:-}" ]; then
        [ -f build-asan/build.ninja ] ||
                meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
        meson compile -C build-asan
        export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
        meson test -C build-asan --print-errorlogs --suite unit --suite golden --suite mount \
                --suite x509 --suite oracle --suite corpus
        meson test -C build-asan --print-errorlogs yaml-json-oracle yaml-secrets toml-test toml-oracle
fi
echo "all tests passed"
