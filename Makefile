# mabdesk: plain make, pkg-config for every library.
#
#   make            build ./mabdesk (installs missing Debian packages when root)
#   make run        build and start the TUI on the default database
#   make test       AddressSanitizer + UBSan build, every suite, "N passed, N failed"
#   make valgrind   a plain debug build, every suite (not the fuzzers) under valgrind,
#                   mabdesk's own processes too; fails on any error or leak (slow)
#   make bench      benchmarks (not part of make test)
#   make fuzz       build the libFuzzer targets (clang) and run each for
#                   FUZZ_SECONDS (default 60) on a copy of its corpus
#   make install    PREFIX=/usr/local DESTDIR= (binary, catalogue, man pages,
#                   config file, systemd units, sysusers.d and tmpfiles.d)
#   make deb        mabdesk_VERSION_ARCH.deb with dpkg-buildpackage (packaging/debian/)
#   make format     clang-format every source file

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LOCALEDIR ?= $(PREFIX)/share/locale
MANDIR ?= $(PREFIX)/share/man
# /etc/mabdesk/mabdesk.conf is where mabdesk looks, whatever the PREFIX.
SYSCONFDIR ?= /etc
# systemd reads units, sysusers.d and tmpfiles.d from /usr/local/lib as well.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
DESTDIR ?=
VERSION := 0.1.0

CC ?= cc
BUILD ?= build
PKGS := ncursesw sqlite3 libutf8proc libssh libcrypt libsystemd inih libical
TEST_PKGS := cmocka vterm

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wwrite-strings -Wpointer-arith -Wno-unused-parameter
# Warnings are errors in CI and in every test build.
ifneq ($(CI),)
WERROR := -Werror
endif

CFLAGS ?= -O2 -g
# Recursively expanded on purpose: pkg-config runs after "deps" installed it.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
# libcsv ships no pkg-config file.
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lcsv
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(WERROR) $(PKG_CFLAGS) \
	-Isrc -Iscreens -DMABDESK_VERSION='"$(VERSION)"' \
	$(SAN) $(CFLAGS) $(CPPFLAGS)
ALL_LDFLAGS = $(SAN) $(LDFLAGS)

SRCS := $(filter-out src/main.c,$(wildcard src/*.c src/db/*.c src/ui/*.c src/fmt/*.c \
	src/ssh/*.c src/kinds/*.c screens/*.c))
OBJS := $(SRCS:%.c=$(BUILD)/%.o) $(BUILD)/src/seed_blob.o
LIB := $(BUILD)/libmabdesk.a
SEED := $(wildcard data/*.csv data/*.md)

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/test_*.c))
SCREEN_TESTS := $(patsubst tests/screen/%.c,$(BUILD)/tests/screen/%,$(wildcard tests/screen/test_*.c))
SSH_TESTS := $(patsubst tests/ssh/%.c,$(BUILD)/tests/ssh/%,$(wildcard tests/ssh/test_*.c))
TESTLIB_SRCS := $(wildcard tests/lib/*.c)
TESTLIB_OBJS := $(TESTLIB_SRCS:%.c=$(BUILD)/%.o)

MO := $(BUILD)/locale/bn/LC_MESSAGES/mabdesk.mo

.PHONY: all run test test-build valgrind check-format check-layers deps install uninstall clean bench fuzz format pot \
	deb

all: mabdesk

# The Debian package build sets INSTALL_DEPS=: (its Build-Depends are
# installed already, and it must not reach the network).
INSTALL_DEPS ?= sh packaging/install-deps.sh
deps:
	@$(INSTALL_DEPS)

mabdesk: $(BUILD)/mabdesk
	cp $< $@

$(BUILD)/mabdesk: $(BUILD)/src/main.o $(LIB) $(MO) | deps
	$(CC) $(ALL_LDFLAGS) -o $@ $(BUILD)/src/main.o $(LIB) $(PKG_LIBS)

$(LIB): $(OBJS)
	rm -f $@
	ar rcs $@ $^

# Only i18n.c knows where catalogues are installed; it is rebuilt when
# PREFIX or LOCALEDIR change, so "make install PREFIX=/usr" finds its .mo.
$(BUILD)/src/i18n.o: $(BUILD)/localedir
$(BUILD)/src/i18n.o: ALL_CFLAGS += -DLOCALEDIR='"$(LOCALEDIR)"'
$(BUILD)/localedir: FORCE
	@mkdir -p $(@D)
	@echo '$(LOCALEDIR)' | cmp -s - $@ || echo '$(LOCALEDIR)' > $@

.PHONY: FORCE
FORCE:

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The seed data is compiled into the binary (see src/seed.h).
$(BUILD)/src/seed_blob.o: src/seed_blob.S $(SEED)
	@mkdir -p $(@D)
	$(CC) $(SAN) -c -o $@ src/seed_blob.S

$(MO): locale/bn.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ locale/bn.po

run: mabdesk
	./mabdesk

# --- tests -----------------------------------------------------------------
# make test runs a separate sanitizer build so the plain ./mabdesk stays fast.
TEST_BUILD ?= build/asan
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

test: deps check-format check-layers
	@$(MAKE) --no-print-directory BUILD=$(TEST_BUILD) SAN="$(SANFLAGS)" CFLAGS="-O1 -g" \
		WERROR=-Werror test-build
	@$(MAKE) --no-print-directory -s -C tests/fuzz >/dev/null
	@sh tests/run.sh $(TEST_BUILD)

# The whole suite under valgrind, on its own build without sanitizers (they
# do not mix).  Time limits of the test library are multiplied by
# MABDESK_TEST_SLOW; run.sh reports each process's errors and leaks.
VG_BUILD ?= build/vg
VALGRIND ?= valgrind
MABDESK_TEST_SLOW ?= 20
valgrind: deps
	@$(MAKE) --no-print-directory BUILD=$(VG_BUILD) SAN= CFLAGS="-O1 -g" WERROR=-Werror test-build
	@VALGRIND=$(VALGRIND) MABDESK_TEST_SLOW=$(MABDESK_TEST_SLOW) sh tests/run.sh $(VG_BUILD)

test-build: $(BUILD)/mabdesk $(UNIT_TESTS) $(SCREEN_TESTS) $(SSH_TESTS)

TEST_CFLAGS = $(shell pkg-config --cflags $(TEST_PKGS)) -Itests/lib
TEST_LIBS = $(shell pkg-config --libs $(TEST_PKGS)) -lutil

$(BUILD)/tests/%.o: tests/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Wno-missing-prototypes -MMD -MP -c -o $@ $<

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(TESTLIB_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)

$(BUILD)/tests/screen/%: $(BUILD)/tests/screen/%.o $(TESTLIB_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)

$(BUILD)/tests/ssh/%: $(BUILD)/tests/ssh/%.o $(TESTLIB_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)

.PRECIOUS: $(BUILD)/tests/%.o

# --- the rest ----------------------------------------------------------------
bench: mabdesk
	@$(MAKE) --no-print-directory -C bench

fuzz:
	@$(MAKE) --no-print-directory -C tests/fuzz run

pot:
	xgettext --from-code=UTF-8 -k_ -kN_ -o locale/mabdesk.pot --package-name=mabdesk \
		--package-version=$(VERSION) $$(git ls-files '*.c' '*.h')
	msgmerge --update --backup=none locale/bn.po locale/mabdesk.pot

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

# Part of make test: every C file as .clang-format wants it.
check-format:
	@clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h' 2>/dev/null || \
		find src screens tests bench -name '*.c' -o -name '*.h')

# Part of make test: widgets, app, db/ and ssh/ include nothing above them.
check-layers:
	@sh tests/check_layers.sh

MAN1 := $(wildcard packaging/*.1)
MAN5 := $(wildcard packaging/*.5)
UNITS := mabdesk-serve.service mabdesk-kiosk@.service

# The units are written from their templates with the real BINDIR.  An
# existing configuration file is the administrator's: never overwritten.
install: mabdesk
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LOCALEDIR)/bn/LC_MESSAGES $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(SYSCONFDIR)/mabdesk $(DESTDIR)$(SYSTEMDUNITDIR) \
		$(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	install -m 0755 mabdesk $(DESTDIR)$(BINDIR)/mabdesk
	install -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	$(if $(MAN5),install -d $(DESTDIR)$(MANDIR)/man5 && \
		install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/)
	install -m 0644 $(MO) $(DESTDIR)$(LOCALEDIR)/bn/LC_MESSAGES/mabdesk.mo
	[ -e $(DESTDIR)$(SYSCONFDIR)/mabdesk/mabdesk.conf ] || \
		install -m 0644 packaging/mabdesk.conf $(DESTDIR)$(SYSCONFDIR)/mabdesk/mabdesk.conf
	for u in $(UNITS); do \
		sed 's|@BINDIR@|$(BINDIR)|g' packaging/$$u.in > $(DESTDIR)$(SYSTEMDUNITDIR)/$$u.tmp && \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u.tmp && \
		mv $(DESTDIR)$(SYSTEMDUNITDIR)/$$u.tmp $(DESTDIR)$(SYSTEMDUNITDIR)/$$u || exit 1; \
	done
	install -m 0644 packaging/mabdesk.sysusers $(DESTDIR)$(SYSUSERSDIR)/mabdesk.conf
	install -m 0644 packaging/mabdesk.tmpfiles $(DESTDIR)$(TMPFILESDIR)/mabdesk.conf

# The configuration file stays, as it may hold the administrator's changes.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mabdesk $(DESTDIR)$(LOCALEDIR)/bn/LC_MESSAGES/mabdesk.mo \
		$(MAN1:packaging/%=$(DESTDIR)$(MANDIR)/man1/%) \
		$(MAN5:packaging/%=$(DESTDIR)$(MANDIR)/man5/%) \
		$(UNITS:%=$(DESTDIR)$(SYSTEMDUNITDIR)/%) \
		$(DESTDIR)$(SYSUSERSDIR)/mabdesk.conf $(DESTDIR)$(TMPFILESDIR)/mabdesk.conf

# --- Debian package ------------------------------------------------------------
# A copy of the tracked files (as they are in the work tree), with
# packaging/debian/ as debian/, built by dpkg-buildpackage without network;
# the .deb lands here.  DEB_VERSION=X adds a changelog entry for version X
# first (an upgrade test, a local rebuild).
DEB_TOP := $(BUILD)/deb
DEB_SRC := $(DEB_TOP)/mabdesk
deb:
	rm -rf $(DEB_TOP)
	mkdir -p $(DEB_SRC)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z -c -o --exclude-standard | xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
			tar --null -T - -cf - | tar -C $(DEB_SRC) -xf -; \
	else \
		tar --exclude=./build --exclude=./mabdesk --exclude='./*.deb' -cf - . | tar -C $(DEB_SRC) -xf -; \
	fi
	mv $(DEB_SRC)/packaging/debian $(DEB_SRC)/debian
	if [ -n "$(DEB_VERSION)" ]; then \
		{ printf 'mabdesk (%s) unstable; urgency=medium\n\n  * Local build %s.\n\n -- %s  %s\n\n' \
			'$(DEB_VERSION)' '$(DEB_VERSION)' \
			"$$(sed -n 's/^ -- \(.*>\)  .*/\1/p' $(DEB_SRC)/debian/changelog | head -n 1)" \
			"$$(date -R)"; cat $(DEB_SRC)/debian/changelog; } > $(DEB_SRC)/debian/changelog.new && \
		mv $(DEB_SRC)/debian/changelog.new $(DEB_SRC)/debian/changelog; \
	fi
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc
	cp $(DEB_TOP)/mabdesk_*.deb .
	@ls -1 $(DEB_TOP)/mabdesk_*.deb | sed 's|.*/||'

clean:
	rm -rf build mabdesk mabdesk_*.deb

# (Not the package build's copy of the tree, nor directories such as sysusers.d.)
-include $(shell find $(BUILD) -path $(DEB_TOP) -prune -o -name '*.d' -type f -print 2>/dev/null)
