#!/bin/sh
# ssh.sh: the SSH benchmarks of `make bench` (run by run.sh after its own
# table, with OUT, BIN, READY, WORDS and BODIES set).
#
# Starts, on 127.0.0.1 only, `mabdesk serve` and OpenSSH's sshd (from a
# temporary sshd_config whose ForceCommand runs the same mabdesk binary as
# the local editor session), then with the real OpenSSH client in a
# pseudo-terminal (out/ssh, see ssh.c): bytes on the wire and time from the
# TCP connection to the first full screen, bytes per list-cursor move and
# per search key, memory per session with $IDLE idle sessions open, and a
# login while $FLOOD stalled connections from as many loopback addresses
# (127.0.0.2 and up) are held (out/flood, see flood.c).
# Prints one table.  Every process started here is stopped on exit, also on
# failure or interruption.  Generated files stay in $OUT/ssh-data (gitignored).
# Numbers are reported, never judged.
set -eu

OUT=${OUT:-out}
BIN=${BIN:-../mabdesk}
READY=${READY:-Directory}
WORDS=${WORDS:-Rampur}
BODIES=${BODIES:-?}
RUNS=${SSH_RUNS:-10}
MOVES=${SSH_MOVES:-50}
IDLE=${SSH_IDLE:-100}
FLOOD=${SSH_FLOOD:-200}
# The key exchange mabdesk serve offers, for sshd's extra comparison row.
SAME_KEX=curve25519-sha256

S=$OUT/ssh-data
rm -rf "$S"
mkdir -p "$S"
S=$(cd "$S" && pwd)
DRV=$(cd "$OUT" && pwd)/ssh
FLOOD_DRV=$(cd "$OUT" && pwd)/flood
BIN=$(readlink -f "$BIN")
export MABDESK_LOCALEDIR
MABDESK_LOCALEDIR=$(readlink -f "${MABDESK_LOCALEDIR:-../build/locale}")

serve_pid=
sshd_pid=
made_run_sshd=
stop_pid() { # pid
    kill "$1" 2>/dev/null || return 0
    i=0
    while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -9 "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() {
    [ -n "$serve_pid" ] && stop_pid "$serve_pid"
    [ -n "$sshd_pid" ] && stop_pid "$sshd_pid"
    [ -n "$made_run_sshd" ] && rmdir /run/sshd 2>/dev/null
    serve_pid=
    sshd_pid=
    made_run_sshd=
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

val() { # file key
    awk -F '\t' -v k="$2" '$1 == k { print $2 }' "$1" 2>/dev/null
}
# Wait until file holds text; 1 after timeout seconds.
wait_for() { # file text seconds
    i=0
    while [ $i -lt $(($3 * 10)) ]; do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# --- the database, the account, the key ---------------------------------
# A copy of the benchmark's database (the same bodies as the tables above).
sqlite3 "$OUT/bench.db" ".backup '$S/ssh.db'"
ssh-keygen -q -t ed25519 -N '' -C mabdesk-bench -f "$S/id"
"$BIN" --db "$S/ssh.db" user add bench --role editor --key "$S/id.pub" >"$S/user.log" 2>&1

# --- mabdesk serve ---------------------------------------------------------
echo "bench: SSH: starting mabdesk serve on 127.0.0.1" >&2
for _ in 1 2 3; do
    serve_port=$("$DRV" port)
    "$BIN" --db "$S/ssh.db" serve --listen "127.0.0.1:$serve_port" --state-dir "$S/state" \
        --compression yes --log-stderr >"$S/serve.log" 2>&1 &
    serve_pid=$!
    wait_for "$S/serve.log" "listening on" 30 && break
    stop_pid "$serve_pid"
    serve_pid=
done
if [ -z "$serve_pid" ]; then
    echo "bench: mabdesk serve did not start:" >&2
    cat "$S/serve.log" >&2
    exit 1
fi

# --- OpenSSH's sshd ----------------------------------------------------------
sshd_why=
if [ "$(id -u)" != 0 ]; then
    sshd_why="sshd must run as root: run make bench as root"
    [ -x /usr/sbin/sshd ] || sshd_why="$sshd_why, after: sudo apt-get install -y openssh-server"
elif [ ! -x /usr/sbin/sshd ]; then
    echo "bench: installing openssh-server: apt-get install -y openssh-server" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y openssh-server >"$S/apt.log" 2>&1 ||
        sshd_why="apt-get install -y openssh-server failed (see $S/apt.log)"
fi
if [ -z "$sshd_why" ]; then
    echo "bench: SSH: starting OpenSSH sshd on 127.0.0.1" >&2
    if [ ! -d /run/sshd ]; then
        mkdir -m 0755 /run/sshd
        made_run_sshd=1
    fi
    ssh-keygen -q -t ed25519 -N '' -C sshd-bench -f "$S/sshd_host_ed25519_key"
    cp "$S/id.pub" "$S/authorized_keys"
    for _ in 1 2 3; do
        sshd_port=$("$DRV" port)
        cat >"$S/sshd_config" <<EOF
# Written by bench/ssh.sh for one run of make bench.
Port $sshd_port
ListenAddress 127.0.0.1
HostKey $S/sshd_host_ed25519_key
PidFile $S/sshd.pid
AuthorizedKeysFile $S/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowTcpForwarding no
AllowAgentForwarding no
X11Forwarding no
PermitTunnel no
PrintMotd no
PrintLastLog no
UseDNS no
MaxStartups 10:30:100
SetEnv LANG=C.UTF-8 MABDESK_LOCALEDIR=$MABDESK_LOCALEDIR
ForceCommand exec $BIN --db $S/ssh.db --role editor
EOF
        if ! /usr/sbin/sshd -t -f "$S/sshd_config" 2>"$S/sshd.log"; then
            sshd_why="sshd -t refused the configuration (see $S/sshd.log)"
            break
        fi
        /usr/sbin/sshd -D -f "$S/sshd_config" -E "$S/sshd.log" &
        sshd_pid=$!
        i=0
        while [ $i -lt 50 ] && ! [ -s "$S/sshd.pid" ] && kill -0 "$sshd_pid" 2>/dev/null; do
            sleep 0.1
            i=$((i + 1))
        done
        [ -s "$S/sshd.pid" ] && break
        stop_pid "$sshd_pid"
        sshd_pid=
    done
    if [ -z "$sshd_pid" ] && [ -z "$sshd_why" ]; then
        sshd_why="sshd did not start (see $S/sshd.log)"
    fi
fi
[ -n "$sshd_why" ] && echo "bench: SSH: no sshd column: $sshd_why" >&2

# --- the measurements ----------------------------------------------------------
# mabdesk serve takes 10 new connections per source address in 10 s and has
# no flag to raise that: the driver paces itself (ssh.c) and retries a
# refused connection.
echo "bench: SSH: mabdesk serve, first screen x $RUNS, $MOVES moves, search keys" >&2
# shellcheck disable=SC2086
"$DRV" wire "$serve_port" bench "$S/id" "$RUNS" "$MOVES" "$READY" "$S/mabdesk" \; $WORDS \
    >"$S/mabdesk-wire.txt"
# Compression (zlib@openssh.com, offered after authentication): the same
# with ssh -C, in English and, from a server whose sessions are Bengali, in
# Bengali with and without.  Each run counts against the 10 connections
# per 10 s of one address, so few runs, after a pause.
CRUNS=${SSH_COMP_RUNS:-3}
sleep 11
echo "bench: SSH: mabdesk serve with ssh -C, first screen x $CRUNS" >&2
# shellcheck disable=SC2086
SSH_BENCH_COMPRESS=1 "$DRV" wire "$serve_port" bench "$S/id" "$CRUNS" "$MOVES" "$READY" \
    "$S/mabdesk-C" \; $WORDS >"$S/mabdesk-C-wire.txt"
printf 'language = bn\n' >"$S/bn.conf"
bn_port=$("$DRV" port)
"$BIN" --config "$S/bn.conf" --db "$S/ssh.db" serve --listen "127.0.0.1:$bn_port" --compression yes \
    --state-dir "$S/state" --log-stderr >"$S/serve-bn.log" 2>&1 &
bn_pid=$!
if wait_for "$S/serve-bn.log" "listening on" 30; then
    sleep 11
    for c in 0 1; do
        echo "bench: SSH: mabdesk serve in Bengali, ssh -C $c, first screen x $CRUNS" >&2
        # shellcheck disable=SC2086
        SSH_BENCH_COMPRESS=$c "$DRV" wire "$bn_port" bench "$S/id" "$CRUNS" "$MOVES" \
            "${READY_BN:-নির্দেশিকা}" "$S/mabdesk-bn$c" \; ${WORDS_BN:-$WORDS} \
            >"$S/mabdesk-bn$c-wire.txt" || true
        sleep 11
    done
fi
stop_pid "$bn_pid"
if [ -z "$sshd_why" ]; then
    echo "bench: SSH: sshd, first screen x $RUNS, $MOVES moves, search keys" >&2
    # shellcheck disable=SC2086
    "$DRV" wire "$sshd_port" root "$S/id" "$RUNS" "$MOVES" "$READY" "$S/sshd" \; $WORDS \
        >"$S/sshd-wire.txt"
    echo "bench: SSH: sshd with key exchange $SAME_KEX, first screen x 5" >&2
    SSH_BENCH_KEX=$SAME_KEX "$DRV" wire "$sshd_port" root "$S/id" 5 1 "$READY" "$S/sshd-kex" \
        \; a >"$S/sshd-kex-wire.txt"
    echo "bench: SSH: sshd, $IDLE idle sessions" >&2
    "$DRV" idle "$sshd_port" root "$S/id" "$IDLE" 8 0 "$READY" "$sshd_pid" >"$S/sshd-idle.txt"
fi
echo "bench: SSH: mabdesk serve, $IDLE idle sessions (10 new connections per 10 s)" >&2
"$DRV" idle "$serve_port" bench "$S/id" "$IDLE" 10 10 "$READY" "$serve_pid" \
    >"$S/mabdesk-idle.txt"
# Last: the flood leaves the servers with logs of refusals and evictions.
# First let the idle sessions' connections leave mabdesk serve's 10 s window
# of new connections per address.
sleep 11
echo "bench: SSH: mabdesk serve, a login through $FLOOD stalled connections" >&2
"$FLOOD_DRV" "$serve_port" bench "$S/id" "$FLOOD" "$READY" >"$S/mabdesk-flood.txt" || true
if [ -z "$sshd_why" ]; then
    echo "bench: SSH: sshd, a login through $FLOOD stalled connections" >&2
    "$FLOOD_DRV" "$sshd_port" root "$S/id" "$FLOOD" "$READY" >"$S/sshd-flood.txt" || true
fi
cleanup

# --- the table -------------------------------------------------------------------
mw=$S/mabdesk-wire.txt
sw=$S/sshd-wire.txt
mi=$S/mabdesk-idle.txt
si=$S/sshd-idle.txt
sk=$S/sshd-kex-wire.txt
mf=$S/mabdesk-flood.txt
sf=$S/sshd-flood.txt
[ -n "$sshd_why" ] && sw=/dev/null si=/dev/null sk=/dev/null sf=/dev/null
na() {
    if [ -n "$1" ]; then printf '%s' "$1"; else printf 'n/a'; fi
}
row() { # label mabdesk sshd
    printf '%-52s %14s %14s\n' "$1" "$(na "$2")" "$(na "$3")"
}
per() { # file total-key
    awk -F '\t' -v k="$2" '
        $1 == "sessions_open" { n = $2 }
        $1 == k { v = $2 }
        END { if (n > 0 && v != "") printf (k == "procs" ? "%.1f" : "%.0f"), v / n }' "$1" 2>/dev/null
}
mmin_max() {
    v=$(val "$1" connect_min_ms)
    [ -n "$v" ] && printf '%s / %s' "$v" "$(val "$1" connect_max_ms)"
}
flood_login() { # flood file: "IN of TRIED, MEDIAN ms"
    v=$(val "$1" flood_logins_in)
    [ -z "$v" ] && return 0
    printf '%s of %s' "$v" "$(val "$1" flood_logins)"
    [ "$v" != 0 ] && printf ', %s' "$(val "$1" flood_login_ms)"
    return 0
}
flood_fate() { # flood file: kept open / refused / closed
    v=$(val "$1" flood_open)
    [ -n "$v" ] && printf '%s / %s / %s' "$v" "$(val "$1" flood_refused)" "$(val "$1" flood_closed)"
}
kex_of() { # client log
    awk '/kex: algorithm:/ { k = $NF }
         /kex: host key algorithm:/ { h = $NF }
         /kex: server->client cipher:/ { c = $5 }
         END { if (k != "") printf "%s, %s, %s", k, h, c }' "$1" 2>/dev/null
}

echo
echo "SSH benchmark: OpenSSH client $(ssh -V 2>&1 | awk '{ print $1 }' | sed 's/,$//'), 80x24," \
    "TERM=xterm-256color, 127.0.0.1, $BODIES bodies"
echo
row "measure" "mabdesk serve" "OpenSSH sshd"
row "----------------------------------------------------" "--------------" "--------------"
row "to the first full screen, bytes client -> server" \
    "$(val "$mw" first_up_bytes)" "$(val "$sw" first_up_bytes)"
row "to the first full screen, bytes server -> client" \
    "$(val "$mw" first_down_bytes)" "$(val "$sw" first_down_bytes)"
row "  of which the screen (terminal output)" \
    "$(val "$mw" first_term_bytes)" "$(val "$sw" first_term_bytes)"
row "per list Down, avg of $(val "$mw" move_keys), bytes client -> server" \
    "$(val "$mw" move_up_bytes)" "$(val "$sw" move_up_bytes)"
row "per list Down, bytes server -> client" \
    "$(val "$mw" move_down_bytes)" "$(val "$sw" move_down_bytes)"
row "  of which terminal output" "$(val "$mw" move_term_bytes)" "$(val "$sw" move_term_bytes)"
row "per search key, avg of $(val "$mw" search_keys), bytes client -> server" \
    "$(val "$mw" search_up_bytes)" "$(val "$sw" search_up_bytes)"
row "per search key, bytes server -> client" \
    "$(val "$mw" search_down_bytes)" "$(val "$sw" search_down_bytes)"
row "  of which terminal output" "$(val "$mw" search_term_bytes)" "$(val "$sw" search_term_bytes)"
row "TCP connect -> first full screen, median of $RUNS (ms)" \
    "$(val "$mw" connect_median_ms)" "$(val "$sw" connect_median_ms)"
row "TCP connect -> first full screen, min / max (ms)" "$(mmin_max "$mw")" "$(mmin_max "$sw")"
row "TCP connect -> first byte of the screen, median (ms)" \
    "$(val "$mw" connect_first_byte_median_ms)" "$(val "$sw" connect_first_byte_median_ms)"
row "Down -> redraw complete, median (ms)" "$(val "$mw" move_median_ms)" "$(val "$sw" move_median_ms)"
row "search key -> redraw complete, median (ms)" \
    "$(val "$mw" search_median_ms)" "$(val "$sw" search_median_ms)"
row "idle sessions open (asked $IDLE)" "$(val "$mi" sessions_open)" "$(val "$si" sessions_open)"
row "memory per idle session, PSS (KiB)" "$(per "$mi" pss_kb)" "$(per "$si" pss_kb)"
row "memory per idle session, RSS (KiB)" "$(per "$mi" rss_kb)" "$(per "$si" rss_kb)"
row "memory per idle session, private (KiB)" "$(per "$mi" priv_kb)" "$(per "$si" priv_kb)"
row "  processes per session" "$(per "$mi" procs)" "$(per "$si" procs)"
row "logins in, $FLOOD stalled connections held; median ms" \
    "$(flood_login "$mf")" "$(flood_login "$sf")"
row "  the same login without them (ms)" "$(val "$mf" login_ms)" "$(val "$sf" login_ms)"
row "  stalled connections kept / refused / closed" "$(flood_fate "$mf")" "$(flood_fate "$sf")"
echo
echo "Notes:"
echo "- sshd's sessions run, by ForceCommand, the same mabdesk binary as the local editor"
echo "  session (mabdesk --db DB --role editor), which draws the same screens: \`mabdesk ui\`"
echo "  cannot run under sshd, it is mabdesk serve's UI template, and the UIs it forks take"
echo "  their identity only from mabdesk serve's session processes.  sshd: temporary"
echo "  sshd_config, own Ed25519 host key, UsePAM no, key login as root (for root, sshd"
echo "  keeps no separate unprivileged child per session)."
echo "- Bytes: TCP payload both ways, counted by a relay on 127.0.0.1 between ssh and the"
echo "  server (IP/TCP headers not counted).  The first screen counts from the TCP connection:"
echo "  key exchange and authentication included.  Medians over the runs; per move and per"
echo "  key: averages, each key waited for until the terminal was quiet for 60 ms; times to"
echo "  the last byte of the redraw on the client's terminal.  Connection times move in steps"
echo "  of about 40 ms (delayed TCP acknowledgements during the handshake): see min / max."
echo "- Negotiated (kex, host key, cipher):"
echo "    mabdesk serve: $(na "$(kex_of "$S/mabdesk-client.log")")"
if [ -z "$sshd_why" ]; then
    echo "    sshd:          $(na "$(kex_of "$S/sshd-client.log")")"
    echo "  sshd with KexAlgorithms $SAME_KEX (as mabdesk serve), median of 5: first screen"
    echo "  $(na "$(val "$sk" first_up_bytes)") B client -> server," \
        "$(na "$(val "$sk" first_down_bytes)") B server -> client," \
        "$(na "$(val "$sk" connect_median_ms)") ms."
else
    echo "- No sshd column: $sshd_why."
fi
echo "- Stalled flood: $FLOOD TCP connections from 127.0.0.2 and up that never send a byte,"
echo "  all opened before the logins and held through them (out/flood); a login is the same"
echo "  ssh -tt to the first full screen, from 127.0.0.1, 30 s at most, tried 5 times one"
echo "  after the other; ms to the first full screen from the start of ssh.  mabdesk serve lets"
echo "  100 log in at once and closes the oldest still before its key exchange to make room;"
echo "  sshd (MaxStartups 10:30:100) drops new connections at random from 10 and all at 100."
echo "- Memory: PSS, RSS and private (Private_Clean + Private_Dirty) of every process below"
echo "  the listener (/proc/PID/smaps_rollup), summed, divided by the open sessions; mabdesk"
echo "  serve's UI template, one for all its sessions, counted in.  Not counted: the listener"
printf '  (mabdesk serve %s KiB PSS' "$(na "$(val "$mi" listener_pss_kb)")"
[ -z "$sshd_why" ] && printf ', sshd %s KiB PSS' "$(na "$(val "$si" listener_pss_kb)")"
echo ") and the ssh clients."
echo "- Limits: mabdesk serve takes 10 new connections per source in 10 s and has no flag to"
echo "  raise it: its $IDLE sessions were opened 10 at a time, a batch per 10.3 s, in" \
    "$(na "$(val "$mi" open_seconds)") s"
printf '  (%s refused and retried)' "$(na "$(val "$mi" sessions_failed)")"
[ -z "$sshd_why" ] && printf '; sshd: 8 at a time (MaxStartups 10:30:100), in %s s' \
    "$(na "$(val "$si" open_seconds)")"
echo "."
echo
echo "memory per process kind, average over the processes of that kind (KiB):"
printf '  %-14s %-34s %5s %7s %7s %7s\n' "server" "process" "count" "PSS" "RSS" "private"
for f in "$mi" "$si"; do
    [ -s "$f" ] || continue
    name="mabdesk serve"
    [ "$f" = "$si" ] && name="OpenSSH sshd"
    awk -F '\t' -v n="$name" '$1 == "proc" {
        printf "  %-14s %-34s %5s %7s %7s %7s\n", n, $2, $3, $4, $5, $6 }' "$f"
done

echo
echo "compression (zlib@openssh.com, ssh -C), mabdesk serve, bytes server -> client:"
printf '  %-10s %-6s %14s %14s %14s\n' "language" "ssh" "first screen" "list Down" "search key"
for f in "$mw:English:plain" "$S/mabdesk-C-wire.txt:English:-C" \
    "$S/mabdesk-bn0-wire.txt:Bengali:plain" "$S/mabdesk-bn1-wire.txt:Bengali:-C"; do
    file=${f%%:*}
    rest=${f#*:}
    printf '  %-10s %-6s %14s %14s %14s\n' "${rest%%:*}" "${rest#*:}" \
        "$(na "$(val "$file" first_down_bytes)")" "$(na "$(val "$file" move_down_bytes)")" \
        "$(na "$(val "$file" search_down_bytes)")"
done
