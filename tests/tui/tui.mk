# The editor's keystroke fuzzer (tests/tui), included by the Makefile.
#
#   make keyfuzz           replay every key log in tests/tui/findings (each
#                          must now pass), then fuzz the ASan+UBSan editor
#                          for KEYFUZZ_SECONDS (60; `make check` runs this)
#   make keyfuzz KEYFUZZ_SECONDS=600 KEYFUZZ_ARGS="--seed 42"
#   make keyfuzz-replay    only the replays
#
# The tool is built with $(CC) against $(BUILD)/libauthtxt.a (it reads saved
# zones back with the core); the editor under test is build/asan/authtxt,
# and `authtxt lint` for the lint invariant is the plain $(BIN).  New
# findings go to build/keyfuzz/findings; a finding worth keeping is copied
# to tests/tui/findings as a regression replay.

KEYFUZZ_SECONDS      ?= 60
# `make fuzz` (run by hand) fuzzes the editor this long after the targets.
KEYFUZZ_FUZZ_SECONDS ?= 600
KEYFUZZ_ARGS         ?=
KEYFUZZ_BIN          = $(BUILD)/tests/keyfuzz
KEYFUZZ_EDITOR       = build/asan/authtxt
KEYFUZZ_CORPUS       = tests/data/openspf/rfc7208-tests.yml tests/fuzz/corpus tests/unit \
                       tests/cli/cases tests/data/zones tests/data/dkim
KEYFUZZ_FINDINGS     = $(sort $(wildcard tests/tui/findings/*.keys))

.PHONY: keyfuzz keyfuzz-replay keyfuzz-editor keyfuzz-long

$(KEYFUZZ_BIN): tests/tui/keyfuzz.c tests/tui/ptydrv.c tests/tui/ptydrv.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(call pc_cflags,jansson) tests/tui/keyfuzz.c tests/tui/ptydrv.c $(LIB) \
	    $(call pc_libs,jansson $(PKG_CORE)) -lutil -lm -o $@

keyfuzz-editor:
	$(MAKE) --no-print-directory CC=clang BUILD=build/asan SAN=1 $(KEYFUZZ_EDITOR)

KEYFUZZ_RUN = $(KEYFUZZ_BIN) --bin $(KEYFUZZ_EDITOR) --cli $(BIN)

keyfuzz-replay: deps $(BIN) $(KEYFUZZ_BIN) keyfuzz-editor
	@if [ -n "$(KEYFUZZ_FINDINGS)" ]; then $(KEYFUZZ_RUN) --replay $(KEYFUZZ_FINDINGS); fi

# The replays and the fuzzing both run; either failing fails the target.
keyfuzz: deps $(BIN) $(KEYFUZZ_BIN) keyfuzz-editor
	@rc=0; \
	if [ -n "$(KEYFUZZ_FINDINGS)" ]; then $(KEYFUZZ_RUN) --replay $(KEYFUZZ_FINDINGS) || rc=1; fi; \
	$(KEYFUZZ_RUN) --seconds $(KEYFUZZ_SECONDS) $(KEYFUZZ_CORPUS:%=--corpus %) $(KEYFUZZ_ARGS) || rc=1; \
	exit $$rc

keyfuzz-long:
	$(MAKE) --no-print-directory keyfuzz KEYFUZZ_SECONDS=$(KEYFUZZ_FUZZ_SECONDS)

# `make fuzz` typed by hand also fuzzes the editor, longer; the `make fuzz`
# that `make check` runs (a sub-make) does not: check runs keyfuzz itself.
ifeq ($(MAKELEVEL),0)
fuzz: keyfuzz-long
endif
