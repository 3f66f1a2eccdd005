# Fuzz targets (libFuzzer, clang, ASan+UBSan), included by the Makefile.
#
#   make fuzz-build        build every target into build/fuzz/
#   make fuzz              build, then run each target FUZZ_SECONDS (default
#                          60) from its seed corpus; FUZZ_JOBS targets run at
#                          once (default 2).  Fails when a target crashes;
#                          prints executions per target and in total.
#   make fuzz FUZZ_TARGETS="fuzz_spf fuzz_zone" FUZZ_SECONDS=30
#   make fuzz FUZZ_FLAGS=-len_control=0    (long inputs from the start)
#
# The core (and help_data.c) is compiled again with coverage instrumentation
# and the sanitizers by a sub-make with BUILD=build/fuzz into
# build/fuzz/libauthtxt.a (the targets never link build/libauthtxt.a, which
# is built without them); linking through the archive pulls in only the
# modules a target uses.

FUZZ_BUILD    ?= build/fuzz
FUZZ_SECONDS  ?= 60
FUZZ_JOBS     ?= 2
FUZZ_MAX_LEN  ?= 70000
# More libFuzzer flags, e.g. -len_control=0.
FUZZ_FLAGS    ?=
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OPT      = -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)
FUZZ_ALL      = fuzz_spf fuzz_dmarc fuzz_dkim_key fuzz_dkim_sig fuzz_taglist fuzz_zone \
                fuzz_record fuzz_edit fuzz_dnsanswer fuzz_null_diags fuzz_drafts fuzz_dkim_privkey \
                fuzz_message fuzz_spf_eval fuzz_zone_edit fuzz_capture
FUZZ_TARGETS  ?= $(FUZZ_ALL)
FUZZ_BINS     = $(FUZZ_ALL:%=$(FUZZ_BUILD)/%)

.PHONY: fuzz fuzz-build fuzz-bins

fuzz-build: deps
	$(MAKE) --no-print-directory CC=clang BUILD=$(FUZZ_BUILD) OPT="$(FUZZ_OPT)" fuzz-bins

fuzz: fuzz-build
	@FUZZ_FLAGS="$(FUZZ_FLAGS)" tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_JOBS) $(FUZZ_MAX_LEN) $(FUZZ_TARGETS)

# Only meaningful inside the sub-make above (BUILD=$(FUZZ_BUILD), CC=clang).
fuzz-bins: $(FUZZ_BINS)

# fuzz_dnsanswer also reads answers with the resolver's own message parser
# when src/net has it (a pure function: no sockets, no curl calls).
FUZZ_NET_OBJ = $(if $(wildcard src/net/resolver_msg.c),$(BUILD)/src/net/resolver_msg.o)
FUZZ_NET_FLAGS = $(if $(FUZZ_NET_OBJ),-DFUZZ_HAVE_RESOLVER_MSG -Isrc/net)
$(FUZZ_BUILD)/fuzz_dnsanswer: $(FUZZ_NET_OBJ)

# fuzz_capture reads DNS captures with src/net/capture.c (jansson).
FUZZ_CAPTURE_OBJ = $(BUILD)/src/net/capture.o
$(FUZZ_BUILD)/fuzz_capture: $(FUZZ_CAPTURE_OBJ)

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(call pc_cflags,$(PKG_CORE) libcares libcurl) \
	    $(if $(filter %/fuzz_dnsanswer,$@),$(FUZZ_NET_FLAGS)) \
	    $(if $(filter %/fuzz_capture,$@),-Isrc/net) $< \
	    $(if $(filter %/fuzz_dnsanswer,$@),$(FUZZ_NET_OBJ)) \
	    $(if $(filter %/fuzz_capture,$@),$(FUZZ_CAPTURE_OBJ)) $(LIB) \
	    $(call pc_libs,$(PKG_CORE) libcares $(if $(filter %/fuzz_capture,$@),jansson)) -lm -o $@
