#!/bin/sh
# valgrind.sh ARGS: the mabdesk binary under valgrind, for make valgrind.
# tests/run.sh points $MABDESK_BIN here, so the screen and SSH tests, and
# the unit tests that run the command line, start mabdesk through it.
#
# $MABDESK_VG_EXE is the real binary, $MABDESK_VG_LOGS the directory that
# gets one log per process (mabdesk-PID.log), $MABDESK_VG_OPTS valgrind's
# options that run.sh chose.  Children are traced: "mabdesk serve" forks a
# process per connection and that one starts "mabdesk ui" (whether by exec
# or by fork, each gets a log of its own).  Programs that are not ours
# (the sendmail of a mail test, anything in /usr, /bin or /sbin) are not.
#
# Valgrind keeps files of its own in $TMPDIR, and stops when it cannot: the
# unprivileged user of tests/lib/unpriv.c cannot write to root's.
if [ ! -w "${TMPDIR:-/tmp}" ]; then
    export TMPDIR=/tmp
fi
exec "${MABDESK_VG:-valgrind}" $MABDESK_VG_OPTS --trace-children=yes \
    --trace-children-skip='/usr/*,/bin/*,/sbin/*,*sendmail*' --child-silent-after-fork=no \
    --log-file="$MABDESK_VG_LOGS/mabdesk-%p.log" "$MABDESK_VG_EXE" "$@"
