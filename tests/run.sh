#!/bin/sh
# Builds kubefs and runs every test: unit, golden, oracle (openssl, kubectl),
# examples and mount tests; then all of them again but the example generator
# and the memory-bound ones (yaml-hostile measures peak RSS) on a build with
# AddressSanitizer and UndefinedBehaviorSanitizer; then the mount tests (the
# stress run among them) on a build with ThreadSanitizer.
#
# usage: tests/run.sh            (as root, or as a user with sudo: it runs itself
#                                 again under sudo, as the mount tests need root)
# KUBEFS_NO_SANITIZE=1 skips the sanitizer passes; KUBEFS_RUN_AS_USER=1 runs as you,
# without sudo (the mount tests skip).
set -eu
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ] && [ -z "${KUBEFS_RUN_AS_USER:-}" ]; then
        if command -v sudo >/dev/null; then
                exec sudo --preserve-env=KUBEFS_NO_SANITIZE,KUBEFS_STRESS_SECONDS "$0" "$@"
        fi
        echo "run.sh: not root and no sudo: the mount tests will be skipped" >&2
fi

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
