#!/bin/sh
# install-deps.sh: make sure every Debian package needed to build and test
# mabdesk is installed.  Quiet and quick when nothing is missing; as root it
# installs what is missing with apt-get; as anyone else it prints the exact
# apt-get line and fails.
#
#   sh packaging/install-deps.sh          check, install if root
#   sh packaging/install-deps.sh --print  print the package list
set -eu

PACKAGES="build-essential pkg-config gettext
libncurses-dev libsqlite3-dev libutf8proc-dev libssh-dev libcrypt-dev
libsystemd-dev libinih-dev libvterm-dev libcmocka-dev libcsv-dev libical-dev
python3 python3-icalendar
openssh-client sqlite3 ssh-audit clang-format ncurses-term valgrind
clang libclang-rt-14-dev
dpkg-dev debhelper lintian"

# pkg-config module, command, header or file -> package that provides it.
# file: an exact path (the mail tests run Debian's /usr/bin/python3, not
# whichever python3 comes first on PATH; the terminal tests need putty's
# terminfo, which is in ncurses-term -- vt52, ansi, xterm-mono and
# tmux-256color are in ncurses-base, which every Debian system has).
# deb: an installed Debian package (libFuzzer's runtime, for the fuzzers
# make test runs over their corpora, has no command or pkg-config file).
CHECKS="pc:ncursesw:libncurses-dev pc:sqlite3:libsqlite3-dev pc:libutf8proc:libutf8proc-dev
pc:libssh:libssh-dev pc:libcrypt:libcrypt-dev pc:libsystemd:libsystemd-dev pc:inih:libinih-dev
pc:vterm:libvterm-dev pc:cmocka:libcmocka-dev hdr:csv.h:libcsv-dev pc:libical:libical-dev
cmd:cc:build-essential cmd:make:build-essential cmd:pkg-config:pkg-config
cmd:msgfmt:gettext cmd:xgettext:gettext cmd:ssh:openssh-client cmd:ssh-keygen:openssh-client
cmd:sqlite3:sqlite3 cmd:ssh-audit:ssh-audit cmd:clang-format:clang-format
cmd:dpkg-buildpackage:dpkg-dev cmd:dh:debhelper cmd:lintian:lintian
file:/usr/bin/python3:python3 py:icalendar:python3-icalendar
file:/usr/share/terminfo/p/putty:ncurses-term
cmd:clang:clang deb:libclang-rt-14-dev:libclang-rt-14-dev cmd:valgrind:valgrind"

if [ "${1:-}" = "--print" ]; then
    echo $PACKAGES
    exit 0
fi

missing=""
for c in $CHECKS; do
    kind=${c%%:*}; rest=${c#*:}; what=${rest%%:*}; pkg=${rest#*:}
    case $kind in
    pc) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$what" && continue ;;
    cmd) command -v "$what" >/dev/null 2>&1 && continue ;;
    hdr) [ -f "/usr/include/$what" ] && continue ;;
    file) [ -e "$what" ] && continue ;;
    deb) dpkg-query -W -f='${Status}' "$what" 2>/dev/null | grep -q ' installed$' && continue ;;
    # Debian's python3, not whichever python3 comes first on PATH.
    py) /usr/bin/python3 -c "import $what" >/dev/null 2>&1 && continue ;;
    esac
    case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "mabdesk: missing packages:$missing" >&2
    echo "run as root: apt-get install -y$missing" >&2
    exit 1
fi

echo "mabdesk: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends $missing >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y --no-install-recommends $missing
fi
