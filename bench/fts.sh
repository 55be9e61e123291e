#!/bin/sh
# fts.sh DB TABLE RUNS WORD...: the baseline of the search-as-you-type
# figures: for every prefix of each WORD (one code point more each time, as
# typed), the bare FTS5 queries a list needs per key: the matches counted
# up to 5,001 and the first 25 rowids, by the same MATCH text mabdesk
# builds ("prefix"*), each key RUNS times, on a fresh connection per word.
# Run through Python's sqlite3 module, which is the same libsqlite3 as the
# sqlite3 shell (its .timer shows whole milliseconds only, too coarse).
# Prints "key_p50_ms<TAB>X" and "key_p99_ms<TAB>Y" over every key and run.
# Reports; never judges.
set -eu
exec /usr/bin/python3 - "$@" <<'EOF'
import sqlite3, sys, time

db, table, runs, words = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
count = f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT 5001)"
page = f"SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT 25"
times = []
for word in words:
    con = sqlite3.connect(db)
    for i in range(1, len(word) + 1):
        q = '"' + word[:i].replace('"', '""') + '"*'
        for _ in range(runs):
            t = time.perf_counter_ns()
            con.execute(count, (q,)).fetchall()
            con.execute(page, (q,)).fetchall()
            times.append(time.perf_counter_ns() - t)
    con.close()
times.sort()
n = len(times)
print("keys_measured\t%d" % n)
print("key_p50_ms\t%.2f" % (times[(n - 1) * 50 // 100] / 1e6))
print("key_p99_ms\t%.2f" % (times[(n - 1) * 99 // 100] / 1e6))
EOF
