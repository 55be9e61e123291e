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
# Rounds FROM..KILLS (default 1..100) run JOBS at a time (default 1), each
# on its own copy; SPAN=ms skips the timing import.  Each round is a line
# of $OUT/faults-rounds.log, and the table counts every line there (a run
# in parts appends to it; FROM=1 starts it afresh; TABLE_ONLY=1 only
# counts).  Prints the table (fig.sh), also written to results/FAULTS.md
# unless RESULTS=-.  Anything else than "ok"
# and none-or-all is a broken bound in that table, and the exit status is 1.
set -eu
OUT=${OUT:-out}
TOP=${TOP:-..}
BIN=${BIN:-$TOP/mabdesk}
HERE=$(dirname "$0")
SUBS=${SUBS:-1000000}
KILLS=${KILLS:-100}
FROM=${FROM:-1}
JOBS=${JOBS:-1}
SEED=${SEED:-12}
RESULTS=${RESULTS:-$HERE/results/FAULTS.md}
. "$HERE/fig.sh"
bench_start "$OUT/faults.tsv"

csv=$OUT/faults.csv
empty=$OUT/faults-empty.db
rounds=$OUT/faults-rounds.log
now_ms() {
    date +%s%N | awk '{ printf "%.0f", $1 / 1000000 }'
}
fresh() { # db
    rm -f "$1" "$1-wal" "$1-shm"
    cp "$empty" "$1"
}

# One round: kill the import at its moment, then look at what is left.
round() { # r db
    r=$1
    db=$2
    # The round's moment: a linear congruential sequence from SEED.
    at=$(awk -v s="$SEED" -v r="$r" -v span="$SPAN" 'BEGIN {
        x = s; for (i = 0; i < r; i++) x = (x * 1103515245 + 12345) % 2147483648
        printf "%.3f", (x / 2147483648) * span * 1.05 / 1000 }')
    fresh "$db"
    "$BIN" --db "$db" import subscribers "$csv" >"$db.log" 2>&1 &
    pid=$!
    sleep "$at"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    check=$(sqlite3 "$db" "PRAGMA integrity_check" 2>&1 | head -n 3 | tr '\n' ' ')
    rows=$(sqlite3 "$db" "SELECT count(*) FROM subscriber" 2>&1)
    audit=$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE record_kind = 'subscriber'" 2>&1)
    fts=$(sqlite3 "$db" "SELECT count(*) FROM subscriber_fts" 2>&1)
    state=bad
    if [ "$check" = "ok " ] && [ "$rows" = "$audit" ] && [ "$rows" = "$fts" ]; then
        case $rows in
        0) state=none ;;
        "$SUBS") state=all ;;
        esac
    fi
    line="faults: round $r: killed at $at s: $state ($rows rows, audit $audit, index $fts, integrity $check)"
    echo "$line" >&2
    echo "$line" >>"$rounds"
}

if [ "${TABLE_ONLY:-0}" = 0 ]; then
    rm -f "$empty" "$empty-wal" "$empty-shm"
    [ "$FROM" = 1 ] && : >"$rounds"
    echo "faults: generating $SUBS subscribers" >&2
    "${GEN:-$OUT/gen}" subscribers "$SUBS" >"$csv"
    "$BIN" --db "$empty" find zzzzzz >/dev/null 2>&1 || true
    sqlite3 "$empty" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    if [ -z "${SPAN:-}" ]; then
        fresh "$OUT/faults-0.db"
        t0=$(now_ms)
        "$BIN" --db "$OUT/faults-0.db" import subscribers "$csv" >/dev/null 2>&1
        SPAN=$(($(now_ms) - t0))
    fi
    echo "faults: one whole import takes $SPAN ms; rounds $FROM to $KILLS, $JOBS at a time" >&2
    echo "faults: span $SPAN ms" >>"$rounds"
    j=0
    while [ $j -lt "$JOBS" ]; do
        (
            r=$((FROM + j))
            while [ $r -le "$KILLS" ]; do
                round $r "$OUT/faults-$((j + 1)).db"
                r=$((r + JOBS))
            done
        ) &
        j=$((j + 1))
    done
    wait
    j=0
    while [ $j -le "$JOBS" ]; do
        rm -f "$OUT/faults-$j.db" "$OUT/faults-$j.db-wal" "$OUT/faults-$j.db-shm" "$OUT/faults-$j.db.log"
        j=$((j + 1))
    done
    rm -f "$csv"
fi

count() { # state
    grep -c "^faults: round [0-9]*: killed at [0-9.]* s: $1 " "$rounds" || true
}
done_rounds=$(grep -c '^faults: round ' "$rounds" || true)
none=$(count none)
all=$(count all)
bad=$(count bad)
ok=$((none + all))
span=$(awk '$2 == "span" { print $3 }' "$rounds" | tail -n 1)
first_bad=$(grep -m 1 "^faults: round [0-9]*: killed at [0-9.]* s: bad " "$rounds" || true)

F="kill -9 during an import of $SUBS subscribers, $done_rounds times (one whole import: $span ms)"
fig "$F" "rounds: integrity_check ok and none or all of the rows (search index, audit too)" \
    "$ok" rounds "$done_rounds" "rounds run"
fig "$F" "rounds that broke either" "$bad" rounds "" "" "value<=0"
fig "$F" "rounds killed before the commit: none of the rows" "$none" rounds
fig "$F" "rounds killed after the commit: all of the rows" "$all" rounds
[ -n "$first_bad" ] && fig "$F" "the first broken round" "" "$first_bad"
{
    echo "# mabdesk fault runs"
    echo
    echo "\`make -C bench faults\` on $(uname -srm), $(nproc) cores;" \
        "mabdesk $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '?')."
    echo "Each round: a fresh database, \`mabdesk import subscribers\` of the generated file,"
    echo "SIGKILL after a moment from a seeded sequence over 0 .. 1.05 x one whole import,"
    echo "then PRAGMA integrity_check and the rows, audit rows and search index counted."
    echo
    fig_table
} >"$OUT/FAULTS.md"
cat "$OUT/FAULTS.md"
[ "$RESULTS" != - ] && cp "$OUT/FAULTS.md" "$RESULTS"
[ "$bad" -eq 0 ]
