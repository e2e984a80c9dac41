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
# Reproducible: no build path in the objects (debug info included), no dates,
# sources in sorted order; the same source in another folder gives the same binaries.
REPRO = -ffile-prefix-map=$(CURDIR)=.
CFLAGS_ALL = -std=c11 $(OPT) $(WARN) $(REPRO) -pthread -MMD -MP $(CFLAGS)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs libmicrohttpd sqlite3 libsodium libcurl 2>/dev/null)
LDLIBS_ALL = $(PKG_LIBS) -lcsv -lm -pthread $(LDLIBS)
LDFLAGS_ALL = $(OPT) $(LDFLAGS)

COMMON_SRC    := $(sort $(wildcard common/*.c))
COLLECTOR_SRC := $(sort $(filter-out collector/main.c,$(wildcard collector/*.c)))
REPORT_SRC    := $(sort $(filter-out reports/main.c,$(wildcard reports/*.c)))
UNIT_SRC      := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC      := $(sort $(wildcard tests/fuzz/fuzz_*.c))
CHCHECK_SRC   := $(sort $(wildcard tests/clickhouse/*.c))

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
GEN           := $(BUILD)/gen/schema_sql.h $(BUILD)/gen/lotse_js.h $(BUILD)/gen/lotse_js_gz.h \
                 $(BUILD)/gen/fold_table.h $(BUILD)/gen/version.h
UCD           ?= /usr/share/unicode
# The version both programs print (scripts/version.sh: git describe, else VERSION).
LOTSE_VERSION := $(shell sh scripts/version.sh)

COLLECTOR = $(BUILD)/lotse-collector
REPORTER  = $(BUILD)/lotse-report

.SECONDARY:
.PHONY: all deps test-deps bench-deps deb-deps test unit demo bench fuzz install deb clean lotse-min FORCE
all: $(COLLECTOR) $(REPORTER)

# --- Debian packages -------------------------------------------------------
DEB_BUILD = gcc make pkg-config libmicrohttpd-dev libsqlite3-dev libcsv-dev \
	libsodium-dev libcurl4-openssl-dev sqlite3 gnuplot-nox curl python3 unicode-data
DEB_TEST  = clang libclang-rt-14-dev valgrind chromium nodejs=node npm=npm \
	clickhouse-server nginx-light openssl systemd adduser
DEB_PACKAGE = debhelper dpkg-dev lintian man-db
DEB_BENCH = wrk nginx-light goaccess time chromium nodejs=node npm=npm clickhouse-server
deps:
	@sh scripts/install-deps.sh $(DEB_BUILD)
deb-deps: deps
	@sh scripts/install-deps.sh $(DEB_PACKAGE)
test-deps: deps deb-deps
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
# The collector serves the minified script; `make lotse-min` remakes it from
# scripts/lotse.js (needs npm; the browser test checks it is up to date).
$(BUILD)/gen/lotse_js.h: scripts/lotse.min.js $(BUILD)/embed
	@mkdir -p $(@D)
	$(BUILD)/embed lotse_js < $< > $@
# lotse.js compressed once, here (gzip -n: no name or time, so the build is reproducible).
$(BUILD)/gen/lotse_js_gz.h: scripts/lotse.min.js $(BUILD)/embed
	@mkdir -p $(@D)
	gzip -9n < $< > $@.gz
	$(BUILD)/embed lotse_js_gz < $@.gz > $@
	rm -f $@.gz
# The Unicode folding table of collector/fold.c, from Debian's unicode-data.
$(BUILD)/gen/fold_table.h: scripts/gen_fold.py $(UCD)/UnicodeData.txt
	@mkdir -p $(@D)
	python3 scripts/gen_fold.py $(UCD) > $@.tmp
	mv $@.tmp $@
# Rewritten only when the version changed, so that only its users recompile.
$(BUILD)/gen/version.h: FORCE
	@mkdir -p $(@D)
	@printf '#define LOTSE_VERSION "%s"\n' '$(LOTSE_VERSION)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

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

lotse-min: test-deps
	sh tests/browser/npm-install.sh
	node tests/browser/minify.js

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

# --- installing and packaging -------------------------------------------------
# `make install` puts the programs and manual pages under PREFIX; the systemd
# units, /etc/lotse and the nginx example come with the Debian package
# (`make deb` → build/lotse_VERSION_ARCH.deb, see debian/ and docs/betrieb.md).
PREFIX ?= /usr/local
MANPAGES = man/lotse-collector.8 man/lotse-report.1 man/lotse.conf.5
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 755 $(COLLECTOR) $(REPORTER) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/lotse-report.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/lotse.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 man/lotse-collector.8 $(DESTDIR)$(PREFIX)/share/man/man8/

deb: deb-deps
	sh scripts/build-deb.sh '$(LOTSE_VERSION)'

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj build/fuzz/obj -name '*.d' 2>/dev/null)
