# authtxt: build, test, install.  `make run` opens the TUI on an example,
# `make check` runs every test.  Plain `make` installs the missing Debian
# packages the build needs (and only those); `make check` and the test
# targets also install the ones the tests need.  CC, CFLAGS, CPPFLAGS,
# LDFLAGS and LDLIBS given on the command line are added to the project's
# own flags, never replace them.

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions

CC      ?= cc
BUILD   ?= build
SAN     ?=
WERROR  ?= -Werror

WARN    = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          -Wformat=2 -Wvla -Wno-format-nonliteral
STD     = -std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600
OPT     ?= -O2 -g
ifeq ($(SAN),1)
OPT     = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
endif

PKG_CORE = libcrypto
PKG_CLI  = jansson
PKG_TUI  = ncursesw formw menuw panelw
PKG_NET  = libcares libcurl libpsl libidn2
PKG_ALL  = $(PKG_CORE) $(PKG_CLI) $(PKG_TUI) $(PKG_NET)
# What the program links: libcurl is compiled against (its headers) but
# opened with dlopen on the first --doh (src/net/curl_lib.h says why).
PKG_LINK = $(filter-out libcurl,$(PKG_ALL))

pc_cflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pc_libs   = $(shell pkg-config --libs $(1) 2>/dev/null)

CFLAGS  ?=
CPPFLAGS ?=
LDFLAGS ?=
LDLIBS  ?=
# The project's flags first, the user's after them (so theirs win where
# they conflict, and a command-line CPPFLAGS cannot drop -Iinclude).
ALL_CPPFLAGS = -Iinclude -I$(BUILD) $(CPPFLAGS)
ALL_CFLAGS = $(STD) $(WARN) $(WERROR) $(OPT) $(ALL_CPPFLAGS) $(CFLAGS)

# Debian packages the build needs (`make`), and those only the tests, the
# TUI tests, the DNS tests and CI's checks need (`make check`).
DEB_BUILD_PACKAGES = build-essential pkg-config \
               libssl-dev libjansson-dev libncurses-dev libc-ares-dev \
               libcurl4-openssl-dev libpsl-dev libidn2-dev
DEB_TEST_PACKAGES = clang libclang-rt-14-dev libcmocka-dev \
               tmux ncurses-term valgrind unbound dnsmasq-base python3 \
               cppcheck clang-format
DEB_PACKAGES = $(DEB_BUILD_PACKAGES) $(DEB_TEST_PACKAGES)
# Only `make screenshots` needs these (chromium is about 350 MB).
DEB_SCREENSHOT_PACKAGES = aha chromium fonts-dejavu-core

CORE_SRC = $(sort $(wildcard src/core/*.c))
NET_SRC  = $(sort $(wildcard src/net/*.c))
TUI_SRC  = $(sort $(wildcard src/tui/*.c))
CLI_SRC  = $(sort $(wildcard src/cli/*.c))
HELP_TXT = $(sort $(wildcard help/*.txt))
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
# Code the tests share (fixture loading, the openspf suite reader): one
# archive the unit tests and the DNS test tools link.
TESTLIB_SRC = $(sort $(wildcard tests/lib/*.c))
TESTLIB_HDR = $(wildcard tests/lib/*.h)

CORE_OBJ = $(CORE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/help_data.o
NET_OBJ  = $(NET_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ  = $(TUI_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TESTLIB  = $(BUILD)/tests/lib/libtestsupport.a

LIB      = $(BUILD)/libauthtxt.a
BIN      = $(BUILD)/authtxt

.PHONY: all deps deps-test deps-screenshots check unit unit-asan clang clang-build cli-tests e2e \
        dns-tests run install uninstall clean bench fuzz screenshots format ci-static unit-build
.DEFAULT_GOAL := all

all: $(BIN)

# --- dependencies ---------------------------------------------------------
# Installs what is missing, as root or through sudo; says what it could not.
# Every compile and link waits for the stamp (an order-only prerequisite),
# so `make -j` on a fresh machine never compiles before the headers are
# there, and a newer stamp never rebuilds anything.
DEPS_OK      = $(BUILD)/.deps-ok
DEPS_TEST_OK = $(BUILD)/.deps-test-ok
deps: $(DEPS_OK)
$(DEPS_OK): Makefile
	@tests/tools/install-deps.sh $(DEB_BUILD_PACKAGES)
	@mkdir -p $(BUILD) && touch $@
deps-test: $(DEPS_OK) $(DEPS_TEST_OK)
$(DEPS_TEST_OK): Makefile
	@tests/tools/install-deps.sh $(DEB_TEST_PACKAGES)
	@mkdir -p $(BUILD) && touch $@

deps-screenshots: deps
	@tests/tools/install-deps.sh $(DEB_SCREENSHOT_PACKAGES)

# --- build ----------------------------------------------------------------
$(BUILD)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(call pc_cflags,$(PKG_ALL)) -MMD -MP -c $< -o $@

$(BUILD)/helpgen: help/helpgen.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(WERROR) -O1 -g $(CFLAGS) $(LDFLAGS) $< -o $@

$(BUILD)/help_data.c: $(BUILD)/helpgen $(HELP_TXT)
	$(BUILD)/helpgen $(HELP_TXT) > $@.tmp && mv $@.tmp $@

$(BUILD)/help_data.o: $(BUILD)/help_data.c | $(DEPS_OK)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(TUI_OBJ) $(NET_OBJ) $(LIB)
	$(CC) $(OPT) $(CFLAGS) $(LDFLAGS) $(CLI_OBJ) $(TUI_OBJ) $(NET_OBJ) $(LIB) \
	    $(call pc_libs,$(PKG_LINK)) -lm $(LDLIBS) -o $@

$(TESTLIB): $(TESTLIB_SRC:%.c=$(BUILD)/%.o)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c $(TESTLIB) $(LIB) tests/unit/unit.h $(TESTLIB_HDR) | $(DEPS_TEST_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -Itests/lib $(call pc_cflags,cmocka $(PKG_CORE)) $(LDFLAGS) \
	    $< $(TESTLIB) $(LIB) $(call pc_libs,cmocka $(PKG_CORE)) -lm $(LDLIBS) -o $@

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# --- tests ----------------------------------------------------------------
# The README's test command.  Runs the unit tests (gcc, then clang with
# ASan+UBSan), the CLI golden tests, then the CLI, the TUI tests in tmux and
# the DNS tests against a real server on 127.0.0.1 with the binary built
# with AddressSanitizer (leak checking on) and UBSan: any memory error or
# leak fails the run.  The DNS test tools stay plain builds (one test runs
# them under valgrind).  Then the keystroke fuzzer, and last every fuzz
# target for CHECK_FUZZ_SECONDS, FUZZ_JOBS at once.
#
# The four builds (gcc, clang, ASan, the fuzz targets) run CHECK_JOBS
# compilers at once.  The tmux suite and the DNS suite run side by side
# (each one script at a time; no two scripts share a socket, port or
# directory, and every wait is bounded), their outputs kept apart.
CHECK_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check: deps-test
	$(MAKE) --no-print-directory ci-static
	$(MAKE) --no-print-directory -j$(CHECK_JOBS) unit-build $(BIN) dns-tools
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory -j$(CHECK_JOBS) CC=clang BUILD=build/clang clang-build
	$(MAKE) --no-print-directory -j$(CHECK_JOBS) CC=clang BUILD=build/asan SAN=1 unit-build \
	    build/asan/authtxt
	$(MAKE) --no-print-directory unit-asan
	$(MAKE) --no-print-directory cli-tests
	DNS_TOOLS=$(CURDIR)/$(BUILD)/tests $(MAKE) --no-print-directory CC=clang BUILD=build/asan \
	    SAN=1 cli-tests
	DNS_TOOLS=$(CURDIR)/$(BUILD)/tests $(MAKE) --no-print-directory CC=clang BUILD=build/asan \
	    SAN=1 -j2 --output-sync=target e2e dns-tests
	$(MAKE) --no-print-directory -j$(CHECK_JOBS) fuzz-build
	$(MAKE) --no-print-directory keyfuzz \
	    KEYFUZZ_ARGS="$(if $(CHECK_KEYFUZZ_SEED),--seed $(CHECK_KEYFUZZ_SEED))"
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)
	@echo "make check: all tests passed"

# Each fuzz target runs this long in `make check` (CI); `make fuzz` alone
# runs FUZZ_SECONDS (60).
CHECK_FUZZ_SECONDS ?= 10
# The editor's keystroke fuzzer draws a new seed in `make check` too (two
# 90 s runs were clean once the SPF draft marker was in), and prints it
# first ("keyfuzz: ... seed N"; a finding's key log keeps it): replay a CI
# failure with `make check CHECK_KEYFUZZ_SEED=N`, or
# `make keyfuzz KEYFUZZ_ARGS="--seed N"`.
CHECK_KEYFUZZ_SEED ?=

unit: deps-test $(UNIT_BIN)
	@tests/tools/run-unit.sh $(UNIT_BIN)
unit-build: $(UNIT_BIN)

# Everything again with clang, warnings as errors, then the unit tests under
# AddressSanitizer and UndefinedBehaviorSanitizer.
clang:
	$(MAKE) --no-print-directory CC=clang BUILD=build/clang clang-build
clang-build: $(BIN) $(UNIT_BIN)
unit-asan:
	$(MAKE) --no-print-directory CC=clang BUILD=build/asan SAN=1 unit

cli-tests: deps-test $(BIN)
	@tests/cli/run.sh $(BIN)

# Test scripts are every tests/<dir>/*.sh but the sourced libraries and the
# tools that measure or render rather than test.
E2E_TESTS = $(filter-out tests/e2e/lib.sh tests/e2e/screenshots.sh,$(wildcard tests/e2e/*.sh))
DNS_TESTS = $(filter-out tests/dns/lib.sh tests/dns/bench%.sh,$(wildcard tests/dns/*.sh))

e2e: deps-test $(BIN)
	@tests/tools/run-scripts.sh $(BIN) $(E2E_TESTS)

dns-tests: deps-test $(BIN)
	@tests/tools/run-scripts.sh $(BIN) $(DNS_TESTS)

# --- running and installing -----------------------------------------------
run: all
	$(BIN) --example

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/authtxt
	install -m 644 help/authtxt.1 $(DESTDIR)$(MANDIR)/man1/authtxt.1
	install -m 644 help/completion.bash $(DESTDIR)$(BASHCOMPDIR)/authtxt
	install -m 644 help/completion.zsh $(DESTDIR)$(ZSHCOMPDIR)/_authtxt

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/authtxt $(DESTDIR)$(MANDIR)/man1/authtxt.1 \
	    $(DESTDIR)$(BASHCOMPDIR)/authtxt $(DESTDIR)$(ZSHCOMPDIR)/_authtxt

clean:
	rm -rf build

# --- measurements and extras ----------------------------------------------
BENCH_BIN = $(BUILD)/bench/bench_core
$(BENCH_BIN): tests/bench/bench_core.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(LIB) $(call pc_libs,$(PKG_CORE)) -lm $(LDLIBS) -o $@

bench: deps-test $(BENCH_BIN) $(BIN) dns-tools
	$(BENCH_BIN)
	@tests/bench/bench_zone.sh $(BIN)
	@tests/bench/bench_zone_scale.sh $(BIN)
	@tests/bench/tui_perf.sh $(BIN)
	@if [ -x tests/dns/bench_fetch.sh ]; then tests/dns/bench_fetch.sh $(BIN); fi
	@if [ -x tests/dns/bench_batch.sh ]; then tests/dns/bench_batch.sh $(BIN); fi
	@tests/dns/bench_check.sh $(BIN) 25
	@tests/dns/bench_faults.sh $(BIN)

screenshots: deps-screenshots $(BIN) dns-tools
	tests/e2e/screenshots.sh $(BIN) screenshots

# Build rules of the DNS test tools (relay, broken server, dnsq) and the
# fuzz targets live next to them.
-include tests/dns/dns.mk
-include tests/fuzz/fuzz.mk
-include tests/tui/tui.mk

format:
	clang-format -i $(CORE_SRC) $(CLI_SRC) $(TUI_SRC) $(NET_SRC) include/authtxt/*.h

# CI's static checks: cppcheck over the sources, and clang-format on the C
# files changed since CI_BASE (default: the merge base with main, else the
# previous commit), so old code is not reformatted wholesale.
CI_BASE ?= $(shell git merge-base HEAD main 2>/dev/null || git rev-parse HEAD~1 2>/dev/null)
ci-static: deps-test
	@tests/tools/ci-static.sh "$(CI_BASE)"
