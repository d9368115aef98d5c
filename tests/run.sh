#!/bin/sh
# Builds kubefs and runs every test: unit, golden, oracle (openssl, kubectl),
# examples and mount tests; then all of them again but the example generator
# and the memory-bound ones (yaml-hostile measures peak RSS) on a build with
# AddressSanitizer and UndefinedBehaviorSanitizer; then the mount tests (the
# stress run among them) on a build with ThreadSanitizer.
#
# usage: tests/run.sh            (as root for the mount tests; they skip otherwise)
# KUBEFS_NO_SANITIZE=1 skips the sanitizer passes.
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
        meson test -C build-asan --print-errorlogs yaml-json-oracle yaml-secrets
        unset ASAN_OPTIONS UBSAN_OPTIONS

        # ThreadSanitizer over the daemon: the mount tests, the stress run among them
        [ -f build-tsan/build.ninja ] ||
                meson setup build-tsan -Db_sanitize=thread -Db_lundef=false -Dbuildtype=debug
        meson compile -C build-tsan
        export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
        meson test -C build-tsan --print-errorlogs --suite mount
        unset TSAN_OPTIONS
fi
echo "all tests passed"
