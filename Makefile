# hotline: one entry point.
#   make                 build hotlined and the plugins (into build/)
#   make run             install missing packages, build, start a private Redis and hotlined
#   make check           install missing packages, run every test plain and under ASan+UBSan
#   make SANITIZE=address,undefined   the same build with sanitizers (build/san-address-undefined/)
#   make clean
ifeq ($(origin CC),default)
CC := gcc
endif
PKG_CONFIG ?= pkg-config
DEPS := libevent hiredis yaml-0.1 json-c libcrypto

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
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) $(SAN_FLAGS) -MMD -MP
CORE_CFLAGS = $(ALL_CFLAGS) -Icore/include -Icore -I$(BUILD)/gen \
	$(shell $(PKG_CONFIG) --cflags $(DEPS))
CORE_LIBS = $(shell $(PKG_CONFIG) --libs $(DEPS)) -ldl
PLUGIN_CFLAGS := $(ALL_CFLAGS) -Icore/include -fPIC -fvisibility=hidden
PLUGIN_LDFLAGS := $(SAN_FLAGS) -shared -Wl,-z,defs
SHIPPED_PLUGIN_CFLAGS = $(PLUGIN_CFLAGS) -Iplugins/lib -Icore -ffunction-sections \
	$(shell $(PKG_CONFIG) --cflags yaml-0.1)
SHIPPED_PLUGIN_LIBS = -Wl,--gc-sections -Wl,--as-needed $(shell $(PKG_CONFIG) --libs yaml-0.1)
TEST_CFLAGS = $(CORE_CFLAGS) -Itests/support \
	-DHL_SOURCE_DIR='"$(CURDIR)"' -DHL_BUILD_DIR='"$(abspath $(BUILD))"' \
	$(shell $(PKG_CONFIG) --cflags criterion)
TEST_LIBS = $(CORE_LIBS) $(shell $(PKG_CONFIG) --libs criterion)

CORE_SRC := $(filter-out core/main.c core/test_clock.c,$(wildcard core/*.c))
# The daemon the deadline tests drive: the same, with a clock tests can move.
TESTCLOCK_OBJ := $(BUILD)/testclock/clock.o $(BUILD)/testclock/daemon.o \
	$(BUILD)/testclock/test_clock.o
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
LUA_INC := $(patsubst core/lua/%.lua,$(BUILD)/gen/lua/%.lua.inc,$(wildcard core/lua/*.lua))
PLUGINS := $(patsubst plugins/%.c,$(BUILD)/plugins/%.so,$(wildcard plugins/*.c))
# Code the shipped plugins share (plugins/lib/, and the YAML reader of core/), compiled
# position-independent and linked into each plugin; the linker keeps what each one uses.
PLUGIN_LIB_SRC := $(wildcard plugins/lib/*.c) core/yaml_tree.c
PLUGIN_LIB_OBJ := $(PLUGIN_LIB_SRC:%.c=$(BUILD)/pic/%.o)
.SECONDARY: $(PLUGIN_LIB_OBJ)

# Purpose-made plugins for the loader tests: one source, one variant per -D flag.
TEST_PLUGIN_VARIANTS := good abi_major abi_minor no_descriptor init_fails bad_default \
	route_fails route_slow route_async
TEST_PLUGINS := $(TEST_PLUGIN_VARIANTS:%=$(BUILD)/tests/plugins/%.so)
SUPPORT_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/support/*.c))
# Unit tests also link the shared plugin code (plugins/lib/) to test it directly.
UNIT_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/*.c)) $(SUPPORT_OBJ) \
	$(patsubst %.c,$(BUILD)/%.o,$(wildcard plugins/lib/*.c))
INTEG_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/integration/*.c)) $(SUPPORT_OBJ)

.PHONY: all run check test deps clean
all: $(BUILD)/hotlined $(PLUGINS)

deps:
	@contrib/deps.sh

$(BUILD)/gen/lua/%.lua.inc: core/lua/%.lua
	@mkdir -p $(@D)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< > $@

$(BUILD)/core/scripts.o: $(LUA_INC)

$(BUILD)/core/%.o: core/%.c
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) -c -o $@ $<

$(BUILD)/testclock/%.o: core/%.c
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) -DHL_TEST_CLOCK -c -o $@ $<

$(BUILD)/tests/hotlined-testclock: $(BUILD)/core/main.o $(TESTCLOCK_OBJ) $(BUILD)/libhotline.a
	@mkdir -p $(@D)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(CORE_LIBS)

$(BUILD)/libhotline.a: $(CORE_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/hotlined: $(BUILD)/core/main.o $(BUILD)/libhotline.a
	$(CC) $(SAN_FLAGS) -o $@ $^ $(CORE_LIBS)

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(SHIPPED_PLUGIN_CFLAGS) -c -o $@ $<

$(BUILD)/plugins/%.so: plugins/%.c core/include/hotline/plugin.h $(PLUGIN_LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(SHIPPED_PLUGIN_CFLAGS) $(PLUGIN_LDFLAGS) -o $@ $< $(PLUGIN_LIB_OBJ) \
		$(SHIPPED_PLUGIN_LIBS)

$(BUILD)/tests/plugins/%.so: tests/plugins/test_plugin.c core/include/hotline/plugin.h
	@mkdir -p $(@D)
	$(CC) $(PLUGIN_CFLAGS) -DVARIANT_$(shell echo $* | tr a-z A-Z) $(PLUGIN_LDFLAGS) -o $@ $<

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -Iplugins/lib -c -o $@ $<

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
	$(BUILD)/tests/unit-tests
	$(BUILD)/tests/integration-tests

check: deps
	$(MAKE) test
	$(MAKE) SANITIZE=address,undefined test

run: deps
	$(MAKE) all
	contrib/run.sh $(BUILD)

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
