# mabdesk: plain make, pkg-config for every library.
#
#   make            build ./mabdesk (installs missing Debian packages when root)
#   make run        build and start the TUI on the default database
#   make test       AddressSanitizer + UBSan build, every suite, "N passed, N failed"
#   make bench      benchmarks (not part of make test)
#   make fuzz       build the libFuzzer targets (clang)
#   make install    PREFIX=/usr/local DESTDIR=
#   make format     clang-format every source file

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LOCALEDIR ?= $(PREFIX)/share/locale
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
VERSION := 0.1.0

CC ?= cc
BUILD ?= build
PKGS := ncursesw sqlite3 libutf8proc libssh libcrypt inih
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

.PHONY: all run test test-build check-format check-layers deps install uninstall clean bench fuzz format pot

all: mabdesk

deps:
	@sh packaging/install-deps.sh

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
	@sh tests/run.sh $(TEST_BUILD)

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
	@$(MAKE) --no-print-directory -C tests/fuzz

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

install: mabdesk
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LOCALEDIR)/bn/LC_MESSAGES $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5
	install -m 0755 mabdesk $(DESTDIR)$(BINDIR)/mabdesk
	install -m 0644 packaging/mabdesk.1 $(DESTDIR)$(MANDIR)/man1/mabdesk.1
	install -m 0644 packaging/mabdesk.conf.5 $(DESTDIR)$(MANDIR)/man5/mabdesk.conf.5
	install -m 0644 $(MO) $(DESTDIR)$(LOCALEDIR)/bn/LC_MESSAGES/mabdesk.mo

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mabdesk $(DESTDIR)$(LOCALEDIR)/bn/LC_MESSAGES/mabdesk.mo \
		$(DESTDIR)$(MANDIR)/man1/mabdesk.1 $(DESTDIR)$(MANDIR)/man5/mabdesk.conf.5

clean:
	rm -rf build mabdesk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
