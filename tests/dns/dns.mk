# DNS test tools (included by the Makefile): dnsq (the resolver driver),
# brokendns (a deliberately broken server) and relay (a delaying relay for
# the fetch benchmark).  `make dns-tools` builds them; `make dns-tests`
# needs them.
RESOLVER_OBJ = $(filter $(BUILD)/src/net/resolver%.o $(BUILD)/src/net/capture.o \
                        $(BUILD)/src/net/curl_lib.o,$(NET_OBJ))
DNS_TOOL_BINS = $(BUILD)/tests/dnsq $(BUILD)/tests/brokendns $(BUILD)/tests/relay \
                $(BUILD)/tests/openspf_zone

.PHONY: dns-tools
dns-tools: deps $(DNS_TOOL_BINS)
dns-tests: dns-tools

$(BUILD)/tests/dnsq: tests/dns/dnsq.c $(RESOLVER_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(call pc_cflags,$(PKG_NET)) $(LDFLAGS) $< $(RESOLVER_OBJ) $(LIB) \
	    $(call pc_libs,libcares jansson $(PKG_CORE)) -lm $(LDLIBS) -o $@

$(BUILD)/tests/brokendns: tests/dns/brokendns.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(WERROR) $(OPT) $(ALL_CPPFLAGS) $(CFLAGS) $(LDFLAGS) $< $(LDLIBS) -o $@

$(BUILD)/tests/relay: tests/dns/relay.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(WERROR) $(OPT) $(ALL_CPPFLAGS) $(CFLAGS) $(LDFLAGS) $< $(LDLIBS) -o $@

# check_openspf.sh: the openspf suite's zonedata as zone files (tests/dns/openspf_zone.c).
$(BUILD)/tests/openspf_zone: tests/dns/openspf_zone.c $(TESTLIB) $(TESTLIB_HDR) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/lib $(LDFLAGS) $< $(TESTLIB) $(LIB) $(call pc_libs,$(PKG_CORE)) \
	    -lm $(LDLIBS) -o $@
