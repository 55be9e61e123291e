#!/bin/sh
# check_layers.sh [DIR]: part of make test.  Fails when a layer reaches
# above itself (DESIGN.md: widgets know nothing above them; layers that do
# not reach around each other), printing each offending line:
#   src/ui/            never includes app.h or a screens/ header, never
#                      calls or declares app_*(): a widget returns what
#                      happened;
#   src/app.c          never includes a screens/ header: it is handed the
#                      screens it opens (struct app_options);
#   src/db/, src/ssh/  never include curses or a widget header.
# A plain grep of #include lines: keep the rules above true directly and
# the headers they include will not break them.
set -u
cd "${1:-.}" || exit 2
bad=0

# file:line of every match of the extended regex re in the files, marked
# with why it is wrong.
flag() {
    why=$1
    re=$2
    shift 2
    hits=$(grep -HnE "$re" "$@" 2>/dev/null) || return 0
    printf '%s\n' "$hits" | sed "s|\$|    <- $why|"
    bad=1
}

inc='^[[:space:]]*#[[:space:]]*include[[:space:]]*'
screens_h=$(cd screens && ls *.h | sed 's/\./\\./g' | paste -sd '|' -)
screens_inc="$inc\"(screens/)?($screens_h)\""

flag "a widget includes the application" "$inc\"app\\.h\"" src/ui/*.c src/ui/*.h
flag "a widget includes a screen" "$screens_inc" src/ui/*.c src/ui/*.h
flag "a widget calls the application" '(^|[^A-Za-z0-9_])app_[a-z_]+\(' src/ui/*.c
# Declarations only: a comment in a header may name app_push().
flag "a widget header declares the application" '^[^[:space:]/*].*[^A-Za-z0-9_]app_[a-z_]+\(' \
    src/ui/*.h
flag "the application names a screen (app_run is handed them)" "$screens_inc" src/app.c
flag "db/ draws on the terminal" "$inc(<[^>]*curses[^>]*>|\"ui/)" src/db/*.c src/db/*.h
flag "ssh/ draws on the terminal" "$inc(<[^>]*curses[^>]*>|\"ui/)" src/ssh/*.c src/ssh/*.h

if [ "$bad" -ne 0 ]; then
    echo "check_layers: a layer reaches above itself (see DESIGN.md, Layout)" >&2
    exit 1
fi
