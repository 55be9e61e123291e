#!/bin/sh
# run.sh BUILD: run every test binary of a build (unit, then screen, then
# ssh), each with its own temporary directory, then each fuzzer of
# $FUZZ_BUILD (build/fuzz) over its corpus, and finish with the line
# "N passed, N failed".  Exits non-zero on any failure.  SUITES="ssh"
# (say) runs only those suites, TESTS="test_faults" only those binaries.  A binary that dies
# (sanitizer report, signal, timeout) counts its unfinished tests as failed.
#
# With VALGRIND set (make valgrind: VALGRIND=valgrind, BUILD a build without
# sanitizers) every test binary runs under it, and so does every mabdesk
# process the tests start ($MABDESK_BIN is tests/valgrind.sh); no fuzzers.
# Each process logs to a file of its own; a binary whose processes logged
# any error or definite/indirect leak (tests/valgrind.supp aside) fails, and
# the logs are shown.  Time limits grow by $MABDESK_TEST_SLOW (20).
set -u
build=${1:-build/asan}
top=$(pwd)
vg=${VALGRIND:-}
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
limit=600
if [ -n "$vg" ]; then
    export MABDESK_TEST_SLOW="${MABDESK_TEST_SLOW:-20}"
    export MABDESK_VG="$vg" MABDESK_VG_EXE="$MABDESK_BIN" MABDESK_BIN="$top/tests/valgrind.sh"
    # Leaks that count: memory no pointer reaches (definite), and what only
    # such memory pointed to (indirect).  "Still reachable" at exit is not.
    export MABDESK_VG_OPTS="--error-exitcode=99 --leak-check=full \
        --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
        --num-callers=40 --gen-suppressions=all --vgdb=no --suppressions=$top/tests/valgrind.supp"
    limit=$((600 * MABDESK_TEST_SLOW))
    # Each test's logs in a directory of its own, where the unprivileged
    # user of tests/lib/unpriv.c (nobody, when run as root) may write too.
    chmod 0755 "$log"
    keep="$top/$build/valgrind-logs"
    rm -rf "$keep"
fi

# vg_findings DIR NAME: how many of the valgrind logs in DIR report an error
# or a leak; their reports go to stderr, the whole logs (with suppressions
# ready to copy) are kept in $keep/NAME.  A log with no summary is a process
# that exec'd or was killed (SIGKILL), which has nothing to report.
vg_findings() {
    n=0
    for f in "$1"/*.log; do
        [ -f "$f" ] || continue
        if grep -q 'ERROR SUMMARY: [1-9]' "$f"; then
            n=$((n + 1))
            mkdir -p "$keep/$2" && cp "$f" "$keep/$2/"
            echo "    --- valgrind: $keep/$2/$(basename "$f") ---" >&2
            sed -n 's/^==[0-9]*== \(.\)/    \1/p' "$f" |
                grep -v -e 'Copyright' -e 'Using Valgrind' -e 'a memory error detector' |
                head -n 300 >&2
        fi
    done
    echo "$n"
}

for suite in ${SUITES:-unit screen ssh}; do
    for t in "$build"/tests/$suite/${TESTS:-test_*}; do
        [ -x "$t" ] || continue
        name=$suite/$(basename "$t")
        out="$log/$(echo "$name" | tr / _).out"
        tmp=$(mktemp -d)
        start=$(date +%s)
        if [ -n "$vg" ]; then
            # The test's own forked helpers that do not exec (a child that
            # becomes nobody, or holds a lock) end with _exit() on purpose,
            # their memory unfreed: silent.  mabdesk's are not (valgrind.sh).
            vglogs="$log/vg-$(echo "$name" | tr / _)"
            mkdir -p "$vglogs" && chmod 1777 "$vglogs"
            MABDESK_VG_LOGS="$vglogs" TMPDIR="$tmp" HOME="$tmp" timeout "$limit" \
                "$vg" $MABDESK_VG_OPTS --child-silent-after-fork=yes \
                --log-file="$vglogs/test-%p.log" "$t" >"$out" 2>&1
        else
            TMPDIR="$tmp" HOME="$tmp" timeout "$limit" "$t" >"$out" 2>&1
        fi
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
        vgbad=0
        if [ -n "$vg" ]; then
            vgbad=$(vg_findings "$vglogs" "$(echo "$name" | tr / _)" 2>"$out.vg")
            vg_total=$((${vg_total:-0} + vgbad))
            [ "$vgbad" -ne 0 ] && [ "$bad" -eq 0 ] && bad=1
        fi
        passed=$((passed + ok))
        failed=$((failed + bad))
        if [ "$bad" -ne 0 ]; then
            echo "FAIL $name ($ok passed, $bad failed, exit $rc, $((end - start)) s)"
            sed 's/^/    /' "$out" | tail -n 200
            [ "$vgbad" -ne 0 ] && echo "    $vgbad process(es) with valgrind errors or leaks:" &&
                cat "$out.vg"
            failed_names="$failed_names $name"
        else
            echo "ok   $name ($ok passed, $((end - start)) s)"
        fi
    done
done

# The fuzzers (tests/fuzz, built by make test) over their committed
# corpora, once each: every input that ever mattered still runs clean.
for f in "${FUZZ_BUILD:-build/fuzz}"/fuzz_*; do
    [ -x "$f" ] && [ -z "$vg" ] || continue
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
[ -n "$vg" ] && echo "valgrind: ${vg_total:-0} process(es) with errors or leaks"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
