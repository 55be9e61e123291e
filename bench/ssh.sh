#!/bin/sh
# ssh.sh: the SSH benchmarks of `make bench` (run by run.sh with OUT, BIN,
# READY, WORDS, BODIES and FIGS set).
#
# Starts, on 127.0.0.1 only, `mabdesk serve` and OpenSSH's sshd (from a
# temporary sshd_config whose ForceCommand runs the same mabdesk binary as
# the local editor session), then with the real OpenSSH client in a
# pseudo-terminal (out/ssh, see ssh.c): bytes on the wire and time from the
# TCP connection to the first full screen, bytes per list-cursor move and
# per search key (with and without compression); $LOAD sessions at once
# (SSH_LOAD, default 500), $TYPING of them typing for $HOLD s: memory per
# session and keystroke times; with SOAK=seconds, the same held that long
# with the server's memory sampled each minute; and a login while $FLOOD
# stalled connections from as many loopback addresses (127.0.0.2 and up)
# are held, and one right after $CHURN connections from 250 loopback
# addresses came and went (out/flood, see flood.c).
# Adds its figures to $FIGS (fig.sh) and its notes to $OUT/ssh-notes.txt.
# Every process started here is stopped on exit, also on failure or
# interruption.  Generated files stay in $OUT/ssh-data (gitignored).
set -eu
. "$(dirname "$0")/fig.sh"

OUT=${OUT:-out}
BIN=${BIN:-../mabdesk}
READY=${READY:-Directory}
WORDS=${WORDS:-Rampur}
BODIES=${BODIES:-?}
RUNS=${SSH_RUNS:-10}
MOVES=${SSH_MOVES:-50}
LOAD=${SSH_LOAD:-500}
TYPING=${SSH_TYPING:-100}
HOLD=${SSH_HOLD:-60}
SOAK=${SOAK:-0}
FLOOD=${SSH_FLOOD:-200}
CHURN=${SSH_CHURN:-10000}
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
load_pid=
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
    [ -n "$load_pid" ] && stop_pid "$load_pid"
    [ -n "$sshd_pid" ] && stop_pid "$sshd_pid"
    [ -n "$made_run_sshd" ] && rmdir /run/sshd 2>/dev/null
    serve_pid=
    sshd_pid=
    load_pid=
    made_run_sshd=
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

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
    echo "bench: SSH: sshd, $LOAD sessions, $TYPING typing, $HOLD s" >&2
    "$DRV" idle "$sshd_port" root "$S/id" "$LOAD" 8 0 "$READY" "$sshd_pid" "$TYPING" "$HOLD" 0 \
        >"$S/sshd-idle.txt"
fi
# $LOAD sessions at once, $TYPING of them typing, held $HOLD s: a server of
# its own, whose limits let that many in from one address at once.
printf 'max_sessions = %d\nper_source_max = %d\n' $((LOAD + 50)) $((LOAD + 50)) >"$S/load.conf"
start_load_serve() {
    load_port=$("$DRV" port)
    "$BIN" --config "$S/load.conf" --db "$S/ssh.db" serve --listen "127.0.0.1:$load_port" \
        --state-dir "$S/state" --log-stderr >"$S/serve-load.log" 2>&1 &
    load_pid=$!
    wait_for "$S/serve-load.log" "listening on" 30
}
echo "bench: SSH: mabdesk serve, $LOAD sessions, $TYPING typing, $HOLD s" >&2
if start_load_serve; then
    "$DRV" idle "$load_port" bench "$S/id" "$LOAD" 25 0 "$READY" "$load_pid" "$TYPING" "$HOLD" 0 \
        >"$S/mabdesk-idle.txt"
fi
stop_pid "$load_pid"
load_pid=
if [ "$SOAK" != 0 ]; then
    echo "bench: SSH: soak: mabdesk serve, $LOAD sessions, $TYPING typing, $SOAK s" >&2
    if start_load_serve; then
        "$DRV" idle "$load_port" bench "$S/id" "$LOAD" 25 0 "$READY" "$load_pid" "$TYPING" "$SOAK" 60 \
            >"$S/mabdesk-soak.txt"
        kill -0 "$load_pid" 2>/dev/null && echo "alive	1" >>"$S/mabdesk-soak.txt"
    fi
    stop_pid "$load_pid"
    load_pid=
fi
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
echo "bench: SSH: mabdesk serve, a login right after $CHURN connections came and went" >&2
"$FLOOD_DRV" churn "$serve_port" bench "$S/id" "$CHURN" "$READY" >"$S/mabdesk-churn.txt" || true
if [ -z "$sshd_why" ]; then
    echo "bench: SSH: sshd, a login right after $CHURN connections came and went" >&2
    "$FLOOD_DRV" churn "$sshd_port" root "$S/id" "$CHURN" "$READY" >"$S/sshd-churn.txt" || true
fi
cleanup

# --- the figures (fig.sh) -----------------------------------------------------------
mw=$S/mabdesk-wire.txt
sw=$S/sshd-wire.txt
mi=$S/mabdesk-idle.txt
si=$S/sshd-idle.txt
sk=$S/sshd-kex-wire.txt
mf=$S/mabdesk-flood.txt
sf=$S/sshd-flood.txt
mc=$S/mabdesk-churn.txt
sc=$S/sshd-churn.txt
[ -n "$sshd_why" ] && sw=/dev/null si=/dev/null sk=/dev/null sf=/dev/null sc=/dev/null
per() { # file total-key
    awk -F '\t' -v k="$2" '
        $1 == "sessions_open" { n = $2 }
        $1 == k { v = $2 }
        END { if (n > 0 && v != "") printf (k == "procs" ? "%.1f" : "%.0f"), v / n }' "$1" 2>/dev/null
}
kind() { # file label-part: PSS of that process kind
    awk -F '\t' -v l="$2" '$1 == "proc" && index($2, l) { print $4; exit }' "$1" 2>/dev/null
}
kex_of() { # client log
    awk '/kex: algorithm:/ { k = $NF }
         /kex: host key algorithm:/ { h = $NF }
         /kex: server->client cipher:/ { c = $5 }
         END { if (k != "") printf "%s, %s, %s", k, h, c }' "$1" 2>/dev/null
}
# mabdesk serve against OpenSSH's sshd running the same UI (ForceCommand).
sshfig() { # figure mabdesk-file sshd-file key unit [bound]
    fig "$SEC" "$1" "$(val "$2" "$4")" "$5" "$(val "$3" "$4")" "sshd + ForceCommand" "${6:-}"
}
SEC="SSH, one session at a time (OpenSSH client, 80x24, 127.0.0.1, $BODIES bodies)"
sshfig "to the first full screen, bytes client -> server" "$mw" "$sw" first_up_bytes B
sshfig "to the first full screen, bytes server -> client" "$mw" "$sw" first_down_bytes B
sshfig "per list Down, bytes server -> client" "$mw" "$sw" move_down_bytes B
sshfig "per search key, bytes server -> client" "$mw" "$sw" search_down_bytes B
sshfig "TCP connect to the first full screen, median of $RUNS" "$mw" "$sw" connect_median_ms ms
sshfig "Down to redraw complete, median" "$mw" "$sw" move_median_ms ms
sshfig "search key to redraw complete, median" "$mw" "$sw" search_median_ms ms
for lang in English Bengali; do
    if [ $lang = English ]; then plain=$mw comp=$S/mabdesk-C-wire.txt; else
        plain=$S/mabdesk-bn0-wire.txt comp=$S/mabdesk-bn1-wire.txt
    fi
    for what in "first screen:first_down_bytes" "list Down:move_down_bytes" \
        "search key:search_down_bytes"; do
        fig "$SEC" "$lang, ${what%%:*}, with ssh -C (zlib), bytes server -> client" \
            "$(val "$comp" "${what#*:}")" B "$(val "$plain" "${what#*:}")" "the same without -C"
    done
done
SEC="SSH, $LOAD sessions at once, $TYPING of them typing, held $HOLD s"
fig "$SEC" "sessions open (asked $LOAD)" "$(val "$mi" sessions_open)" sessions \
    "$(val "$si" sessions_open)" "sshd + ForceCommand"
fig "$SEC" "memory per session, PSS (every process below the listener)" "$(per "$mi" pss_kb)" KiB \
    "$(per "$si" pss_kb)" "sshd + ForceCommand" "ratio<=0.5"
fig "$SEC" "memory per session, private" "$(per "$mi" priv_kb)" KiB "$(per "$si" priv_kb)" \
    "sshd + ForceCommand"
fig "$SEC" "  session process, PSS" "$(kind "$mi" "session process")" KiB
fig "$SEC" "  the application (UI), PSS" "$(kind "$mi" "the application")" KiB
fig "$SEC" "  the UI template (one for all sessions, counted in), PSS" "$(kind "$mi" "UI template")" KiB
fig "$SEC" "  listener, PSS (not in the per-session figures)" "$(val "$mi" listener_pss_kb)" KiB \
    "$(val "$si" listener_pss_kb)" "sshd's listener"
sshfig "keystroke to its screen update, p50" "$mi" "$si" key_p50_ms ms
sshfig "keystroke to its screen update, p99 ($(val "$mi" keys_measured) keys)" "$mi" "$si" key_p99_ms ms
fig "$SEC" "keys with no redraw within 5 s" "$(val "$mi" keys_without_redraw)" keys
fig "$SEC" "sessions lost while held" "$(val "$mi" sessions_lost)" sessions
fig "$SEC" "time to open them all" "$(val "$mi" open_seconds)" s "$(val "$si" open_seconds)" \
    "sshd + ForceCommand (8 at a time: MaxStartups)"
if [ "$SOAK" != 0 ]; then
    so=$S/mabdesk-soak.txt
    SEC="SSH soak: $LOAD sessions, $TYPING typing, $SOAK s"
    up=$(val "$so" alive)
    fig "$SEC" "server down at the end (0: up)" "$((1 - ${up:-0}))" "" "" "" "value<=0"
    fig "$SEC" "sessions lost" "$(val "$so" sessions_lost)" sessions
    fig "$SEC" "keys typed" "$(val "$so" keys_measured)" keys
    fig "$SEC" "keystroke to its screen update, p99" "$(val "$so" key_p99_ms)" ms
    fig "$SEC" "listener RSS at the end" "$(val "$so" listener_rss_last_kb)" KiB \
        "$(val "$so" listener_rss_first_kb)" "at the start" "ratio<=1.05"
    fig "$SEC" "all the server's processes, PSS at the end" "$(val "$so" server_pss_last_kb)" KiB \
        "$(val "$so" server_pss_first_kb)" "at the start" "ratio<=1.05"
fi
SEC="SSH, a login through $FLOOD stalled connections held open"
fig "$SEC" "logins that got in (of $(val "$mf" flood_logins))" "$(val "$mf" flood_logins_in)" logins \
    "$(val "$sf" flood_logins_in)" "sshd + ForceCommand"
sshfig "login to the first full screen through them, median" "$mf" "$sf" flood_login_ms ms
sshfig "the same login without them" "$mf" "$sf" login_ms ms
SEC="SSH, a login right after $CHURN connections came and went (pre-auth flood)"
sshfig "login to the first full screen right after them" "$mc" "$sc" churn_login_ms ms
sshfig "the $CHURN connections (half sending garbage) took" "$mc" "$sc" churn_s s

{
    echo "SSH notes:"
    echo "- sshd's sessions run, by ForceCommand, the same mabdesk binary as the local editor"
    echo "  session; sshd: temporary sshd_config, own Ed25519 host key, UsePAM no, key login as root."
    echo "- Bytes: TCP payload both ways, counted by a relay on 127.0.0.1; the first screen counts"
    echo "  from the TCP connection (key exchange and authentication included)."
    echo "- Negotiated (kex, host key, cipher): mabdesk serve $(kex_of "$S/mabdesk-client.log");" \
        "sshd $(kex_of "$S/sshd-client.log")."
    [ -n "$sshd_why" ] && echo "- No sshd figures: $sshd_why."
    echo "- Memory: PSS and private (Private_Clean + Private_Dirty) of every process below the"
    echo "  listener (/proc/PID/smaps_rollup), summed, divided by the open sessions; mabdesk"
    echo "  serve's UI template (one for all its sessions, forking each session's UI) counted in."
    echo "- $LOAD sessions: mabdesk serve with max_sessions and per_source_max raised to let them"
    echo "  in from 127.0.0.1 (25 at a time); sshd 8 at a time (MaxStartups 10:30:100). Typing:"
    echo "  Down / Up about twice a second per session, one key in flight; its time is to the last"
    echo "  byte of its redraw. Stalled flood: TCP connections from 127.0.0.2 and up that never"
    echo "  send a byte, held through five logins one after the other."
} >"$OUT/ssh-notes.txt"
