# hotline: one entry point.
#   make                 build hotlined and the plugins (into build/)
#   make run             install missing packages, build, start a private Redis and hotlined
#                        (first start: API tokens in run/tokens.env, people's demo accounts
#                        in run/accounts.env)
#   make run-ha          the same with a Redis primary, two replicas, three sentinels and two
#                        hotlined (127.0.0.1:12345 and :12346), under run-ha/ (issue 18)
#   make check           install missing packages, check that no Lua script spells a key name
#                        (tests/scripts/check-lua-keys.sh), run every test plain and under
#                        ASan+UBSan, and the console's browser tests once (check-browser)
#   make check-browser   the console's browser tests alone (tests/browser/, Debian's chromium)
#   make SANITIZE=address,undefined   the same build with sanitizers (build/san-address-undefined/)
#   make bench           benchmarks (issues 8 and 14) into BENCHMARKS.md; not part of make
#                        check (it alone needs node and BullMQ: contrib/deps.sh bench, npm ci)
#   make bench-kb        the knowledge base's search over 10,000 entries (issue 17), its
#                        section of BENCHMARKS.md alone
#   make bench-daemons   one Redis and 1, 2, 4 hotlined sharing a load (issue 18), its section
#   make fuzz            libFuzzer on the input, configuration and duration parsers (clang)
#   make install         build, then install under PREFIX (/usr/local), staged under DESTDIR
#   make uninstall       remove what make install put there, except the configuration
#   make clean
ifeq ($(origin CC),default)
CC := gcc
endif
PKG_CONFIG ?= pkg-config
# libsodium: argon2id password hashes and random session ids (core/people/)
DEPS := libevent hiredis yaml-0.1 json-c libcrypto libsodium

comma := ,
ifdef SANITIZE
BUILD ?= build/san-$(subst $(comma),-,$(SANITIZE))
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD ?= build
SAN_FLAGS :=
endif

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wwrite-strings -Wformat=2 -Wpointer-arith
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -pthread $(WARNINGS) $(CFLAGS) $(SAN_FLAGS) -MMD -MP
CORE_CFLAGS = $(ALL_CFLAGS) -Icore/include -Icore -I$(BUILD)/gen \
	$(shell $(PKG_CONFIG) --cflags $(DEPS))
CORE_LIBS = $(shell $(PKG_CONFIG) --libs $(DEPS)) -ldl -pthread -lm
PLUGIN_CFLAGS := $(ALL_CFLAGS) -Icore/include -fPIC -fvisibility=hidden
PLUGIN_LDFLAGS := $(SAN_FLAGS) -shared -Wl,-z,defs
SHIPPED_PLUGIN_CFLAGS = $(PLUGIN_CFLAGS) -Iplugins/lib -Icore -ffunction-sections \
	$(shell $(PKG_CONFIG) --cflags yaml-0.1)
# --as-needed: a plugin records only the libraries it uses (webhook: libcrypto, json-c).
SHIPPED_PLUGIN_LIBS = -Wl,--gc-sections -Wl,--as-needed \
	$(shell $(PKG_CONFIG) --libs yaml-0.1 libcrypto json-c)
TEST_CFLAGS = $(CORE_CFLAGS) -Itests/support \
	-DHL_SOURCE_DIR='"$(CURDIR)"' -DHL_BUILD_DIR='"$(abspath $(BUILD))"' \
	$(shell $(PKG_CONFIG) --cflags criterion)
TEST_LIBS = $(CORE_LIBS) $(shell $(PKG_CONFIG) --libs criterion)

CORE_SRC := $(filter-out core/daemon/main.c core/daemon/test_clock.c,$(wildcard core/*/*.c))
# The daemon the deadline tests drive: the same, with a clock tests can move.
TESTCLOCK_OBJ := $(BUILD)/testclock/base/clock.o $(BUILD)/testclock/daemon/daemon.o \
	$(BUILD)/testclock/daemon/test_clock.o
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
LUA_INC := $(patsubst core/store/lua/%.lua,$(BUILD)/gen/store/lua/%.lua.inc,\
	$(wildcard core/store/lua/*.lua)) $(BUILD)/gen/store/lua/keys.lua.inc
# A Lua file as C string literals, one a line, for #include (store/scripts.c).
LUA_TO_C = sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/'
# A plugin is plugins/<name>.c, or the folder plugins/<name>/ when it is several files
# (the webhook): their objects are linked into <name>.so alone.
PLUGIN_DIRS := $(filter-out lib,$(patsubst plugins/%/,%,$(wildcard plugins/*/)))
plugin_dir_obj = $(patsubst %.c,$(BUILD)/pic/%.o,$(wildcard plugins/$(1)/*.c))
PLUGINS := $(patsubst plugins/%.c,$(BUILD)/plugins/%.so,$(wildcard plugins/*.c)) \
	$(PLUGIN_DIRS:%=$(BUILD)/plugins/%.so)
# Code the shipped plugins share (plugins/lib/, and the YAML reader, the masking of
# personal data, the UTF-8 decoder, the hex encoder and the folding of core/base/), compiled
# position-independent and linked into each plugin; the linker keeps what each one uses.
PLUGIN_LIB_SRC := $(wildcard plugins/lib/*.c) core/base/yaml_tree.c core/base/mask.c \
	core/base/utf8.c core/base/hex.c core/base/fold.c
PLUGIN_LIB_OBJ := $(PLUGIN_LIB_SRC:%.c=$(BUILD)/pic/%.o)
.SECONDARY: $(PLUGIN_LIB_OBJ) $(foreach d,$(PLUGIN_DIRS),$(call plugin_dir_obj,$(d)))

# Purpose-made plugins for the loader tests: one source, one variant per -D flag.
TEST_PLUGIN_VARIANTS := good abi_major abi_minor no_descriptor init_fails bad_default \
	route_fails route_slow route_async route_crashes
TEST_PLUGINS := $(TEST_PLUGIN_VARIANTS:%=$(BUILD)/tests/plugins/%.so)
SUPPORT_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/support/*.c))
# Unit tests also link the shared plugin code (plugins/lib/) to test it directly, and
# the fuzz targets, which replay their corpora (tests/unit/test_fuzz_corpus.c).
UNIT_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/*.c)) $(SUPPORT_OBJ) \
	$(patsubst %.c,$(BUILD)/%.o,$(wildcard plugins/lib/*.c)) $(BUILD)/tests/fuzz/fuzz_targets.o
INTEG_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/integration/*.c)) $(SUPPORT_OBJ)
# hotlinectl, the command-line client (contrib/hotlinectl/): libevent's HTTP client and
# json-c, and of the daemon only the UTF-8 decoder of core/base/ and, for kb import and
# export, the knowledge base's file format (core/tickets/kb_yaml.c over base/yaml_tree.c,
# libyaml). Its display-width and table code is unit-tested.
CTL_CFLAGS = $(ALL_CFLAGS) $(shell $(PKG_CONFIG) --cflags libevent json-c yaml-0.1)
CTL_LIBS = $(shell $(PKG_CONFIG) --libs libevent json-c yaml-0.1)
CTL_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard contrib/hotlinectl/*.c)) \
	$(BUILD)/core/base/utf8.o $(BUILD)/core/tickets/kb_yaml.o $(BUILD)/core/base/yaml_tree.o
UNIT_OBJ += $(BUILD)/contrib/hotlinectl/width.o $(BUILD)/contrib/hotlinectl/table.o

.PHONY: all run run-ha check test deps clean install uninstall
all: $(BUILD)/hotlined $(PLUGINS) $(BUILD)/hotlinectl

deps:
	@contrib/deps.sh

$(BUILD)/gen/store/lua/%.lua.inc: core/store/lua/%.lua
	@mkdir -p $(@D)
	$(LUA_TO_C) $< > $@

# The key names of store/keys.h as Lua (KEY.ticket, INDEX.state, ...): store/scripts.c puts
# them in front of every script, so that no script spells a key name itself.
$(BUILD)/gen/store/lua/keys.lua: core/store/keys.h core/store/keys-to-lua.awk
	@mkdir -p $(@D)
	awk -f core/store/keys-to-lua.awk $< > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/store/lua/keys.lua.inc: $(BUILD)/gen/store/lua/keys.lua
	$(LUA_TO_C) $< > $@

$(BUILD)/core/store/scripts.o: $(LUA_INC)

$(BUILD)/core/%.o: core/%.c
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) -c -o $@ $<

$(BUILD)/testclock/%.o: core/%.c
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) -DHL_TEST_CLOCK -c -o $@ $<

$(BUILD)/tests/hotlined-testclock: $(BUILD)/core/daemon/main.o $(TESTCLOCK_OBJ) $(BUILD)/libhotline.a
	@mkdir -p $(@D)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(CORE_LIBS)

$(BUILD)/libhotline.a: $(CORE_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/hotlined: $(BUILD)/core/daemon/main.o $(BUILD)/libhotline.a
	$(CC) $(SAN_FLAGS) -o $@ $^ $(CORE_LIBS)

$(BUILD)/contrib/hotlinectl/%.o: contrib/hotlinectl/%.c
	@mkdir -p $(@D)
	$(CC) $(CTL_CFLAGS) -c -o $@ $<

$(BUILD)/hotlinectl: $(CTL_OBJ)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(CTL_LIBS)

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(SHIPPED_PLUGIN_CFLAGS) -c -o $@ $<

$(BUILD)/plugins/%.so: plugins/%.c core/include/hotline/plugin.h $(PLUGIN_LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(SHIPPED_PLUGIN_CFLAGS) $(PLUGIN_LDFLAGS) -o $@ $< $(PLUGIN_LIB_OBJ) \
		$(SHIPPED_PLUGIN_LIBS)

# A plugin of several files (no plugins/<name>.c): the objects of plugins/<name>/, which
# the second expansion ($$*, the plugin's name) lists for each plugin.
.SECONDEXPANSION:
$(BUILD)/plugins/%.so: $$(call plugin_dir_obj,$$*) core/include/hotline/plugin.h \
		$(PLUGIN_LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(PLUGIN_LDFLAGS) -o $@ $(call plugin_dir_obj,$*) $(PLUGIN_LIB_OBJ) \
		$(SHIPPED_PLUGIN_LIBS)

$(BUILD)/tests/plugins/%.so: tests/plugins/test_plugin.c core/include/hotline/plugin.h
	@mkdir -p $(@D)
	$(CC) $(PLUGIN_CFLAGS) -DVARIANT_$(shell echo $* | tr a-z A-Z) $(PLUGIN_LDFLAGS) -o $@ $<

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -Iplugins/lib -c -o $@ $<

# The SDK test builds contrib/example-plugin the way this build's plugins are built.
$(BUILD)/tests/integration/test_sdk.o: TEST_CFLAGS += -DHL_CC='"$(CC)"' -DHL_MAKE='"$(MAKE)"' \
	-DHL_SAN_FLAGS='"$(SAN_FLAGS)"'

$(BUILD)/plugins/lib/%.o: plugins/lib/%.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -Iplugins/lib -c -o $@ $<

$(BUILD)/tests/unit-tests: $(UNIT_OBJ) $(BUILD)/libhotline.a
	$(CC) $(SAN_FLAGS) -o $@ $^ $(TEST_LIBS)

$(BUILD)/tests/integration-tests: $(INTEG_OBJ) $(BUILD)/libhotline.a
	$(CC) $(SAN_FLAGS) -o $@ $^ $(TEST_LIBS)

# Runs the suites of this build (plain, or sanitized with SANITIZE=...).
test: all $(TEST_PLUGINS) $(BUILD)/tests/unit-tests $(BUILD)/tests/integration-tests \
	$(BUILD)/tests/hotlined-testclock
	tests/scripts/check-layers.sh $(BUILD)
	tests/scripts/check-citations.sh
	$(BUILD)/tests/unit-tests
	$(BUILD)/tests/integration-tests

check: deps
	tests/scripts/check-lua-keys.sh
	$(MAKE) test
	$(MAKE) SANITIZE=address,undefined test
	$(MAKE) check-browser

# The console's browser tests (tests/browser/run.mjs) against the plain build, never under
# the sanitizers: playwright-core and axe-core from npm at the versions of the committed
# lockfile, npm ci into build/browser/node_modules without install scripts (nothing
# downloads a browser: it drives Debian's chromium); screenshots in build/browser/screenshots/.
BROWSER_STAMP := build/browser/installed
BROWSER_NPM := $(addprefix tests/browser/,package.json package-lock.json .npmrc)
.PHONY: check-browser browser-deps
browser-deps:
	@contrib/deps.sh browser

check-browser: deps browser-deps
	$(MAKE) BUILD=build SANITIZE= all $(BROWSER_STAMP)
	node tests/browser/run.mjs build

$(BROWSER_STAMP): $(BROWSER_NPM)
	@mkdir -p $(@D)
	cp $(BROWSER_NPM) $(@D)/
	cd $(@D) && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

run: deps
	$(MAKE) all
	contrib/run.sh $(BUILD)

# A primary, a replica, three sentinels and two hotlined on one machine (issue 18; README
# "High availability (Sentinel)"), under run-ha/; Ctrl-C stops them all.
run-ha: deps
	$(MAKE) all
	contrib/run-ha.sh $(BUILD)

# --- make install -------------------------------------------------------------------
# The layout (each directory may be set on its own; DESTDIR stages the whole tree):
#   $(SBINDIR)/hotlined, $(BINDIR)/hotlinectl, $(MANDIR)/man{1,5,8}/,
#   $(LIBDIR)/systemd/system/hotlined.service
#   $(PLUGINDIR)/*.so                   the shipped plugins; plugin_dir of hotlined.yaml
#   $(INCLUDEDIR)/hotline/plugin.h      the plugin SDK
#   $(PKGCONFIGDIR)/hotline-plugin.pc   pkg-config hotline-plugin: Cflags, plugindir, the
#                                       plugin ABI as Version (from HL_ABI_* in plugin.h)
#   $(CONFDIR)/hotlined.yaml, redis.conf, routes/, calendar/
#                                       the shipped configuration, paths made to fit;
#                                       a file already there is kept, never overwritten
#   $(DATADIR)/hotline/make-tokens.sh   makes the API tokens (auth.tokens_file)
#   $(DATADIR)/hotline/console/         the web console's files (contrib/console); the
#                                       installed hotlined.yaml's console.dir
# `make install` builds first; INSTALL_ONLY=1 copies what $(BUILD) holds and never
# compiles (the SDK test installs the build it runs from that way).
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
LIBDIR ?= $(PREFIX)/lib
PLUGINDIR ?= $(LIBDIR)/hotline/plugins
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
SYSCONFDIR ?= $(PREFIX)/etc
CONFDIR ?= $(SYSCONFDIR)/hotline
DATADIR ?= $(PREFIX)/share
# The Redis socket the installed hotlined.yaml names (redis.socket).
REDIS_SOCKET ?= /run/hotline/redis.sock

SDK_HEADERS := $(wildcard core/include/hotline/*.h)
ABI_MAJOR := $(shell sed -n 's/^.define HL_ABI_MAJOR \([0-9][0-9]*\).*/\1/p' \
	core/include/hotline/plugin.h)
ABI_MINOR := $(shell sed -n 's/^.define HL_ABI_MINOR \([0-9][0-9]*\).*/\1/p' \
	core/include/hotline/plugin.h)
# A directory in the .pc file, relative to ${prefix} (or ${libdir}) when it is under it,
# so that pkg-config's --define-prefix and PKG_CONFIG_SYSROOT_DIR can move it.
pc_dir = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))
PC_SED := -e 's|@prefix@|$(PREFIX)|g' \
	-e 's|@includedir@|$(call pc_dir,$(INCLUDEDIR))|g' \
	-e 's|@libdir@|$(call pc_dir,$(LIBDIR))|g' \
	-e 's|@plugindir@|$(patsubst $(LIBDIR)/%,$${libdir}/%,$(PLUGINDIR))|g' \
	-e 's|@abi_major@|$(ABI_MAJOR)|g' -e 's|@abi_minor@|$(ABI_MINOR)|g'
# etc/hotlined.yaml (made for `make run` in this tree) fitted to the installed layout.
# run/ files (tokens) and routes/ move into $(CONFDIR); build/plugins is $(PLUGINDIR).
CONF_SED := -e 's|^\(  socket:\) *\.\./run/redis\.sock.*|\1 $(REDIS_SOCKET)  \# or address: IP:port|' \
	-e 's|^plugin_dir: *[^ \#]*|plugin_dir: $(PLUGINDIR)|' \
	-e 's|\.\./build/plugins|$(PLUGINDIR)|g' \
	-e 's|\.\./run/||g' \
	-e 's|\.\./routes|routes|g' \
	-e 's|\.\./contrib/console|$(DATADIR)/hotline/console|g'
CONF_HEADER := \
	'\# Installed by `make install` from etc/hotlined.yaml. Before the first start, edit:' \
	'\#   redis.socket      the Redis hotlined uses (redis.conf beside this file is the' \
	'\#                     shipped Redis configuration: give it --dir and --unixsocket)' \
	'\#   auth.tokens_file  make it (and tokens.env, the tokens themselves) with' \
	'\#                     $(DATADIR)/hotline/make-tokens.sh $(CONFDIR) $(CONFDIR)/routes' \
	'\#   http.listen       the address the API serves on' \
	'\# then check it with: $(SBINDIR)/hotlined -t -c $(CONFDIR)/hotlined.yaml' ''
CONF_FILES := etc/redis.conf $(wildcard routes/*.yaml) $(wildcard etc/calendar/*.yaml)
# Where each of CONF_FILES goes under $(CONFDIR).
conf_dest = $(patsubst etc/%,%,$(1))
# Installs $(1) as $(2) unless $(2) exists: an operator's edits are never overwritten.
install_conf = if [ -e "$(2)" ]; then \
	cmp -s "$(1)" "$(2)" || echo "install: kept $(2) (differs from the shipped $(3))"; \
	else install -D -m 644 "$(1)" "$(2)"; fi

install: $(if $(INSTALL_ONLY),,all)
	install -D -m 755 $(BUILD)/hotlined '$(DESTDIR)$(SBINDIR)/hotlined'
	install -D -m 755 $(BUILD)/hotlinectl '$(DESTDIR)$(BINDIR)/hotlinectl'
	install -D -m 644 contrib/man/hotlined.8 '$(DESTDIR)$(MANDIR)/man8/hotlined.8'
	install -D -m 644 contrib/man/hotlined.yaml.5 '$(DESTDIR)$(MANDIR)/man5/hotlined.yaml.5'
	install -D -m 644 contrib/man/hotlinectl.1 '$(DESTDIR)$(MANDIR)/man1/hotlinectl.1'
	install -d -m 755 '$(DESTDIR)$(LIBDIR)/systemd/system'
	sed -e 's|/usr/local/sbin|$(SBINDIR)|g' -e 's|/usr/local/etc/hotline|$(CONFDIR)|g' \
		contrib/systemd/hotlined.service > \
		'$(DESTDIR)$(LIBDIR)/systemd/system/hotlined.service'
	install -d -m 755 '$(DESTDIR)$(PLUGINDIR)'
	install -m 755 $(if $(INSTALL_ONLY),$(wildcard $(PLUGINS)),$(PLUGINS)) \
		'$(DESTDIR)$(PLUGINDIR)/'
	install -d -m 755 '$(DESTDIR)$(INCLUDEDIR)/hotline'
	install -m 644 $(SDK_HEADERS) '$(DESTDIR)$(INCLUDEDIR)/hotline/'
	@test -n '$(ABI_MAJOR)' && test -n '$(ABI_MINOR)' || \
		{ echo 'install: no HL_ABI_MAJOR/HL_ABI_MINOR in plugin.h' >&2; exit 1; }
	install -d -m 755 '$(DESTDIR)$(PKGCONFIGDIR)'
	sed $(PC_SED) contrib/hotline-plugin.pc.in > '$(DESTDIR)$(PKGCONFIGDIR)/hotline-plugin.pc'
	chmod 644 '$(DESTDIR)$(PKGCONFIGDIR)/hotline-plugin.pc'
	install -D -m 755 contrib/make-tokens.sh '$(DESTDIR)$(DATADIR)/hotline/make-tokens.sh'
	install -d -m 755 '$(DESTDIR)$(DATADIR)/hotline/console'
	@set -e; if [ -d contrib/console ]; then cd contrib/console && \
	find . -type f ! -name '.*' | while read -r f; do \
		install -D -m 644 "$$f" '$(DESTDIR)$(DATADIR)/hotline/console/'"$$f"; \
	done; fi
	install -d -m 755 '$(DESTDIR)$(CONFDIR)'
	@set -e; tmp=$$(mktemp); trap 'rm -f "$$tmp"' EXIT; \
	{ printf '%s\n' $(CONF_HEADER); sed $(CONF_SED) etc/hotlined.yaml; } > "$$tmp"; \
	$(call install_conf,$$tmp,$(DESTDIR)$(CONFDIR)/hotlined.yaml,etc/hotlined.yaml); \
	$(foreach f,$(CONF_FILES),$(call install_conf,$(f),$(DESTDIR)$(CONFDIR)/$(call conf_dest,$(f)),$(f));)
	@echo 'install: hotlined in $(DESTDIR)$(SBINDIR), plugins in $(DESTDIR)$(PLUGINDIR),' \
		'SDK in $(DESTDIR)$(INCLUDEDIR)/hotline (pkg-config hotline-plugin $(ABI_MAJOR).$(ABI_MINOR)),' \
		'configuration in $(DESTDIR)$(CONFDIR)'

# Leaves $(CONFDIR) alone: it holds the operator's configuration and the API tokens.
uninstall:
	rm -f '$(DESTDIR)$(SBINDIR)/hotlined' '$(DESTDIR)$(BINDIR)/hotlinectl' \
		'$(DESTDIR)$(MANDIR)/man8/hotlined.8' '$(DESTDIR)$(MANDIR)/man5/hotlined.yaml.5' \
		'$(DESTDIR)$(MANDIR)/man1/hotlinectl.1' \
		'$(DESTDIR)$(LIBDIR)/systemd/system/hotlined.service' \
		$(patsubst $(BUILD)/plugins/%,'$(DESTDIR)$(PLUGINDIR)/%',$(PLUGINS)) \
		$(patsubst core/include/hotline/%,'$(DESTDIR)$(INCLUDEDIR)/hotline/%',$(SDK_HEADERS)) \
		'$(DESTDIR)$(PKGCONFIGDIR)/hotline-plugin.pc' \
		'$(DESTDIR)$(DATADIR)/hotline/make-tokens.sh'
	rm -rf '$(DESTDIR)$(DATADIR)/hotline/console'
	-rmdir '$(DESTDIR)$(PLUGINDIR)' '$(DESTDIR)$(LIBDIR)/hotline' \
		'$(DESTDIR)$(INCLUDEDIR)/hotline' '$(DESTDIR)$(DATADIR)/hotline' 2>/dev/null
	@echo 'uninstall: kept $(DESTDIR)$(CONFDIR) (configuration and tokens); remove it by hand'

# Benchmarks (issue 8): not tests, never part of `make check`. The ingest and routing
# throughput benchmark needs the daemon, its plugins and the tools of contrib/bench/;
# contrib/bench/run.sh starts and stops everything it uses and rewrites its own section
# of BENCHMARKS.md (BENCH_RUNS, BENCH_SECS, BENCH_CONNS tune it; see the script).
BENCH_TOOLS := $(addprefix $(BUILD)/bench/,loadgen bare dispatch_latency)
BENCH_CFLAGS = $(ALL_CFLAGS) $(shell $(PKG_CONFIG) --cflags libevent hiredis json-c)
BENCH_LIBS = $(shell $(PKG_CONFIG) --libs libevent hiredis json-c)
# The BullMQ peer (contrib/bench/bullmq.sh): BullMQ and its Redis client from npm at the
# versions of the committed lockfile, npm ci into $(BUILD)/bench/bullmq/node_modules
# without install scripts (nothing but npm packages is fetched); node and npm come from
# contrib/deps.sh bench.
BULLMQ_STAMP = $(BUILD)/bench/bullmq/installed
BULLMQ_NPM := $(addprefix contrib/bench/bullmq/,package.json package-lock.json .npmrc)
# --- make fuzz -------------------------------------------------------------------------
# libFuzzer (clang) on the parsers of outside input: the ticket JSON, the configuration,
# the routes files and calendar, durations, the knowledge base's search tokenizer
# (kb_tokens); FUZZ_SECONDS each (default 60). Seeds: the small files of
# tests/fuzz/corpus/<target>/, and the shipped configuration, routes and calendar themselves (copied into $(BUILD)/fuzz/seed-<target>/ at each run, so they stay
# in step). Crash inputs land in tests/fuzz/crashes/<target>/: keep them there (with the
# fix), and `make check` replays them with every corpus file (tests/unit/test_fuzz_corpus.c).
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := ticket_input config routes duration kb_tokens
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	-Icore/include -Icore -Iplugins/lib -I$(BUILD)/gen -Itests/fuzz \
	-DHL_SOURCE_DIR='"$(CURDIR)"' $(shell $(PKG_CONFIG) --cflags $(DEPS))
.PHONY: fuzz fuzz-deps
fuzz-deps:
	@contrib/deps.sh fuzz
fuzz: fuzz-deps $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
	@rm -rf $(BUILD)/fuzz/seed-*; mkdir -p $(FUZZ_TARGETS:%=$(BUILD)/fuzz/seed-%)
	@cp etc/hotlined.yaml $(BUILD)/fuzz/seed-config/
	@n=0; for f in departments sla catalogue districts; do \
		{ printf "\\$$(printf %03o $$n)"; cat routes/$$f.yaml; } >$(BUILD)/fuzz/seed-routes/$$f; \
		n=$$((n + 1)); \
	done; for f in etc/calendar/*.yaml; do \
		{ printf '\004'; cat $$f; } >$(BUILD)/fuzz/seed-routes/$${f##*/}; \
	done
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(BUILD)/fuzz/corpus-$$t tests/fuzz/crashes/$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		$(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
			-artifact_prefix=tests/fuzz/crashes/$$t/ $(BUILD)/fuzz/corpus-$$t \
			tests/fuzz/corpus/$$t $(BUILD)/fuzz/seed-$$t || exit 1; \
	done

FUZZ_SRC := tests/fuzz/fuzz_targets.c $(CORE_SRC) $(wildcard plugins/lib/*.c)
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_SRC) $(LUA_INC) | fuzz-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRC) $(CORE_LIBS)

.PHONY: bench bench-deps bench-ingest bench-bullmq bench-routing bench-escalation bench-daemons \
	bench-profile bench-floor bench-kb bench-replicas
bench: bench-ingest
	$(MAKE) bench-routing
	$(MAKE) bench-escalation
	$(MAKE) bench-kb

bench-deps:
	@contrib/deps.sh bench

# bench-ingest also measures the BullMQ peer (issue 14) in the same rounds and writes its
# section; bench-bullmq measures hotlined (everysec) and BullMQ alone, for that section.
bench-ingest: all $(BENCH_TOOLS) $(BULLMQ_STAMP) | bench-deps
	contrib/bench/run.sh $(BUILD) BENCHMARKS.md

# intake with a replica, min_replicas_ack 1 against 0 (issue 18); prints, writes no file
bench-replicas: all $(BENCH_TOOLS)
	contrib/bench/replicas.sh $(BUILD) BENCHMARKS.md

bench-bullmq: all $(BENCH_TOOLS) $(BULLMQ_STAMP) | bench-deps
	BENCH_TARGETS="everysec bullmq" contrib/bench/run.sh $(BUILD) BENCHMARKS.md

$(BUILD)/bench/%: contrib/bench/%.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $< $(BENCH_LIBS)

$(BULLMQ_STAMP): $(BULLMQ_NPM) | bench-deps
	@mkdir -p $(@D)
	cp $(BULLMQ_NPM) $(@D)/
	cd $(@D) && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# How many hotlined one Redis primary serves (contrib/bench/daemons.sh, about 6 minutes):
# one Redis and k = 1, 2, 4 daemons sharing the same load, tickets/s and Redis CPU per
# ticket, and the Redis CPU an idle daemon costs; rewrites its own section of BENCHMARKS.md.
bench-daemons: all $(BUILD)/bench/loadgen $(BUILD)/bench/dispatch_latency | bench-deps
	contrib/bench/daemons.sh $(BUILD) BENCHMARKS.md

# hotlined's instructions per ticket, intake to dispatched, under callgrind
# (contrib/bench/profile.sh, under a minute); prints them, writes nothing.
bench-profile: all $(BENCH_TOOLS) | bench-deps
	contrib/bench/profile.sh $(BUILD)

# The floor of Redis's cost per ticket (contrib/bench/store_floor.sh, under a minute): the
# least a ticket must write, as two scripts (queued) and as one (routed at intake), with
# redis-benchmark on a private Redis; prints, writes nothing.
bench-floor: | bench-deps
	contrib/bench/store_floor.sh

# The routing engine (contrib/bench/routing.sh): the catalogue code of plugins/lib/ as the
# plugins link it, timed and counted with callgrind; rewrites its own section of BENCHMARKS.md.
bench-routing: $(BUILD)/bench/route_bench | bench-deps
	contrib/bench/routing.sh $(BUILD) BENCHMARKS.md

$(BUILD)/bench/route_bench: contrib/bench/route_bench.c $(PLUGIN_LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iplugins/lib -Icore $(shell $(PKG_CONFIG) --cflags json-c) -o $@ \
		$< $(PLUGIN_LIB_OBJ) $(shell $(PKG_CONFIG) --libs json-c yaml-0.1)

# The knowledge base's search over 10,000 entries (contrib/bench/kb.sh, under a minute):
# the shipped set replicated with variations into the daemon's index (core/tickets/
# kb_index.c), every labelled question searched again and again; p50/p99 latency and the
# memory per entry; rewrites its own section of BENCHMARKS.md.
bench-kb: $(BUILD)/bench/kb_bench
	contrib/bench/kb.sh $(BUILD) BENCHMARKS.md

$(BUILD)/bench/kb_bench: contrib/bench/kb_bench.c $(BUILD)/libhotline.a
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) -o $@ $< $(BUILD)/libhotline.a $(CORE_LIBS)

# The escalation engine at a million open tickets (contrib/bench/escalation.sh, about 5
# minutes, 10 at most): its tools compile the daemon's Lua scripts in (build/gen/store/lua), and
# it runs the test-clock daemon; rewrites its own section of BENCHMARKS.md.
ESC_TOOLS := $(addprefix $(BUILD)/bench/,escalation_load escalation_probe)
$(ESC_TOOLS): BENCH_CFLAGS += -I$(BUILD)/gen -Icore
$(ESC_TOOLS): $(LUA_INC)

bench-escalation: all $(BUILD)/tests/hotlined-testclock $(ESC_TOOLS) $(BUILD)/bench/loadgen \
	| bench-deps
	contrib/bench/escalation.sh $(BUILD) BENCHMARKS.md

# The module graph of core/ (includes and calls, one box per layer) as build/graph.svg;
# needs Graphviz (apt-get install graphviz), which nothing else needs.
.PHONY: graph
graph: all
	DOT=$(BUILD)/graph.dot tests/scripts/check-layers.sh $(BUILD)
	dot -Tsvg -o $(BUILD)/graph.svg $(BUILD)/graph.dot
	@echo "graph: $(BUILD)/graph.svg"

clean:
	rm -rf build

# (A folder plugin's objects have their own .d files; an older build's .d of the single
# file it once was names that file, which is gone: left out, in every build under build/,
# since the plain build's search finds the sanitized build's files too.)
-include $(filter-out $(PLUGIN_DIRS:%=\%/plugins/%.d),\
	$(shell find $(BUILD) -name '*.d' 2>/dev/null))
