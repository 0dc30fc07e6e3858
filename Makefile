# SPDX-License-Identifier: GPL-2.0-only
#
# One top-level build for ior. Everything lands under $(O) (default build/).
#   make            ior-record and ior-analyze
#   make analyzer   ior-analyze only (no libbpf, no BTF, no root needed)
#   make check      install deps, build with -Werror, run every test tier
#   make demo       record the bundled workload and show its reports
#   make fuzz       build the libFuzzer targets
#   make static     a fully static ior-record
#   make bench      build the benchmarks in $(O)/bench (BENCHMARKS.md: how to run each)
#   make install    binaries, manual pages, bash completion (PREFIX, DESTDIR); make uninstall
#   make deb        a Debian package, build/ior_VERSION_ARCH.deb
#   V=1             show full command lines

O ?= build
OUTPUT ?= $(O)
OUT := $(abspath $(OUTPUT))

CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

VERSION := 0.1.0
WERROR ?=
CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Wshadow -Wno-unused-parameter \
	-Wstrict-prototypes -Wmissing-prototypes $(if $(WERROR),-Werror) \
	-D_GNU_SOURCE -DIOR_VERSION='"$(VERSION)"' -MMD -MP \
	-I. -I$(OUT)
LDFLAGS ?=

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(patsubst $(OUT)/%,%,$(2))";
endif

# Libraries come from pkg-config; a missing one stops the build with the remedy.
define pkg
$(or $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null),$(error missing library '$(1)': run 'make deps' (or scripts/install-deps.sh)))
endef

ZSTD_LIBS = $(call pkg,libzstd)
ZLIB_LIBS = $(call pkg,zlib)
BPF_LIBS = $(call pkg,libbpf) $(call pkg,libelf)
CBOR_LIBS = $(call pkg,libcbor)
CHECK_LIBS = $(call pkg,check)

COMMON_SRC := $(wildcard common/*.c)
FORMAT_SRC := $(wildcard format/*.c)
ANALYZER_SRC := $(filter-out analyzer/main.c,$(wildcard analyzer/*.c))
RECORDER_SRC := $(filter-out recorder/main.c,$(wildcard recorder/*.c))
TEST_SRC := $(wildcard tests/check_*.c)
TEST_SUITES := $(sort $(patsubst tests/check_%.c,%,$(filter-out tests/check_main.c,$(TEST_SRC))))
TEST_HELPERS := $(wildcard tests/t_*.c)

obj = $(patsubst %.c,$(OUT)/%.o,$(1))

LIBCOMMON := $(OUT)/libior-common.a
LIBFORMAT := $(OUT)/libior-format.a
LIBANALYZER := $(OUT)/libior-analyzer.a
LIBRECORDER := $(OUT)/libior-recorder.a

IOR_RECORD := $(OUT)/ior-record
IOR_ANALYZE := $(OUT)/ior-analyze
CHECK_RUNNER := $(OUT)/tests/check-runner
WORKLOADS := $(patsubst tests/workloads/%.c,$(OUT)/workloads/%,$(wildcard tests/workloads/*.c))
BROWSER_TOOLS := $(patsubst tests/browser/%.c,$(OUT)/tests/browser/%,$(wildcard tests/browser/*.c))

.PHONY: all analyzer recorder check test unit-test check-runner deps demo fuzz static bench clean format-code \
	install install-analyzer uninstall deb man completion
all: $(IOR_RECORD) $(IOR_ANALYZE) $(WORKLOADS) $(BROWSER_TOOLS)
analyzer: $(IOR_ANALYZE)
recorder: $(IOR_RECORD)

deps:
	scripts/install-deps.sh

# ---- static libraries, one per layer -------------------------------------
$(LIBCOMMON): $(call obj,$(COMMON_SRC))
$(LIBFORMAT): $(call obj,$(FORMAT_SRC))
$(LIBANALYZER): $(call obj,$(ANALYZER_SRC))
$(LIBRECORDER): $(call obj,$(RECORDER_SRC))
$(OUT)/%.a:
	$(call msg,AR,$@)
	$(Q)mkdir -p $(@D) && rm -f $@ && $(AR) rcs $@ $^

$(OUT)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) -c $< -o $@

# ---- BPF: vmlinux.h from the build host's BTF, object, skeleton -----------
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
$(OUT)/vmlinux.h:
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D) && test -r $(VMLINUX_BTF) || \
		{ echo "ior: no kernel BTF at $(VMLINUX_BTF); set VMLINUX_BTF=FILE or build 'make analyzer' only" >&2; exit 1; }
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(OUT) -I. -Wall -Wno-unused-function \
	-MMD -MP -mcpu=v3
$(OUT)/bpf/%.bpf.o: bpf/%.bpf.c $(OUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D) && $(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/%.skel.h: $(OUT)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@.tmp && mv $@.tmp $@

# The build host's syscall numbers, name -> number, from its kernel headers.
$(OUT)/recorder/syscall_nrs.inc:
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D) && echo '#include <asm/unistd.h>' | $(CC) -dM -E - | \
		sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9][0-9]*\)$$/IOR_NR(\1, \2)/p' | \
		sort -u > $@.tmp && mv $@.tmp $@
$(OUT)/recorder/sysnr.o: $(OUT)/recorder/syscall_nrs.inc

BPF_SRC := $(wildcard bpf/*.bpf.c)
SKELETONS := $(patsubst bpf/%.bpf.c,$(OUT)/%.skel.h,$(BPF_SRC))
# Recorder objects include the skeletons; make them exist before compiling.
$(call obj,$(RECORDER_SRC) recorder/main.c): | $(SKELETONS)

# ---- programs --------------------------------------------------------------
$(IOR_ANALYZE): $(OUT)/analyzer/main.o $(LIBANALYZER) $(LIBFORMAT) $(LIBCOMMON)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(ZSTD_LIBS) $(ZLIB_LIBS) -lpthread -lm

$(IOR_RECORD): $(OUT)/recorder/main.o $(LIBRECORDER) $(LIBFORMAT) $(LIBCOMMON)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(BPF_LIBS) $(ZSTD_LIBS) $(ZLIB_LIBS) -lpthread

static: $(OUT)/static/ior-record
$(OUT)/static/ior-record: $(OUT)/recorder/main.o $(LIBRECORDER) $(LIBFORMAT) $(LIBCOMMON)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D) && $(CC) -static $(LDFLAGS) -o $@ $^ -lbpf -lelf -lz -lzstd -lpthread

# Workloads the integration tests and the demo record (plain C, no libraries).
$(OUT)/workloads/%: tests/workloads/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) -o $@ $< -lpthread

# Drivers of the browser tests (tests/browser/*.c): small programs over the analyzer library.
$(BROWSER_TOOLS): $(OUT)/tests/browser/%: $(OUT)/tests/browser/%.o $(LIBANALYZER) $(LIBFORMAT) \
		$(LIBCOMMON)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(ZSTD_LIBS) $(ZLIB_LIBS) -lpthread -lm

# ---- tests -------------------------------------------------------------------
TEST_LIBS := $(LIBANALYZER) $(LIBRECORDER) $(LIBFORMAT) $(LIBCOMMON)
$(CHECK_RUNNER): $(call obj,$(TEST_SRC) $(TEST_HELPERS)) $(TEST_LIBS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(CBOR_LIBS) $(BPF_LIBS) \
		$(ZSTD_LIBS) $(ZLIB_LIBS) -lpthread -lm
$(call obj,$(TEST_SRC) $(TEST_HELPERS)): | $(SKELETONS)
# Suites are found by name through suites.inc, not through a header.
$(call obj,$(TEST_SRC)): override CFLAGS += -Wno-missing-prototypes

# The runner's suite list, rewritten only when the set of tests/check_*.c files changes.
$(OUT)/tests/check_main.o: $(OUT)/tests/suites.inc
$(OUT)/tests/suites.inc: FORCE
	$(Q)mkdir -p $(@D) && printf 'IOR_SUITE(%s)\n' $(TEST_SUITES) > $@.tmp && \
		(cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@)
FORCE:

check-runner: $(CHECK_RUNNER)
unit-test: $(CHECK_RUNNER) $(IOR_ANALYZE) $(IOR_RECORD) $(WORKLOADS)
	IOR_BUILD=$(OUT) $(CHECK_RUNNER)

# make check: what CI runs. Installs deps, builds with -Werror, runs all tiers.
check: deps
	$(MAKE) --no-print-directory WERROR=1 all $(CHECK_RUNNER)
	scripts/run-tests.sh $(OUT)
test: check

demo: deps
	$(MAKE) --no-print-directory all
	scripts/demo.sh $(OUT)

# ---- fuzzing (libFuzzer + ASan/UBSan, clang) ----------------------------------
FUZZ_OUT := $(OUT)/fuzz
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-std=gnu11 -D_GNU_SOURCE -DIOR_VERSION='"$(VERSION)"' -I.
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,$(FUZZ_OUT)/fuzz_%,$(wildcard tests/fuzz/fuzz_*.c))
fuzz: $(FUZZ_TARGETS)
$(FUZZ_OUT)/fuzz_%: tests/fuzz/fuzz_%.c $(COMMON_SRC) $(FORMAT_SRC) $(ANALYZER_SRC)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D) && $(CLANG) $(FUZZ_CFLAGS) -o $@ $^ $(ZSTD_LIBS) $(ZLIB_LIBS) -lpthread -lm

# ---- benchmarks -------------------------------------------------------------
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(patsubst bench/%.c,$(OUT)/bench/%,$(BENCH_SRC))
bench: all $(BENCH_BIN)
$(OUT)/bench/%: bench/%.c $(LIBANALYZER) $(LIBRECORDER) $(LIBFORMAT) $(LIBCOMMON) | $(SKELETONS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) -o $@ $^ $(BPF_LIBS) $(ZSTD_LIBS) $(ZLIB_LIBS) \
		-lpthread -lm

# ---- install, uninstall, Debian package -----------------------------------------
# ior-record goes to sbin: it needs root (or CAP_BPF and CAP_PERFMON), like bpftool and
# the bcc tools, and its page is in section 8. 'install-analyzer' installs ior-analyze
# alone, for machines without libbpf or BTF.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL ?= install

MANPAGES := $(OUT)/man/ior-record.8 $(OUT)/man/ior-analyze.1
COMPLETION := $(OUT)/completions/ior
man: $(MANPAGES)
completion: $(COMPLETION)

# The manual pages with this version in their footer.
$(OUT)/man/%: man/% Makefile
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D) && sed '/^\.TH /s/"ior [^"]*"/"ior $(VERSION)"/' $< > $@.tmp && mv $@.tmp $@

# The completion with the names of the syscalls ior traces.
$(COMPLETION): completions/ior.bash common/syscalls.c
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D) && names=$$(sed -n 's/^[[:space:]]*SC("\([a-z0-9_]*\)".*/\1/p' \
		common/syscalls.c | sort | tr '\n' ' ') && \
		sed "s/@IOR_SYSCALLS@/$${names% }/" $< > $@.tmp && mv $@.tmp $@

# $(call install-file,MODE,FILE,DESTINATION)
define install-file
	$(call msg,INSTALL,$(3))
	$(Q)$(INSTALL) -D -m $(1) $(2) $(3)
endef

install-analyzer: $(IOR_ANALYZE) $(OUT)/man/ior-analyze.1 $(COMPLETION)
	$(call install-file,0755,$(IOR_ANALYZE),$(DESTDIR)$(BINDIR)/ior-analyze)
	$(call install-file,0644,$(OUT)/man/ior-analyze.1,$(DESTDIR)$(MANDIR)/man1/ior-analyze.1)
	$(call install-file,0644,$(COMPLETION),$(DESTDIR)$(BASHCOMPDIR)/ior-analyze)

install: install-analyzer $(IOR_RECORD) $(OUT)/man/ior-record.8
	$(call install-file,0755,$(IOR_RECORD),$(DESTDIR)$(SBINDIR)/ior-record)
	$(call install-file,0644,$(OUT)/man/ior-record.8,$(DESTDIR)$(MANDIR)/man8/ior-record.8)
	$(call msg,LN,$(DESTDIR)$(BASHCOMPDIR)/ior-record)
	$(Q)ln -sf ior-analyze $(DESTDIR)$(BASHCOMPDIR)/ior-record

uninstall:
	$(call msg,RM,ior from $(DESTDIR)$(PREFIX))
	$(Q)rm -f $(DESTDIR)$(BINDIR)/ior-analyze $(DESTDIR)$(SBINDIR)/ior-record \
		$(DESTDIR)$(MANDIR)/man1/ior-analyze.1 $(DESTDIR)$(MANDIR)/man8/ior-record.8 \
		$(DESTDIR)$(BASHCOMPDIR)/ior-analyze $(DESTDIR)$(BASHCOMPDIR)/ior-record

# The package: a staged 'make install PREFIX=/usr' wrapped by scripts/mkdeb.sh.
DEB = $(OUT)/ior_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null || echo unknown).deb
deb: $(IOR_RECORD) $(IOR_ANALYZE) $(MANPAGES) $(COMPLETION)
	$(Q)rm -rf $(OUT)/deb
	$(Q)$(MAKE) --no-print-directory install DESTDIR=$(OUT)/deb/debian/ior PREFIX=/usr
	$(call msg,DEB,$(DEB))
	$(Q)scripts/mkdeb.sh $(OUT)/deb $(VERSION) $(DEB)

clean:
	rm -rf $(OUT)

format-code:
	clang-format -i $$(git ls-files '*.c' '*.h')

-include $(shell find $(OUT) -name '*.d' 2>/dev/null)
