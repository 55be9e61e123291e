#!/bin/sh
# run.sh: the benchmarks behind `make bench` (called by bench/Makefile with
# N, OUT and TOP set, after the programs in $OUT are built).
#
# 1. generate N bodies as CSV (out/gen);
# 2. import them into a fresh database with `mabdesk import municipalities`,
#    and the same file into a plain table with `sqlite3 .import`, both timed;
# 3. start-up to the first full screen at 80x24 (out/tty startup);
# 4. search-as-you-type through the pty, per key (out/tty search);
# 5. the same searches straight on db/ (out/query);
# 6. the bytes of each step, normal and lean, English and Bengali, 80x24
#    and 40x15 (out/tty bytes);
# 7. unless SUBS=0, SUBS subscribers (default 1,000,000): generated,
#    imported with `mabdesk import subscribers`, and searched on db/ as
#    the Subscribers list does per key;
# 7. unless EVENTS=0, EVENTS events (default 50,000, some repeating):
#    generated as iCalendar (events.awk), imported with `mabdesk import
#    events` (and again: all unchanged) against sqlite3 .import of the
#    same rows into a plain table, then `agenda` over 30 days, a whole
#    `export events`, and the month calendar's redraw after PgDn (the
#    next month read) and after Right (a day on, nothing read) (out/tty
#    redraw);
# then print one table; then, unless SSH=0, the SSH benchmarks (ssh.sh:
# mabdesk serve and OpenSSH's sshd side by side) print a second one.
# Everything generated stays in $OUT (gitignored).
# Numbers are reported, never judged: nothing here fails on a slow figure.
set -eu

N=${N:-5000}
OUT=${OUT:-out}
TOP=${TOP:-..}
BIN=${BIN:-$TOP/mabdesk}
STARTUP_RUNS=${STARTUP_RUNS:-20}
SEARCH_RUNS=${SEARCH_RUNS:-3}
QUERY_RUNS=${QUERY_RUNS:-50}
# Text on the first screen (the home screen's menu), the keys that reach
# the directory's search field from there, and the words typed.
READY=${READY:-Directory}
KEYS=${KEYS:-<Enter> /}
WORDS_EN="Rampur Uttar Chandragarh"
WORDS_BN="রামপুর দক্ষিণ"

export MABDESK_LOCALEDIR="${MABDESK_LOCALEDIR:-${BUILD:-$TOP/build}/locale}"
unset MABDESK_DB LANGUAGE LC_ALL LC_MESSAGES || true
export LANG=C.UTF-8

mkdir -p "$OUT"
csv=$OUT/bodies.csv
db=$OUT/bench.db
plain=$OUT/plain.db
rm -f "$db" "$db-wal" "$db-shm" "$plain"

now_ms() {
    date +%s%N | awk '{ printf "%.1f", $1 / 1000000 }'
}
elapsed() { # start end
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", b - a }'
}
val() { # file key
    awk -F '\t' -v k="$2" '$1 == k { print $2 }' "$1"
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

echo "bench: generating $N bodies" >&2
t0=$(now_ms)
"$OUT/gen" "$N" "$TOP/data/districts.csv" >"$csv"
t1=$(now_ms)
gen_ms=$(elapsed "$t0" "$t1")
csv_kb=$(( $(wc -c <"$csv") / 1024 ))

echo "bench: creating and seeding the database" >&2
t0=$(now_ms)
"$BIN" --db "$db" find zzzzzz >/dev/null 2>&1 || true
t1=$(now_ms)
seed_ms=$(elapsed "$t0" "$t1")

echo "bench: importing" >&2
import_ms=$(timed_import "$db" municipalities "$csv" "$OUT/import.log")

t0=$(now_ms)
sqlite3 "$plain" ".import --csv $csv bodies"
t1=$(now_ms)
sqlite_ms=$(elapsed "$t0" "$t1")
bodies=$(sqlite3 "$db" "SELECT count(*) FROM municipality" 2>/dev/null ||
    sqlite3 "$db" "SELECT count(*) FROM municipalities" 2>/dev/null || echo "?")

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
echo
echo "mabdesk benchmark: $N generated bodies ($bodies in the database), terminal 80x24"
echo
printf '%-52s %14s\n' "measure" "result"
printf '%-52s %14s\n' "----------------------------------------------------" "--------------"
printf '%-52s %11s ms\n' "generate $N bodies (CSV, $csv_kb KiB)" "$gen_ms"
printf '%-52s %11s ms\n' "first run: create + seed the database" "$seed_ms"
printf '%-52s %11s ms\n' "mabdesk import municipalities ($N rows)" "$import_ms"
printf '%-52s %11s ms\n' "sqlite3 .import of the same CSV (plain table)" "$sqlite_ms"
printf '%-52s %12s x\n' "import time / sqlite3 .import time" \
    "$(awk -v a="$import_ms" -v b="$sqlite_ms" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "?" }')"
printf '%-52s %11s ms\n' "start-up to first full screen, median of $STARTUP_RUNS" "$(val "$s" startup_median_ms)"
printf '%-52s %11s ms\n' "start-up to first full screen, p95" "$(val "$s" startup_p95_ms)"
printf '%-52s %8s bytes\n' "first screen, bytes written" "$(val "$s" first_screen_bytes)"
printf '%-52s %11s ms\n' "search key -> screen settled, median ($(val "$k" keys_measured) keys)" "$(val "$k" key_median_ms)"
printf '%-52s %11s ms\n' "search key -> screen settled, p95" "$(val "$k" key_p95_ms)"
printf '%-52s %11s ms\n' "search key -> screen settled, max" "$(val "$k" key_max_ms)"
printf '%-52s %8s bytes\n' "bytes written per search key, median" "$(val "$k" key_bytes_median)"
printf '%-52s %8s bytes\n' "bytes written per search key, p95" "$(val "$k" key_bytes_p95)"
printf '%-52s %14s\n' "search keys that drew nothing" "$(val "$k" keys_without_redraw)"
printf '%-52s %11s us\n' "db_muni_count + db_muni_page, median (all prefixes)" \
    "$(awk -F '\t' '$1 == "all" { print $3 }' "$q")"
printf '%-52s %11s us\n' "db_muni_count + db_muni_page, p95" \
    "$(awk -F '\t' '$1 == "all" { print $4 }' "$q")"
echo
echo "per prefix, db/ only (median of $QUERY_RUNS runs):"
printf '  %8s %10s %10s   %s\n' "matches" "median us" "p95 us" "typed"
awk -F '\t' '$1 != "all" { printf "  %8s %10s %10s   %s\n", $2, $3, $4, $1 }' "$q"

# The bytes a remote office pays per step (tty bytes), normal and lean,
# English and Bengali, 80x24 and 40x15, and those bytes as seconds on a
# 9600-baud line (960 B/s) and at 1,200 B/s.
echo
echo "bytes written per step (first screen; in the directory: Down, PgDn, five PgDn"
echo "typed ahead, a five-letter search (all its keys), Enter on the record found):"
printf '  %-22s %7s %6s %6s %6s %7s %6s  %s\n' "mode" "first" "Down" "PgDn" "5xPgDn" "search" \
    "open" "s at 960 B/s / 1200 B/s (all)"
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
            if "$OUT/tty" bytes "$rows" "$cols" "$text" "$word" -- "$@" >"$out" 2>"$out.err"; then
                all=$(awk -F '\t' '{ s += $2 } END { print s }' "$out")
                printf '  %-22s %7s %6s %6s %6s %7s %6s  %.2f / %.2f\n' \
                    "${cols}x$rows $lang $lean" "$(val "$out" first_screen)" "$(val "$out" move)" \
                    "$(val "$out" pgdn1)" "$(val "$out" pgdn5)" "$(val "$out" search)" \
                    "$(val "$out" open)" "$(awk -v b="$all" 'BEGIN { print b / 960 }')" \
                    "$(awk -v b="$all" 'BEGIN { print b / 1200 }')"
            else
                printf '  %-22s %s\n' "${cols}x$rows $lang $lean" "failed: $(head -n 1 "$out.err")"
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
    t0=$(now_ms)
    sqlite3 "$splain" ".mode csv" ".import $scsv subscriber"
    t1=$(now_ms)
    splain_ms=$(elapsed "$t0" "$t1")
    # The floor of mabdesk's own schema: the same rows inserted by SQL
    # alone, with the audit rows and the search index, in one transaction.
    sfloor=$OUT/subscribers-floor.db
    rm -f "$sfloor" "$sfloor-wal" "$sfloor-shm"
    "$BIN" --db "$sfloor" find zzzzzz >/dev/null 2>&1 || true
    t0=$(now_ms)
    sqlite3 "$sfloor" "ATTACH '$splain' AS p" "PRAGMA cache_size = -32768" "BEGIN" \
        "INSERT INTO search_defer VALUES (1)" \
        "INSERT INTO subscriber(email, name, municipality_id, lang, status, consent_how,
            consent_by, confirm_token, unsubscribe_token, updated_by)
         SELECT email, name, nullif(municipality, ''), lang, 'pending', 'import', 'bench',
            printf('%08x', unixepoch()) || lower(hex(randomblob(16))),
            printf('%08x', unixepoch()) || lower(hex(randomblob(16))), 'bench'
         FROM p.subscriber" \
        "INSERT INTO audit(at, user, action, record_kind, record_id, after)
         SELECT updated_at, 'bench', 'import', 'subscriber', id,
            json_object('email', email, 'name', name, 'lang', lang, 'status', status)
         FROM subscriber" \
        "INSERT INTO subscriber_fts(rowid, email, name) SELECT id, email, coalesce(name, '')
         FROM subscriber" \
        "DELETE FROM search_defer" "COMMIT" >/dev/null
    t1=$(now_ms)
    sfloor_ms=$(elapsed "$t0" "$t1")
    rm -f "$splain" "$sfloor" "$sfloor-wal" "$sfloor-shm"
    echo "bench: searching the subscribers on db/" >&2
    "$OUT/query" "$sdb" subscriber "$QUERY_RUNS" karim rahman.1234 রহমান >"$OUT/squery.txt"
    sq=$OUT/squery.txt
    echo
    echo "subscribers: $SUBS generated ($(sqlite3 "$sdb" "SELECT count(*) FROM subscriber") in the database)"
    echo
    printf '%-52s %11s ms\n' "mabdesk import subscribers ($SUBS rows)" "$simport_ms"
    printf '%-52s %11s ms  (mabdesk %sx)\n' "  sqlite3 .import, bare table (baseline)" "$splain_ms" \
        "$(awk -v a="$simport_ms" -v b="$splain_ms" 'BEGIN { printf "%.1f", a / (b > 0 ? b : 1) }')"
    printf '%-52s %11s ms  (mabdesk %sx)\n' "  SQL alone into mabdesk's schema (floor)" "$sfloor_ms" \
        "$(awk -v a="$simport_ms" -v b="$sfloor_ms" 'BEGIN { printf "%.1f", a / (b > 0 ? b : 1) }')"
    printf '%-52s %8s KiB\n' "import peak memory (max RSS)" "$speak_kib"
    printf '%-52s %8s KiB\n' "database file" "$(( $(wc -c <"$sdb") / 1024 ))"
    printf '%-52s %11s us\n' "list count + first page per key, median" \
        "$(awk -F '\t' '$1 == "all" { print $3 }' "$sq")"
    printf '%-52s %11s us\n' "list count + first page per key, p95" \
        "$(awk -F '\t' '$1 == "all" { print $4 }' "$sq")"
    printf '  %8s %10s %10s   %s\n' "matches" "median us" "p95 us" "typed"
    awk -F '\t' '$1 != "all" { printf "  %8s %10s %10s   %s\n", $2, $3, $4, $1 }' "$sq"
fi

EVENTS=${EVENTS:-50000}
if [ "$EVENTS" != 0 ]; then
    edb=$OUT/events.db
    eplain=$OUT/events-plain.db
    ics=$OUT/events.ics
    ecsv=$OUT/events.csv
    rm -f "$edb" "$edb-wal" "$edb-shm" "$eplain"
    echo "bench: generating and importing $EVENTS events" >&2
    awk -v n="$EVENTS" -v ics="$ics" -v csv="$ecsv" -f "$(dirname "$0")/events.awk"
    "$BIN" --db "$edb" find zzzzzz >/dev/null 2>&1 || true
    eimport_ms=$(timed_import "$edb" events "$ics" "$OUT/events-import.log")
    eagain_ms=$(timed_import "$edb" events "$ics" "$OUT/events-again.log")
    t0=$(now_ms)
    sqlite3 "$eplain" ".import --csv $ecsv events"
    t1=$(now_ms)
    esqlite_ms=$(elapsed "$t0" "$t1")
    t0=$(now_ms)
    lines=$("$BIN" --db "$edb" agenda --from 2026-12-01 --days 30 | wc -l)
    t1=$(now_ms)
    agenda_ms=$(elapsed "$t0" "$t1")
    t0=$(now_ms)
    "$BIN" --db "$edb" export events -o "$OUT/events-export.ics"
    t1=$(now_ms)
    eexport_ms=$(elapsed "$t0" "$t1")
    # The month calendar (home's sixth entry): PgDn reads a month's
    # events, Right moves the cursor within the month already read.
    "$OUT/tty" redraw 12 "$READY" "<Down> <Down> <Down> <Down> <Down> <Enter>" "<PgDn>" \
        -- "$BIN" --db "$edb" >"$OUT/month-pgdn.tsv"
    "$OUT/tty" redraw 60 "$READY" "<Down> <Down> <Down> <Down> <Down> <Enter>" "<Right>" \
        -- "$BIN" --db "$edb" >"$OUT/month-right.tsv"
    echo
    echo "events: $EVENTS generated ($(sqlite3 "$edb" "SELECT count(*) FROM event") in the database," \
        "$(( $(wc -c <"$ics") / 1024 )) KiB of iCalendar)"
    echo
    printf '%-52s %11s ms\n' "mabdesk import events ($EVENTS events)" "$eimport_ms"
    printf '%-52s %11s ms\n' "the same file again (all unchanged)" "$eagain_ms"
    printf '%-52s %11s ms\n' "sqlite3 .import of the same rows (plain table)" "$esqlite_ms"
    printf '%-52s %12s x\n' "import time / sqlite3 .import time" \
        "$(awk -v a="$eimport_ms" -v b="$esqlite_ms" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "?" }')"
    printf '%-52s %11s ms\n' "mabdesk agenda, 30 days ($lines occurrences)" "$agenda_ms"
    printf '%-52s %11s ms\n' "mabdesk export events (all)" "$eexport_ms"
    printf '%-52s %11s ms\n' "month view, next month (reads it), median" \
        "$(val "$OUT/month-pgdn.tsv" redraw_median_ms)"
    printf '%-52s %11s ms\n' "month view, next month, p95" "$(val "$OUT/month-pgdn.tsv" redraw_p95_ms)"
    printf '%-52s %11s ms\n' "month view, next day (from the cache), median" \
        "$(val "$OUT/month-right.tsv" redraw_median_ms)"
fi

if [ "${SSH:-1}" != 0 ]; then
    OUT=$OUT BIN=$BIN READY=$READY WORDS="$WORDS_EN $WORDS_BN" BODIES=$bodies sh "$(dirname "$0")/ssh.sh"
fi
