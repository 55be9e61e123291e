#!/bin/sh
# run.sh: the benchmarks behind `make bench` (called by bench/Makefile with
# N, OUT and TOP set, after the programs in $OUT are built).
#
# 1. generate N bodies as CSV (out/gen, seeded: the same data every run);
# 2. import them into a fresh database with `mabdesk import municipalities`,
#    and the same file into a plain table with `sqlite3 .import`, both timed,
#    and from there by SQL alone into mabdesk's schema (floor.sh: the floor
#    of an import, with the audit rows and the search index; the same for
#    subscribers and events below);
# 3. start-up to the first full screen at 80x24 (out/tty startup);
# 4. search-as-you-type through the pty, per key (out/tty search);
# 5. the same searches straight on db/ (out/query);
# 6. the bytes of each step, normal and lean, English and Bengali, 80x24
#    and 40x15 (out/tty bytes);
# 7. unless SUBS=0, SUBS subscribers (default 1,000,000): generated,
#    imported with `mabdesk import subscribers` against sqlite3 .import into
#    a bare table and against the same rows by SQL alone into mabdesk's
#    schema; start-up on that database against the sqlite3 shell's; search
#    keys in the Subscribers list through the pty against the bare FTS5
#    queries (fts.sh); the list's queries on db/;
# 8. unless EVENTS=0, EVENTS events (default 50,000, some repeating):
#    generated as iCalendar (gen events), imported with `mabdesk import
#    events` (and again: all unchanged) against sqlite3 .import of the
#    same rows into a plain table and by SQL into mabdesk's schema, then
#    `agenda` over 30 days, a whole
#    `export events`, and the month calendar's redraw after PgDn (the
#    next month read) and after Right (a day on, nothing read) (out/tty
#    redraw);
# 9. unless SSH=0, the SSH benchmarks (ssh.sh: mabdesk serve and OpenSSH's
#    sshd side by side, up to SSH_LOAD=500 sessions at once).
# Every figure goes to $OUT/figures.tsv (fig.sh); at the end one table is
# printed and written to bench/results/LATEST.md (committed, so that
# changes show in review; RESULTS= another file, RESULTS=- none).
# Everything generated stays in $OUT (gitignored).
# Numbers are reported, never judged, except against the bounds the issues
# state (a column of the table); nothing here fails on a slow figure.
set -eu

N=${N:-5000}
OUT=${OUT:-out}
TOP=${TOP:-..}
BIN=${BIN:-$TOP/mabdesk}
HERE=$(dirname "$0")
RESULTS=${RESULTS:-$HERE/results/LATEST.md}
STARTUP_RUNS=${STARTUP_RUNS:-20}
SEARCH_RUNS=${SEARCH_RUNS:-3}
QUERY_RUNS=${QUERY_RUNS:-50}
# Text on the first screen (the home screen's menu), the keys that reach
# the directory's search field from there, and the words typed.
READY=${READY:-Directory}
KEYS=${KEYS:-<Enter> /}
WORDS_EN="Rampur Uttar Chandragarh"
WORDS_BN="রামপুর দক্ষিণ"
# The Subscribers list is the home screen's fifth entry.
SUB_KEYS="<Down> <Down> <Down> <Down> <Enter> /"
SUB_WORDS="karim rahman.1234 রহমান"

. "$HERE/fig.sh"
bench_start "$OUT/figures.tsv"
csv=$OUT/bodies.csv
db=$OUT/bench.db
plain=$OUT/plain.db
rm -f "$db" "$db-wal" "$db-shm" "$plain"
started=$(date -u '+%Y-%m-%d %H:%M UTC')

now_ms() {
    date +%s%N | awk '{ printf "%.1f", $1 / 1000000 }'
}
elapsed() { # start end
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", b - a }'
}
# `mabdesk import WHAT CSV` into DB, its output in LOG; prints the
# milliseconds it took, and leaves its peak memory (KiB, the child's
# maximum resident set) in $OUT/peak.kib; or stops the benchmark with the
# log's head.
timed_import() { # db what csv log
    /usr/bin/python3 -c '
import resource, subprocess, sys, time
t = time.monotonic()
with open(sys.argv[1], "w") as log:
    r = subprocess.run(sys.argv[3:], stdout=log, stderr=subprocess.STDOUT)
ms = (time.monotonic() - t) * 1000
with open(sys.argv[2], "w") as f:
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=f)
print("%.0f" % ms)
sys.exit(r.returncode)' "$4" "$OUT/peak.kib" "$BIN" --db "$1" import "$2" "$3" || {
        echo "bench: import $2 failed:" >&2
        head -n 20 "$4" >&2
        exit 1
    }
}
# The time a shell command takes, in ms.
timed() {
    t0=$(now_ms)
    "$@" >/dev/null
    t1=$(now_ms)
    elapsed "$t0" "$t1"
}
# The floor of an import into mabdesk's own schema (floor.sh), in ms: the
# rows of PLAIN by SQL alone into a fresh database, removed afterwards.
timed_floor() { # kind plain
    fdb=$OUT/$1-floor.db
    rm -f "$fdb" "$fdb-wal" "$fdb-shm"
    "$BIN" --db "$fdb" find zzzzzz >/dev/null 2>&1 || true
    timed sh "$HERE/floor.sh" "$1" "$fdb" "$2"
    rm -f "$fdb" "$fdb-wal" "$fdb-shm"
}

echo "bench: generating $N bodies" >&2
t0=$(now_ms)
"$OUT/gen" "$N" "$TOP/data/districts.csv" >"$csv"
t1=$(now_ms)
gen_ms=$(elapsed "$t0" "$t1")
csv_kb=$(( $(wc -c <"$csv") / 1024 ))

echo "bench: creating and seeding the database" >&2
seed_ms=$(timed sh -c '"$0" --db "$1" find zzzzzz 2>&1 || true' "$BIN" "$db")

echo "bench: importing" >&2
import_ms=$(timed_import "$db" municipalities "$csv" "$OUT/import.log")
sqlite_ms=$(timed sqlite3 "$plain" ".import --csv $csv bodies")
floor_ms=$(timed_floor bodies "$plain")
bodies=$(sqlite3 "$db" "SELECT count(*) FROM municipality")

echo "bench: start-up, $STARTUP_RUNS runs" >&2
"$OUT/tty" startup "$STARTUP_RUNS" "$READY" -- "$BIN" --db "$db" >"$OUT/startup.txt"

echo "bench: search as you type through the terminal" >&2
"$OUT/tty" search "$SEARCH_RUNS" "$READY" "$KEYS" -- "$BIN" --db "$db" \; \
    $WORDS_EN $WORDS_BN >"$OUT/search.txt"

echo "bench: search on db/ alone" >&2
"$OUT/query" "$db" municipality "$QUERY_RUNS" $WORDS_EN $WORDS_BN >"$OUT/query.txt"

s=$OUT/startup.txt
k=$OUT/search.txt
q=$OUT/query.txt
D="directory, $N generated bodies ($bodies in the database)"
fig "$D" "generate the bodies (CSV, $csv_kb KiB)" "$gen_ms" ms
fig "$D" "first run: create + seed the database" "$seed_ms" ms
fig "$D" "mabdesk import municipalities" "$import_ms" ms "$sqlite_ms" \
    "sqlite3 .import, bare table" "ratio<=1.5"
fig "$D" "mabdesk import municipalities" "$import_ms" ms "$floor_ms" \
    "the same rows by SQL alone into mabdesk's schema (floor.sh)"
fig "$D" "start-up to the first full screen, median of $STARTUP_RUNS" "$(val "$s" startup_median_ms)" ms
fig "$D" "start-up to the first full screen, p95" "$(val "$s" startup_p95_ms)" ms
fig "$D" "first screen, bytes written" "$(val "$s" first_screen_bytes)" B
fig "$D" "search key to screen settled, median ($(val "$k" keys_measured) keys)" \
    "$(val "$k" key_median_ms)" ms
fig "$D" "search key to screen settled, p99" "$(val "$k" key_p99_ms)" ms
fig "$D" "search keys that drew nothing" "$(val "$k" keys_without_redraw)" keys
fig "$D" "bytes written per search key, median" "$(val "$k" key_bytes_median)" B
fig "$D" "db/ count + first page per key, median" "$(awk -F '\t' '$1 == "all" { print $3 }' "$q")" us
fig "$D" "db/ count + first page per key, p95" "$(awk -F '\t' '$1 == "all" { print $4 }' "$q")" us

# The bytes a remote office pays per step, normal and lean, English and
# Bengali, 80x24 and 40x15: the first screen; in the directory Down, PgDn,
# five PgDn typed ahead, a five-letter search (all its keys), Enter on the
# record found; and all of them as seconds on a 9600-baud line (960 B/s).
B="bytes per step (first / Down / PgDn / 5 PgDn typed ahead / 5-letter search / open)"
for size in "24 80" "15 40"; do
    for lang in en bn; do
        for lean in normal lean; do
            rows=${size% *}
            cols=${size#* }
            set -- "$BIN" --db "$db"
            text=Directory
            word=Rampu
            if [ $lang = bn ]; then
                set -- "$@" --lang bn
                text=নির্দেশিকা
                word=রামপু
            fi
            [ $lean = lean ] && set -- "$@" --lean
            out=$OUT/bytes-$cols-$lang-$lean.txt
            mode="${cols}x$rows $lang $lean"
            if "$OUT/tty" bytes "$rows" "$cols" "$text" "$word" -- "$@" >"$out" 2>"$out.err"; then
                all=$(awk -F '\t' '{ s += $2 } END { print s }' "$out")
                steps="$(val "$out" first_screen) / $(val "$out" move) / $(val "$out" pgdn1)"
                steps="$steps / $(val "$out" pgdn5) / $(val "$out" search) / $(val "$out" open)"
                fig "$B" "$mode" "$steps" B
                fig "$B" "$mode: all of them at 960 B/s" \
                    "$(awk -v b="$all" 'BEGIN { printf "%.1f", b / 960 }')" s
                if [ $lean = lean ]; then
                    fig "$B" "$mode: a cursor move" "$(val "$out" move)" B "" "" "value<=30"
                fi
                if [ "$mode" = "80x24 en normal" ]; then
                    fig "$B" "$mode: five PgDn typed ahead (baseline: two single PgDn)" \
                        "$(val "$out" pgdn5)" B "$(( 2 * $(val "$out" pgdn1) ))" \
                        "two single PgDn" "ratio<=1"
                fi
            else
                fig "$B" "$mode" "" "failed: $(head -n 1 "$out.err")"
            fi
        done
    done
done

SUBS=${SUBS:-1000000}
if [ "$SUBS" != 0 ]; then
    sdb=$OUT/subscribers.db
    scsv=$OUT/subscribers.csv
    rm -f "$sdb" "$sdb-wal" "$sdb-shm"
    echo "bench: generating and importing $SUBS subscribers" >&2
    "$OUT/gen" subscribers "$SUBS" >"$scsv"
    "$BIN" --db "$sdb" find zzzzzz >/dev/null 2>&1 || true
    simport_ms=$(timed_import "$sdb" subscribers "$scsv" "$OUT/subscribers-import.log")
    speak_kib=$(cat "$OUT/peak.kib")
    # The baseline: the same file into a bare table by the sqlite3 shell.
    splain=$OUT/subscribers-plain.db
    rm -f "$splain"
    splain_ms=$(timed sqlite3 "$splain" ".mode csv" ".import $scsv subscriber")
    # The floor of mabdesk's own schema (floor.sh): the same rows by SQL
    # alone, with the audit rows and the search index, in one transaction.
    sfloor_ms=$(timed_floor subscribers "$splain")
    rm -f "$splain"
    echo "bench: start-up on the subscribers' database, mabdesk and the sqlite3 shell" >&2
    "$OUT/tty" startup "$STARTUP_RUNS" "$READY" -- "$BIN" --db "$sdb" >"$OUT/sstartup.txt"
    "$OUT/tty" startup "$STARTUP_RUNS" "sqlite>" -- "$(command -v sqlite3)" -cmd \
        "SELECT count(*) FROM sqlite_schema;" "$sdb" >"$OUT/sstartup-sqlite3.txt"
    echo "bench: searching the subscribers through the terminal, on db/ and bare FTS5" >&2
    # shellcheck disable=SC2086
    "$OUT/tty" search "$SEARCH_RUNS" "$READY" "$SUB_KEYS" -- "$BIN" --db "$sdb" \; \
        $SUB_WORDS >"$OUT/ssearch.txt"
    # shellcheck disable=SC2086
    sh "$HERE/fts.sh" "$sdb" subscriber_fts "$SEARCH_RUNS" $SUB_WORDS >"$OUT/ssearch-fts.txt"
    # shellcheck disable=SC2086
    "$OUT/query" "$sdb" subscriber "$QUERY_RUNS" $SUB_WORDS >"$OUT/squery.txt"
    sq=$OUT/squery.txt
    ss=$OUT/ssearch.txt
    sf=$OUT/ssearch-fts.txt
    S="subscribers, $SUBS generated ($(sqlite3 "$sdb" "SELECT count(*) FROM subscriber") in the database)"
    fig "$S" "mabdesk import subscribers" "$simport_ms" ms "$splain_ms" \
        "sqlite3 .import, bare table" "ratio<=1.5"
    fig "$S" "mabdesk import subscribers" "$simport_ms" ms "$sfloor_ms" \
        "the same rows by SQL alone into mabdesk's schema (floor.sh)"
    fig "$S" "import, peak memory (max RSS)" "$speak_kib" KiB "" "" "value<=102400"
    fig "$S" "database file" "$(( $(wc -c <"$sdb") / 1024 ))" KiB
    fig "$S" "start-up to the first full screen, median of $STARTUP_RUNS" \
        "$(val "$OUT/sstartup.txt" startup_median_ms)" ms \
        "$(val "$OUT/sstartup-sqlite3.txt" startup_median_ms)" "the sqlite3 shell on the same file, to its prompt"
    fig "$S" "search key (Subscribers list) to screen settled, p50" "$(val "$ss" key_median_ms)" ms \
        "$(val "$sf" key_p50_ms)" "the bare FTS5 queries (count to 5,001 + first 25)"
    fig "$S" "search key to screen settled, p99 ($(val "$ss" keys_measured) keys)" \
        "$(val "$ss" key_p99_ms)" ms "$(val "$sf" key_p99_ms)" "the bare FTS5 queries, p99"
    fig "$S" "search keys that drew nothing" "$(val "$ss" keys_without_redraw)" keys
    fig "$S" "db/ list count + first page per key, median" \
        "$(awk -F '\t' '$1 == "all" { print $3 }' "$sq")" us
    fig "$S" "db/ list count + first page per key, p95" \
        "$(awk -F '\t' '$1 == "all" { print $4 }' "$sq")" us
fi

EVENTS=${EVENTS:-50000}
if [ "$EVENTS" != 0 ]; then
    edb=$OUT/events.db
    eplain=$OUT/events-plain.db
    ics=$OUT/events.ics
    ecsv=$OUT/events.csv
    rm -f "$edb" "$edb-wal" "$edb-shm" "$eplain"
    echo "bench: generating and importing $EVENTS events" >&2
    "$OUT/gen" events "$EVENTS" "$ics" "$ecsv"
    "$BIN" --db "$edb" find zzzzzz >/dev/null 2>&1 || true
    eimport_ms=$(timed_import "$edb" events "$ics" "$OUT/events-import.log")
    eagain_ms=$(timed_import "$edb" events "$ics" "$OUT/events-again.log")
    esqlite_ms=$(timed sqlite3 "$eplain" ".import --csv $ecsv events")
    efloor_ms=$(timed_floor events "$eplain")
    t0=$(now_ms)
    lines=$("$BIN" --db "$edb" agenda --from 2026-12-01 --days 30 | wc -l)
    t1=$(now_ms)
    agenda_ms=$(elapsed "$t0" "$t1")
    eexport_ms=$(timed "$BIN" --db "$edb" export events -o "$OUT/events-export.ics")
    # The month calendar (home's sixth entry): PgDn reads a month's
    # events, Right moves the cursor within the month already read.
    "$OUT/tty" redraw 12 "$READY" "<Down> <Down> <Down> <Down> <Down> <Enter>" "<PgDn>" \
        -- "$BIN" --db "$edb" >"$OUT/month-pgdn.tsv"
    "$OUT/tty" redraw 60 "$READY" "<Down> <Down> <Down> <Down> <Down> <Enter>" "<Right>" \
        -- "$BIN" --db "$edb" >"$OUT/month-right.tsv"
    E="events, $EVENTS generated ($(sqlite3 "$edb" "SELECT count(*) FROM event") in the database, $(( $(wc -c <"$ics") / 1024 )) KiB of iCalendar)"
    fig "$E" "mabdesk import events" "$eimport_ms" ms "$esqlite_ms" \
        "sqlite3 .import of the same rows, bare table" "ratio<=1.5"
    fig "$E" "mabdesk import events" "$eimport_ms" ms "$efloor_ms" \
        "the same rows by SQL alone into mabdesk's schema (floor.sh)"
    fig "$E" "the same file again (all unchanged)" "$eagain_ms" ms
    fig "$E" "mabdesk agenda, 30 days ($lines lines)" "$agenda_ms" ms
    fig "$E" "mabdesk export events (all)" "$eexport_ms" ms
    fig "$E" "month view, next month (reads it), median" "$(val "$OUT/month-pgdn.tsv" redraw_median_ms)" ms
    fig "$E" "month view, next month, p95" "$(val "$OUT/month-pgdn.tsv" redraw_p95_ms)" ms
    fig "$E" "month view, next day (from the cache), median" \
        "$(val "$OUT/month-right.tsv" redraw_median_ms)" ms
fi

if [ "${SSH:-1}" != 0 ]; then
    rm -f "$OUT/ssh-notes.txt"
    OUT=$OUT BIN=$BIN READY=$READY WORDS="$WORDS_EN $WORDS_BN" BODIES=$bodies sh "$HERE/ssh.sh"
fi

# --- the one table ------------------------------------------------------------
{
    echo "# mabdesk benchmarks"
    echo
    echo "\`make bench\` on $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo);"
    echo "started $started; mabdesk $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '?'),"
    echo "SQLite $(sqlite3 --version | awk '{ print $1 }'), $(ssh -V 2>&1 | sed 's/,.*//')."
    echo "Baselines are measured in the same run on the same data; ratio = value / baseline."
    echo "Bounds are the goals the issues state; every other figure is reported, not judged."
    echo
    fig_table
    if [ -s "$OUT/ssh-notes.txt" ]; then
        echo
        cat "$OUT/ssh-notes.txt"
    fi
} >"$OUT/LATEST.md"
cat "$OUT/LATEST.md"
if [ "$RESULTS" != - ]; then
    mkdir -p "$(dirname "$RESULTS")"
    cp "$OUT/LATEST.md" "$RESULTS"
    echo "bench: the table is in $RESULTS" >&2
fi
