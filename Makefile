# Maillage - plain GNU make, no generated build system.
#
#   make            build build/collector and build/merger
#   make check      every test, with ASan and UBSan, warnings as errors
#   make torture    the reliability tests (t7*), many more iterations
#   make demo       a realistic month, coordinator and five organisations
#   make bench      benchmarks (docs/BENCHMARKS.md)
#   make fuzz       longer fuzzing runs (clang/libFuzzer)
#   make static     static collector and merger (build/static/)
#   make windows    collector.exe and merger.exe (build/windows/, mingw-w64)
#   make check-windows  the Windows programs under Wine (t8300)
#   make dist       maillage-VERSION-linux-x86_64.tar.gz (+ the Windows zip)
#   make install    PREFIX=/usr/local DESTDIR=
#
# Dependencies (sqlite3, zlib, libsodium; libxlsxwriter for the merger) come
# from pkg-config; when they are missing, tools/ensure-deps installs them
# on Debian (as root or with passwordless sudo) or prints the one command
# to run.

VERSION  := $(shell cat VERSION)
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
CC       ?= cc
AR       ?= ar
EXE      ?=
PKGS     := sqlite3 zlib libsodium

# Checked once per make invocation, before pkg-config is asked anything.
DEPS_OK  := $(shell tools/ensure-deps >&2 && echo yes)
ifneq ($(DEPS_OK),yes)
$(error missing dependencies, see the message above)
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
# libxlsxwriter writes the merger's workbooks (--format xlsx): the merger's
# link only.  The static build links its own (tools/static-deps).
MERGER_CFLAGS := $(shell pkg-config --cflags xlsxwriter)
MERGER_LIBS   := $(shell pkg-config --libs xlsxwriter)

# The collector's window (collector ui) is served by GNU libmicrohttpd.
# The ordinary build loads it when the window opens (collector/ui.c,
# MAILLAGE_MHD_DLOPEN), so that the other commands do not load GnuTLS and
# its libraries; `make static` and `make windows` point these at a copy
# they link (tools/static-deps, tools/windows-deps).
MHD_CFLAGS ?= $(shell pkg-config --cflags libmicrohttpd) -DMAILLAGE_MHD_DLOPEN
MHD_LIBS   ?=

WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wvla -Wno-unused-parameter
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -pthread \
            -DMAILLAGE_VERSION='"$(VERSION)"' $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) \
            -Iformat -Ishell $(PKG_CFLAGS)
LDLIBS   := $(PKG_LIBS) -lm

FORMAT_SRC    := $(sort $(wildcard format/*.c))
SHELL_SRC     := $(sort $(wildcard shell/*.c))
COLLECTOR_SRC := $(sort $(wildcard collector/*.c))
MERGER_SRC    := $(sort $(wildcard merger/*.c))
UNIT_SRC      := $(sort $(wildcard tests/unit/test_*.c))
TOOL_SRC      := $(sort $(wildcard tests/tools/*.c))
FUZZ_TARGETS  := $(sort $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))

FORMAT_OBJ    := $(FORMAT_SRC:%.c=$(BUILD)/obj/%.o)
# The message catalogues (po/*.po, docs/TRANSLATION.md), compiled into
# the programs by tools/po2c: nothing is looked up at run time.
CATALOGUE_OBJ := $(patsubst po/%.po,$(BUILD)/obj/gen/catalogue_%.o,$(sort $(wildcard po/*.po)))
SHELL_OBJ     := $(SHELL_SRC:%.c=$(BUILD)/obj/%.o) $(CATALOGUE_OBJ)
COLLECTOR_OBJ := $(COLLECTOR_SRC:%.c=$(BUILD)/obj/%.o) $(SHELL_OBJ) $(BUILD)/obj/gen/ui_assets.o
# The window's style and script, carried inside the collector.
UI_ASSETS     := collector/ui/style.css collector/ui/app.js
# The default questionnaire edition, carried inside the merger.
DEFAULT_QN    := samples/questionnaire/tables.csv samples/questionnaire/lists.csv \
                 samples/questionnaire/rules.csv
MERGER_OBJ    := $(MERGER_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/default_qn.o \
                 $(SHELL_OBJ)
UNIT_BIN      := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_BIN      := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
REPLAY_BIN    := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)
SHIM_BIN      := $(BUILD)/tools/libfailio.so

.PHONY: all check unit torture demo bench fuzz libfuzzers static windows check-windows \
	dist install clean
.DELETE_ON_ERROR:

all: $(BUILD)/collector$(EXE) $(BUILD)/merger$(EXE)

$(BUILD)/obj/%.o: %.c $(wildcard format/*.h shell/*.h collector/*.h merger/*.h) VERSION
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I$(dir $<) -c $< -o $@

$(BUILD)/obj/merger/%.o: ALL_CFLAGS += $(MERGER_CFLAGS)

# tools/embed runs on the build machine, whatever CC builds for.
$(BUILD)/gen/embed: tools/embed.c
	@mkdir -p $(dir $@)
	cc -O2 -o $@ $<

$(BUILD)/gen/default_qn.c: $(BUILD)/gen/embed $(DEFAULT_QN)
	$(BUILD)/gen/embed $@ default_qn_tables samples/questionnaire/tables.csv \
		default_qn_lists samples/questionnaire/lists.csv \
		default_qn_rules samples/questionnaire/rules.csv

# tools/po2c also refuses a translation whose printf conversions differ
# from its source text's, which msg() would misuse.
$(BUILD)/gen/po2c: tools/po2c.c
	@mkdir -p $(dir $@)
	cc -O2 -o $@ $<

$(BUILD)/gen/catalogue_%.c: po/%.po $(BUILD)/gen/po2c
	$(BUILD)/gen/po2c $< $@ catalogue_$*

$(BUILD)/obj/gen/catalogue_%.o: $(BUILD)/gen/catalogue_%.c shell/tr.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/obj/gen/default_qn.o: $(BUILD)/gen/default_qn.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/gen/ui_assets.c: $(BUILD)/gen/embed $(UI_ASSETS)
	$(BUILD)/gen/embed $@ ui_style_css collector/ui/style.css ui_app_js collector/ui/app.js

$(BUILD)/obj/gen/ui_assets.o: $(BUILD)/gen/ui_assets.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/obj/collector/ui.o $(BUILD)/obj/collector/ui_pages.o: EXTRA_CFLAGS += $(MHD_CFLAGS)

$(BUILD)/libformat.a: $(FORMAT_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/collector$(EXE): $(COLLECTOR_OBJ) $(BUILD)/libformat.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(COLLECTOR_OBJ) $(BUILD)/libformat.a $(MHD_LIBS) \
		$(LDLIBS)

$(BUILD)/merger$(EXE): $(MERGER_OBJ) $(BUILD)/libformat.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(MERGER_OBJ) $(BUILD)/libformat.a $(MERGER_LIBS) \
		$(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/tap.h tests/unit/scratch.h tests/tools/samplegen.h \
		$(BUILD)/libformat.a $(SHELL_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(SHELL_OBJ) $(BUILD)/libformat.a $(LDLIBS)

$(BUILD)/tools/%: tests/tools/%.c tests/tools/samplegen.h $(BUILD)/libformat.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libformat.a $(LDLIBS)

# Fuzz targets, twice: replay drivers (any compiler) that make check runs
# over the seed corpus and every past crash, and libFuzzer binaries (clang)
# for coverage-guided runs, short in make check, long in make fuzz.
$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(BUILD)/libformat.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/libformat.a $(LDLIBS)

$(BUILD)/fuzz/lf_%: tests/fuzz/fuzz_%.c $(BUILD)/libformat.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
		$(BUILD)/libformat.a $(LDLIBS)

libfuzzers: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/lf_%)

# The I/O failure shim of the reliability tests (LD_PRELOAD), built
# without sanitizers: it wraps libc under whichever program it is put.
$(SHIM_BIN): tests/shim/failio.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O1 -g -fPIC -shared -o $@ $< -ldl

unit: all $(UNIT_BIN) $(TOOL_BIN) $(REPLAY_BIN) $(SHIM_BIN)

# The checked build lives in its own folder so that `make` and `make check`
# never mix objects compiled with and without sanitizers.
SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=all -Werror

# libFuzzer needs clang; without it the fuzz binaries are skipped and the
# replay drivers still run.  Its objects are built apart (build/lf), since
# clang's and gcc's sanitizer runtimes do not mix.
LF_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
            -fno-sanitize-recover=all -Werror

check:
	@$(MAKE) --no-print-directory BUILD=build/san CFLAGS="$(SAN_FLAGS)" \
		LDFLAGS="-fsanitize=address,undefined" unit
	@if command -v clang >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory BUILD=build/lf CC=clang CFLAGS="$(LF_FLAGS)" libfuzzers; \
	else echo "clang not found: coverage-guided fuzzing skipped (replays still run)"; fi
	@$(MAKE) --no-print-directory static
	@MAILLAGE_BUILD=$(CURDIR)/build/san MAILLAGE_LF=$(CURDIR)/build/lf tools/run-tests

# The reliability tests (tests/t/t7*) with many more iterations.
torture:
	@$(MAKE) --no-print-directory BUILD=build/san CFLAGS="$(SAN_FLAGS)" \
		LDFLAGS="-fsanitize=address,undefined" unit
	@MAILLAGE_BUILD=$(CURDIR)/build/san tools/torture

fuzz:
	@$(MAKE) --no-print-directory BUILD=build/lf CC=clang CFLAGS="$(LF_FLAGS)" libfuzzers
	@MAILLAGE_LF=$(CURDIR)/build/lf tools/fuzz $${FUZZ_SECONDS:-600}

demo: all
	@MAILLAGE_BUILD=$(CURDIR)/$(BUILD) tools/demo

bench:
	@$(MAKE) --no-print-directory all
	@MAILLAGE_BUILD=$(CURDIR)/$(BUILD) bench/run

# Static build (docs/PORTABLE.md): one self-contained, stripped x86_64
# executable per program, linked against Debian's static libraries
# (libsqlite3.a, libsodium.a, libz.a, glibc's libc.a, and the merger's
# libxlsxwriter.a built by tools/static-deps), to copy onto a USB
# stick or a laptop where nothing is installed.  Objects live apart in
# build/static.  Non-PIE: static-pie works too but costs ~150 KB, and the
# collector must stay under 4 MB.  libmicrohttpd comes from
# tools/static-deps (built from Debian's source without HTTPS: Debian's
# libmicrohttpd.a pulls GnuTLS, which cannot be linked statically).
#
# libsqlite3.a can load extensions, so it calls dlopen(), and glibc warns
# that a static program using dlopen needs the shared libraries of the
# same glibc at run time.  We never enable extension loading, and these
# programs must not load anything: --wrap=dlopen sends SQLite's one call
# to tools/static/nodlopen.c, which always fails, so nothing calls glibc's
# dlopen and the warning does not arise.  --fatal-warnings turns any other
# such warning (getpwnam and the rest of NSS, iconv) into a failed build
# instead of a surprise on a field laptop.
STATIC         := build/static
STATIC_NODL    := $(STATIC)/obj/tools/static/nodlopen.o
STATIC_CFLAGS  := -O2 -ffunction-sections -fdata-sections
STATIC_LDFLAGS := -static -s -Wl,--gc-sections -Wl,--fatal-warnings -Wl,--wrap=dlopen
STATIC_LIBS     = $(STATIC_NODL) $(shell pkg-config --static --libs $(PKGS)) -lm

$(STATIC)/collector $(STATIC)/merger: $(STATIC_NODL)

# libmicrohttpd without HTTPS and libxlsxwriter have no usable static
# build in Debian: tools/static-deps makes them from Debian's sources.
STATIC_DEPS    := build/static-deps

static:
	@tools/static-deps $(CC)
	@$(MAKE) --no-print-directory BUILD=$(STATIC) CFLAGS="$(STATIC_CFLAGS)" \
		LDFLAGS="$(STATIC_LDFLAGS)" LDLIBS="$(STATIC_LIBS)" \
		MERGER_CFLAGS="-I$(STATIC_DEPS)/include" \
		MERGER_LIBS="$(STATIC_DEPS)/lib/libxlsxwriter.a" \
		MHD_CFLAGS="-I$(STATIC_DEPS)/include" MHD_LIBS="$(STATIC_DEPS)/lib/libmicrohttpd.a" \
		$(STATIC)/collector $(STATIC)/merger
	@tools/check-static $(STATIC)/collector $(STATIC)/merger

# Windows build (docs/PORTABLE.md): collector.exe and merger.exe for
# x86_64 Windows, cross-compiled with Debian's mingw-w64 and linked
# statically (only Windows system DLLs are imported).  tools/windows-deps
# builds SQLite, libsodium, libmicrohttpd and libxlsxwriter from Debian's source packages
# into build/windows-deps once; zlib is libz-mingw-w64-dev.  Every file is
# compiled with format/os_win.h first, which gives the POSIX calls their
# Windows meaning (UTF-16 paths, MoveFileExW...); -municode makes
# os_win.c's wmain() the entry point.  libmicrohttpd (the collector's
# window) and libxlsxwriter (the merger's workbooks) come in through WIN_PARTS.
# -Wno-format: mingw's gcc checks format(printf) attributes against
# Microsoft's printf, which lacks %zu and %jd; the programs print through
# mingw's C99 printf (__USE_MINGW_ANSI_STDIO), and the Linux build checks
# the same formats.
WIN          := build/windows
WIN_CC       := x86_64-w64-mingw32-gcc
WIN_DEPS     := build/windows-deps
WIN_CFLAGS   := -O2 -ffunction-sections -fdata-sections -include format/os_win.h \
                -Iformat/win -I$(WIN_DEPS)/include -DSODIUM_STATIC -D__USE_MINGW_ANSI_STDIO=1 -Wno-format
WIN_LDFLAGS  := -static -s -municode -Wl,--gc-sections
WIN_LIBS     := -L$(WIN_DEPS)/lib -lsqlite3 -lsodium -lz -lws2_32 -lm
# The window's and the workbooks' libraries, in place of the build
# machine's pkg-config answers (headers: $(WIN_DEPS)/include).
WIN_PARTS    := MHD_CFLAGS= MHD_LIBS=-lmicrohttpd MERGER_CFLAGS= MERGER_LIBS=-lxlsxwriter

windows:
	@tools/windows-deps
	@$(MAKE) --no-print-directory BUILD=$(WIN) CC=$(WIN_CC) AR=x86_64-w64-mingw32-ar EXE=.exe \
		PKG_CFLAGS= CFLAGS="$(WIN_CFLAGS)" LDFLAGS="$(WIN_LDFLAGS)" LDLIBS="$(WIN_LIBS)" \
		$(WIN_PARTS) $(WIN)/collector.exe $(WIN)/merger.exe

# Not part of make check: the libraries take longer to build than the
# whole test suite takes to run (docs/PORTABLE.md).
check-windows: windows
	@$(MAKE) --no-print-directory BUILD=build/san CFLAGS="$(SAN_FLAGS)" \
		LDFLAGS="-fsanitize=address,undefined" all
	@MAILLAGE_BUILD=$(CURDIR)/build/san MAILLAGE_SRC=$(CURDIR) prove -v --exec '' \
		tests/t/t8300-windows.sh

# dist/maillage-VERSION-linux-x86_64.tar.gz: the static programs, the man
# pages, the field guide, the CSV templates, README.md and SHA256SUMS;
# dist/maillage-VERSION-windows-x86_64.zip: the .exe files, the field
# guide, the bundled libraries' licences and SHA256SUMS.
dist: static windows
	@tools/mkdist $(STATIC) dist $(WIN)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BUILD)/collector $(BUILD)/merger $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 docs/collector.1 docs/merger.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build dist

# map-svg includes the map sources itself (test programs link only libformat).
$(BUILD)/tools/map-svg: merger/map.c merger/map_data.c merger/map.h
