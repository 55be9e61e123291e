# fig.sh: the one table of `make bench` (sourced by run.sh and ssh.sh).
#
# Every measurement is one line of $FIGS (tab-separated):
#   section, figure, value, unit, baseline value, baseline (what it is), bound
# written by fig(); fig_table prints them all as one Markdown table with
# the ratio value / baseline.  A bound ("<= 1.5x", "<= 100 MiB" ...) is a
# goal an issue states: the table says "met" or "NOT met"; every other
# figure is reported, never judged.

# The environment every benchmark runs mabdesk in (the build's catalogue,
# none of the developer's database or language), $OUT, and $FIGS emptied.
bench_start() { # figures-file
    export MABDESK_LOCALEDIR="${MABDESK_LOCALEDIR:-${BUILD:-$TOP/build}/locale}"
    unset MABDESK_DB LANGUAGE LC_ALL LC_MESSAGES || true
    export LANG=C.UTF-8
    mkdir -p "$OUT"
    export FIGS="$1"
    : >"$FIGS"
}

# fig SECTION FIGURE VALUE UNIT [BASELINE_VALUE BASELINE_WHAT [BOUND]]
# BOUND: "ratio<=X" (value / baseline at most X) or "value<=X" (the value
# itself at most X, in its unit).
fig() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "${3:-}" "$4" "${5:-}" "${6:-}" "${7:-}" \
        >>"$FIGS"
}

# A value from a "name<TAB>value" file (empty when missing).
val() { # file key
    awk -F '\t' -v k="$2" '$1 == k { print $2 }' "$1" 2>/dev/null
}

fig_table() {
    awk -F '\t' '
        function num(s) { return s ~ /^-?[0-9]+(\.[0-9]+)?$/ }
        function judge(bound, v, r,    op, x) {
            if (bound == "") return ""
            split(bound, op, "<=")
            x = op[2] + 0
            if (op[1] == "ratio") return r == "" ? "? (no ratio)" : (r + 0 <= x ? "met" : "**NOT met**")
            if (!num(v)) return "? (no value)"
            return v + 0 <= x ? "met" : "**NOT met**"
        }
        function bshow(bound,    op) {
            if (bound == "") return ""
            split(bound, op, "<=")
            return (op[1] == "ratio" ? "ratio" : "value") " <= " op[2]
        }
        BEGIN {
            print "| figure | value | unit | baseline, same run | baseline | ratio | bound |"
            print "|---|--:|---|---|--:|--:|---|"
        }
        {
            if ($1 != section) {
                section = $1
                printf "| **%s** | | | | | | |\n", section
            }
            v = $3 == "" ? "n/a" : $3
            r = ""
            if (num($3) && num($5) && $5 + 0 > 0)
                r = sprintf($3 / $5 >= 10 ? "%.0fx" : "%.2fx", $3 / $5)
            j = judge($7, $3, r == "" ? "" : substr(r, 1, length(r) - 1))
            printf "| %s | %s | %s | %s | %s | %s | %s |\n", $2, v, $4, $6, $5, r, \
                ($7 == "" ? "" : bshow($7) ": " j)
        }' "$FIGS"
}
