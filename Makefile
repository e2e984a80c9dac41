# SPDX-License-Identifier: EUPL-1.2
# Makefile — non-recursive build of Lotse: the collector, the reporter, their
# unit tests, fuzz targets and the test, demo and benchmark runs. Source files
# are found by directory, so a new module needs no edit here:
#   common/*.c     code both programs share
#   collector/*.c  lotse-collector (collector/main.c holds main)
#   reports/*.c    lotse-report (reports/main.c holds main)
#   tests/unit/test_*.c   one unit-test program each, linked with all modules
#   tests/fuzz/fuzz_*.c   one libFuzzer target each, also built as a corpus replayer
#   tests/clickhouse/*.c  programs the ClickHouse tests drive (not suites themselves)
# `make SAN=1 BUILD=build/asan` is the ASan+UBSan build that `make test` also runs.

BUILD   ?= build
SAN     ?=
CC      ?= cc
FUZZ_CC ?= clang
PKG_CONFIG ?= pkg-config

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wpointer-arith -Wwrite-strings -Wformat=2 -Werror
CPPFLAGS_ALL = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-Icommon -Icollector -Ireports -I$(BUILD)/gen
OPT = -O2 -g
ifeq ($(SAN),1)
OPT = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
CFLAGS_ALL = -std=c11 $(OPT) $(WARN) -pthread -MMD -MP $(CFLAGS)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs libmicrohttpd sqlite3 libsodium libcurl 2>/dev/null)
LDLIBS_ALL = $(PKG_LIBS) -lcsv -lm -pthread $(LDLIBS)
LDFLAGS_ALL = $(OPT) $(LDFLAGS)

COMMON_SRC    := $(wildcard common/*.c)
COLLECTOR_SRC := $(filter-out collector/main.c,$(wildcard collector/*.c))
REPORT_SRC    := $(filter-out reports/main.c,$(wildcard reports/*.c))
UNIT_SRC      := $(wildcard tests/unit/test_*.c)
FUZZ_SRC      := $(wildcard tests/fuzz/fuzz_*.c)
CHCHECK_SRC   := $(wildcard tests/clickhouse/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
COMMON_OBJ    := $(call obj,$(COMMON_SRC))
COLLECTOR_OBJ := $(call obj,$(COLLECTOR_SRC))
REPORT_OBJ    := $(call obj,$(REPORT_SRC))
# Tests link against archives, so a test pulls in only the modules it uses.
LIBS_A        := $(BUILD)/libcollector.a $(BUILD)/libreport.a $(BUILD)/libcommon.a
UNIT_BIN      := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
REPLAY_BIN    := $(patsubst tests/fuzz/fuzz_%.c,$(BUILD)/tests/replay_%,$(FUZZ_SRC))
FUZZ_BIN      := $(patsubst tests/fuzz/fuzz_%.c,build/fuzz/fuzz_%,$(FUZZ_SRC))
CHCHECK_BIN   := $(patsubst tests/clickhouse/%.c,$(BUILD)/tests/clickhouse/%,$(CHCHECK_SRC))
GEN           := $(BUILD)/gen/schema_sql.h $(BUILD)/gen/lotse_js.h

COLLECTOR = $(BUILD)/lotse-collector
REPORTER  = $(BUILD)/lotse-report

.SECONDARY:
.PHONY: all deps test-deps bench-deps test unit demo bench fuzz install clean
all: $(COLLECTOR) $(REPORTER)

# --- Debian packages -------------------------------------------------------
DEB_BUILD = gcc make pkg-config libmicrohttpd-dev libsqlite3-dev libcsv-dev \
	libsodium-dev libcurl4-openssl-dev sqlite3 gnuplot-nox curl python3
DEB_TEST  = clang libclang-rt-14-dev valgrind chromium nodejs=node npm=npm clickhouse-server
DEB_BENCH = wrk nginx-light goaccess time
deps:
	@sh scripts/install-deps.sh $(DEB_BUILD)
test-deps: deps
	@sh scripts/install-deps.sh $(DEB_TEST)
bench-deps: deps
	@sh scripts/install-deps.sh $(DEB_BENCH)

# --- generated headers -----------------------------------------------------
$(BUILD)/embed: scripts/embed.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -O1 $(WARN) -o $@ $<
$(BUILD)/gen/schema_sql.h: schema.sql $(BUILD)/embed
	@mkdir -p $(@D)
	$(BUILD)/embed schema_sql < $< > $@
$(BUILD)/gen/lotse_js.h: scripts/lotse.js $(BUILD)/embed
	@mkdir -p $(@D)
	$(BUILD)/embed lotse_js < $< > $@

# --- objects and programs ---------------------------------------------------
$(BUILD)/obj/%.o: %.c | $(GEN)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) -c -o $@ $<

$(COLLECTOR): $(BUILD)/obj/collector/main.o $(COLLECTOR_OBJ) $(COMMON_OBJ)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)
$(REPORTER): $(BUILD)/obj/reports/main.o $(REPORT_OBJ) $(COMMON_OBJ)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)
$(BUILD)/libcommon.a: $(COMMON_OBJ)
$(BUILD)/libcollector.a: $(COLLECTOR_OBJ)
$(BUILD)/libreport.a: $(REPORT_OBJ)
$(LIBS_A):
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^
$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIBS_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)
$(BUILD)/tests/replay_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/replay_main.o $(LIBS_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

# Programs that tests/clickhouse/test_*.py drive against their own servers.
$(BUILD)/tests/clickhouse/%: $(BUILD)/obj/tests/clickhouse/%.o $(LIBS_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

unit: $(UNIT_BIN) $(REPLAY_BIN) $(CHCHECK_BIN)

# --- tests ------------------------------------------------------------------
# Everything twice: the normal build and the ASan+UBSan build. The last line
# of the run is "N passed, N failed" over both.
test: test-deps
	$(MAKE) all unit
	$(MAKE) SAN=1 BUILD=build/asan all unit
	sh tests/run.sh build build/asan

# --- fuzzing ----------------------------------------------------------------
FUZZ_SECONDS ?= 60
# Every module compiled once for all targets (with header dependencies), each target linked from them.
FUZZ_MOD_OBJ := $(patsubst %.c,build/fuzz/obj/%.o,$(COMMON_SRC) $(COLLECTOR_SRC) $(REPORT_SRC))
FUZZ_FLAGS := -O1 -g -fsanitize=address,undefined
build/fuzz/obj/%.o: %.c | $(GEN)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP $(CPPFLAGS_ALL) -c -o $@ $<
build/fuzz/fuzz_%: build/fuzz/obj/tests/fuzz/fuzz_%.o $(FUZZ_MOD_OBJ)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS_ALL)
fuzz: test-deps $(FUZZ_BIN)
	sh tests/fuzz/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

# --- demo and benchmarks ----------------------------------------------------
demo: deps
	$(MAKE) all
	sh scripts/demo.sh $(BUILD)

bench: bench-deps
	$(MAKE) all
	sh scripts/bench.sh $(BUILD)

PREFIX ?= /usr/local
install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(COLLECTOR) $(REPORTER) $(DESTDIR)$(PREFIX)/bin/

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj build/fuzz/obj -name '*.d' 2>/dev/null)
