#!/bin/sh
# faults.sh: kill -9 the importer at random moments of a big import, KILLS
# times (`make -C bench faults`; OUT, TOP, BIN and FIGS set by the Makefile).
#
# The file: SUBS generated subscribers (default 1,000,000).  First one whole
# import, timed, gives the span; then each round copies the freshly created
# database, starts `mabdesk import subscribers`, sends SIGKILL after a
# random moment in 0 .. 1.05 x the span (so that some rounds land after the
# commit), and checks the database: PRAGMA integrity_check says "ok", and
# it holds none of the rows or all of them.  The moments come from a seeded
# sequence (SEED): the same run every time.
# Adds its figures to $FIGS and prints them as one table (fig.sh), also
# written to results/FAULTS.md unless RESULTS=-.  Anything else than "ok"
# and none-or-all is a broken bound in that table, and the exit status is 1.
set -eu
OUT=${OUT:-out}
TOP=${TOP:-..}
BIN=${BIN:-$TOP/mabdesk}
HERE=$(dirname "$0")
SUBS=${SUBS:-1000000}
KILLS=${KILLS:-100}
SEED=${SEED:-12}
RESULTS=${RESULTS:-$HERE/results/FAULTS.md}
export MABDESK_LOCALEDIR="${MABDESK_LOCALEDIR:-${BUILD:-$TOP/build}/locale}"
unset MABDESK_DB LANGUAGE LC_ALL LC_MESSAGES || true
export LANG=C.UTF-8
mkdir -p "$OUT"
export FIGS="$OUT/faults.tsv"
: >"$FIGS"
. "$HERE/fig.sh"

csv=$OUT/faults.csv
empty=$OUT/faults-empty.db
db=$OUT/faults.db
log=$OUT/faults.log
rm -f "$empty" "$empty-wal" "$empty-shm"
echo "faults: generating $SUBS subscribers" >&2
"$OUT/gen" subscribers "$SUBS" >"$csv"
"$BIN" --db "$empty" find zzzzzz >/dev/null 2>&1 || true
sqlite3 "$empty" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null

fresh() {
    rm -f "$db" "$db-wal" "$db-shm"
    cp "$empty" "$db"
}
now_ms() {
    date +%s%N | awk '{ printf "%.0f", $1 / 1000000 }'
}

fresh
t0=$(now_ms)
"$BIN" --db "$db" import subscribers "$csv" >"$log" 2>&1
span=$(($(now_ms) - t0))
echo "faults: one whole import takes $span ms; $KILLS kills follow" >&2

ok=0 none=0 all=0 bad=0 first_bad=
r=0
while [ $r -lt "$KILLS" ]; do
    r=$((r + 1))
    # The round's moment: a linear congruential sequence from SEED.
    at=$(awk -v s="$SEED" -v r="$r" -v span="$span" 'BEGIN {
        x = s; for (i = 0; i < r; i++) x = (x * 1103515245 + 12345) % 2147483648
        printf "%.3f", (x / 2147483648) * span * 1.05 / 1000 }')
    fresh
    "$BIN" --db "$db" import subscribers "$csv" >"$log" 2>&1 &
    pid=$!
    sleep "$at"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    check=$(sqlite3 "$db" "PRAGMA integrity_check" 2>&1 | head -n 3 | tr '\n' ' ')
    rows=$(sqlite3 "$db" "SELECT count(*) FROM subscriber" 2>&1)
    audit=$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE record_kind = 'subscriber'" 2>&1)
    fts=$(sqlite3 "$db" "SELECT count(*) FROM subscriber_fts" 2>&1)
    state="bad"
    if [ "$check" = "ok " ] && [ "$rows" = "$audit" ] && [ "$rows" = "$fts" ]; then
        case $rows in
        0) state=none none=$((none + 1)) ;;
        "$SUBS") state=all all=$((all + 1)) ;;
        esac
    fi
    if [ "$state" = bad ]; then
        bad=$((bad + 1))
        [ -z "$first_bad" ] && first_bad="round $r at $at s: $check rows $rows audit $audit fts $fts"
    else
        ok=$((ok + 1))
    fi
    echo "faults: round $r: killed at $at s: $state ($rows rows, integrity $check)" >&2
done
rm -f "$db" "$db-wal" "$db-shm" "$csv"

F="kill -9 during an import of $SUBS subscribers, $KILLS times (one whole import: $span ms)"
fig "$F" "rounds: integrity_check ok and none or all of the rows (search index, audit too)" \
    "$ok" rounds "$KILLS" "rounds run"
fig "$F" "rounds that broke either" "$bad" rounds "" "" "value<=0"
fig "$F" "rounds killed before the commit: none of the rows" "$none" rounds
fig "$F" "rounds killed after the commit: all of the rows" "$all" rounds
[ -n "$first_bad" ] && fig "$F" "the first broken round" "" "$first_bad"
{
    echo "# mabdesk fault runs"
    echo
    echo "\`make -C bench faults\` on $(uname -srm), $(nproc) cores;" \
        "mabdesk $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '?')."
    echo
    fig_table
} >"$OUT/FAULTS.md"
cat "$OUT/FAULTS.md"
[ "$RESULTS" != - ] && cp "$OUT/FAULTS.md" "$RESULTS"
[ "$bad" -eq 0 ]
