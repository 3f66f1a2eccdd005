# authtxt: build, test, install.  `make run` opens the TUI on an example,
# `make check` runs every test; both install missing Debian packages first.

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man

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

pc_cflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pc_libs   = $(shell pkg-config --libs $(1) 2>/dev/null)

CFLAGS  ?=
CPPFLAGS += -Iinclude -I$(BUILD)
ALL_CFLAGS = $(STD) $(WARN) $(WERROR) $(OPT) $(CFLAGS) $(CPPFLAGS)

# Debian packages the build, the tests, the TUI tests and the DNS tests need.
DEB_PACKAGES = build-essential pkg-config clang libclang-rt-14-dev \
               libssl-dev libjansson-dev libncurses-dev libc-ares-dev \
               libcurl4-openssl-dev libpsl-dev libidn2-dev libcmocka-dev \
               tmux ncurses-term valgrind unbound dnsmasq-base python3
# Only `make screenshots` needs these (chromium is about 350 MB).
DEB_SCREENSHOT_PACKAGES = aha chromium fonts-dejavu-core

CORE_SRC = $(sort $(wildcard src/core/*.c))
NET_SRC  = $(sort $(wildcard src/net/*.c))
TUI_SRC  = $(sort $(wildcard src/tui/*.c))
CLI_SRC  = $(sort $(wildcard src/cli/*.c))
HELP_TXT = $(sort $(wildcard help/*.txt))
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))

CORE_OBJ = $(CORE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/help_data.o
NET_OBJ  = $(NET_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ  = $(TUI_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

LIB      = $(BUILD)/libauthtxt.a
BIN      = $(BUILD)/authtxt

.PHONY: all deps deps-screenshots check unit unit-asan clang clang-build cli-tests e2e dns-tests \
        run install uninstall clean bench fuzz screenshots format
.DEFAULT_GOAL := all

all: deps $(BIN)

# --- dependencies ---------------------------------------------------------
# Installs what is missing, as root or through sudo; says what it could not.
deps: $(BUILD)/.deps-ok
$(BUILD)/.deps-ok: Makefile
	@tests/tools/install-deps.sh $(DEB_PACKAGES)
	@mkdir -p $(BUILD) && touch $@

deps-screenshots: deps
	@tests/tools/install-deps.sh $(DEB_SCREENSHOT_PACKAGES)

# --- build ----------------------------------------------------------------
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(call pc_cflags,$(PKG_ALL)) -MMD -MP -c $< -o $@

$(BUILD)/helpgen: help/helpgen.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(WERROR) -O1 -g $< -o $@

$(BUILD)/help_data.c: $(BUILD)/helpgen $(HELP_TXT)
	$(BUILD)/helpgen $(HELP_TXT) > $@.tmp && mv $@.tmp $@

$(BUILD)/help_data.o: $(BUILD)/help_data.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(TUI_OBJ) $(NET_OBJ) $(LIB)
	$(CC) $(OPT) $(CFLAGS) $(CLI_OBJ) $(TUI_OBJ) $(NET_OBJ) $(LIB) \
	    $(call pc_libs,$(PKG_ALL)) -lm -o $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB) tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(call pc_cflags,cmocka $(PKG_CORE)) $< $(LIB) \
	    $(call pc_libs,cmocka $(PKG_CORE)) -lm -o $@

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# --- tests ----------------------------------------------------------------
# The README's test command.  Runs the unit tests (gcc, then clang with
# ASan+UBSan), the CLI golden tests, then the CLI, the TUI tests in tmux and
# the DNS tests against a real server on 127.0.0.1 with the binary built
# with AddressSanitizer (leak checking on) and UBSan: any memory error or
# leak fails the run.  The DNS test tools stay plain builds (one test runs
# them under valgrind).  Last, every fuzz target runs for 30 s.
check: deps
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory clang
	$(MAKE) --no-print-directory unit-asan
	$(MAKE) --no-print-directory cli-tests
	$(MAKE) --no-print-directory dns-tools
	DNS_TOOLS=$(CURDIR)/$(BUILD)/tests $(MAKE) --no-print-directory CC=clang BUILD=build/asan \
	    SAN=1 cli-tests e2e dns-tests
	$(MAKE) --no-print-directory keyfuzz
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)
	@echo "make check: all tests passed"

# Each fuzz target runs this long in `make check` (CI); `make fuzz` alone
# runs FUZZ_SECONDS (60).
CHECK_FUZZ_SECONDS ?= 30

unit: $(UNIT_BIN)
	@tests/tools/run-unit.sh $(UNIT_BIN)

# Everything again with clang, warnings as errors, then the unit tests under
# AddressSanitizer and UndefinedBehaviorSanitizer.
clang:
	$(MAKE) --no-print-directory CC=clang BUILD=build/clang clang-build
clang-build: $(BIN) $(UNIT_BIN)
unit-asan:
	$(MAKE) --no-print-directory CC=clang BUILD=build/asan SAN=1 unit

cli-tests: $(BIN)
	@tests/cli/run.sh $(BIN)

# Test scripts are every tests/<dir>/*.sh but the sourced libraries and the
# tools that measure or render rather than test.
E2E_TESTS = $(filter-out tests/e2e/lib.sh tests/e2e/screenshots.sh,$(wildcard tests/e2e/*.sh))
DNS_TESTS = $(filter-out tests/dns/lib.sh tests/dns/bench%.sh,$(wildcard tests/dns/*.sh))

e2e: $(BIN)
	@tests/tools/run-scripts.sh $(BIN) $(E2E_TESTS)

dns-tests: $(BIN)
	@tests/tools/run-scripts.sh $(BIN) $(DNS_TESTS)

# --- running and installing -----------------------------------------------
run: all
	$(BIN) --example

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/authtxt
	install -m 644 help/authtxt.1 $(DESTDIR)$(MANDIR)/man1/authtxt.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/authtxt $(DESTDIR)$(MANDIR)/man1/authtxt.1

clean:
	rm -rf build

# --- measurements and extras ----------------------------------------------
BENCH_BIN = $(BUILD)/bench/bench_core
$(BENCH_BIN): tests/bench/bench_core.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $< $(LIB) $(call pc_libs,$(PKG_CORE)) -lm -o $@

bench: deps $(BENCH_BIN) $(BIN)
	$(BENCH_BIN)
	@tests/bench/bench_zone.sh $(BIN)
	@tests/bench/tui_perf.sh $(BIN)
	@if [ -x tests/dns/bench_fetch.sh ]; then tests/dns/bench_fetch.sh $(BIN); fi

screenshots: deps-screenshots $(BIN) dns-tools
	tests/e2e/screenshots.sh $(BIN) screenshots

# Build rules of the DNS test tools (relay, broken server, dnsq) and the
# fuzz targets live next to them.
-include tests/dns/dns.mk
-include tests/fuzz/fuzz.mk
-include tests/tui/tui.mk

format:
	clang-format -i $(CORE_SRC) $(CLI_SRC) $(TUI_SRC) $(NET_SRC) include/authtxt/*.h
