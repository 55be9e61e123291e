#!/bin/sh
# run.sh BUILD: run every test binary of a build (unit, then screen, then
# ssh), each with its own temporary directory, then each fuzzer of
# $FUZZ_BUILD (build/fuzz) over its corpus, and finish with the line
# "N passed, N failed".  Exits non-zero on any failure.  A binary that dies
# (sanitizer report, signal, timeout) counts its unfinished tests as failed.
set -u
build=${1:-build/asan}
top=$(pwd)
export MABDESK_BIN="$top/$build/mabdesk"
export MABDESK_LOCALEDIR="$top/$build/locale"
export MABDESK_TOP="$top"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
# Tests must not see the developer's own database, language or
# configuration (a test that wants a system file sets MABDESK_SYSCONF).
unset MABDESK_DB MABDESK_TZ XDG_DATA_HOME XDG_CONFIG_HOME XDG_STATE_HOME LANGUAGE LC_ALL LC_MESSAGES
export MABDESK_SYSCONF=/nonexistent/mabdesk.conf
export LANG=C.UTF-8

passed=0
failed=0
failed_names=""
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

for suite in unit screen ssh; do
    for t in "$build"/tests/$suite/test_*; do
        [ -x "$t" ] || continue
        name=$suite/$(basename "$t")
        out="$log/$(echo "$name" | tr / _).out"
        tmp=$(mktemp -d)
        start=$(date +%s)
        TMPDIR="$tmp" HOME="$tmp" timeout 600 "$t" >"$out" 2>&1
        rc=$?
        end=$(date +%s)
        rm -rf "$tmp"
        runs=$(grep -c '^\[ RUN      \]' "$out")
        ok=$(grep -c '^\[       OK \]' "$out")
        skip=$(grep -c '^\[  SKIPPED \] [A-Za-z_]' "$out")
        # cmocka names a failed test twice (as it fails, and in the summary).
        bad=$(grep '^\[  FAILED  \] [A-Za-z_]' "$out" | grep -v 'test(s)' | sort -u | wc -l)
        lost=$((runs - ok - skip - bad))
        [ "$lost" -lt 0 ] && lost=0
        bad=$((bad + lost))
        if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
            bad=1
        fi
        passed=$((passed + ok))
        failed=$((failed + bad))
        if [ "$bad" -ne 0 ]; then
            echo "FAIL $name ($ok passed, $bad failed, exit $rc, $((end - start)) s)"
            sed 's/^/    /' "$out" | tail -n 200
            failed_names="$failed_names $name"
        else
            echo "ok   $name ($ok passed, $((end - start)) s)"
        fi
    done
done

# The fuzzers (tests/fuzz, built by make test) over their committed
# corpora, once each: every input that ever mattered still runs clean.
for f in "${FUZZ_BUILD:-build/fuzz}"/fuzz_*; do
    [ -x "$f" ] || continue
    name=fuzz/$(basename "$f")
    corpus=tests/fuzz/corpus/$(basename "$f")
    out="$log/$(echo "$name" | tr / _).out"
    start=$(date +%s)
    timeout 300 "$f" -runs=0 "$corpus" >"$out" 2>&1
    rc=$?
    end=$(date +%s)
    inputs=$(find "$corpus" -type f | wc -l)
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        echo "ok   $name ($inputs inputs, $((end - start)) s)"
    else
        failed=$((failed + 1))
        echo "FAIL $name (exit $rc, $((end - start)) s)"
        sed 's/^/    /' "$out" | tail -n 60
        failed_names="$failed_names $name"
    fi
done

[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
