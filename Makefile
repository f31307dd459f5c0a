# justforward: one GNU Makefile for every daemon, tool and test.
#
# Layout conventions (no per-program registration needed):
#   common/*.c            -> $(BUILD)/libcommon.a (shared by everything)
#   <prog>/main.c         -> $(BUILD)/<prog>  (main.c only wires)
#   <prog>/*.c (not main) -> $(BUILD)/lib<prog>.a (engines: tests link these)
#   tests/unit/*_test.c   -> Check unit test programs, linked with every lib
#   tests/tools/*.c       -> test/bench helper programs (one file, one tool)
#   tests/netns/*.sh      -> network-namespace tests run as root by `make check`
# Extra rules per subsystem live in <dir>/module.mk (optional).
#
# BUILD=dir puts every output in another tree (parallel developers, clang).

CC      ?= cc
BUILD   ?= build
# Always absolute: the dependency files (-MMD) name their targets by this
# path, so a tree built once as BUILD=build and once as BUILD=$PWD/build
# would otherwise miss header changes (a stale object linked silently).
override BUILD := $(abspath $(BUILD))
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	   -Wmissing-declarations -Wshadow -Wpointer-arith -Wcast-qual \
	   -Wsign-compare
CPPFLAGS += -D_GNU_SOURCE -I. -Icommon
# Link-time optimisation in gcc builds: the parsers' small cursor calls
# (common/pbuf.c) and the checksum inline into the daemons' per-packet
# paths across files (docs/bench.md: teredod's fast mode takes ~10% more
# packets per core).  clang builds (make clang, fuzz, analyze) go without:
# clang's LTO wants lld and llvm-ar.  LTO= turns it off.  The objects
# are fat, so unit tests link them without LTO (their deliberate misuse,
# e.g. wbuf_put of SIZE_MAX bytes, would trip gcc's link-time warnings).
IS_CLANG := $(shell $(CC) -dM -E -x c /dev/null 2>/dev/null | grep -c __clang__)
LTO ?= $(if $(filter 0,$(IS_CLANG)),-flto=auto -ffat-lto-objects)
UNIT_CFLAGS = -std=c11 $(WARN) $(CFLAGS) -MMD -MP
ALL_CFLAGS = $(UNIT_CFLAGS) $(LTO)
EVENT_LIBS := -levent_core
# common/sandbox.c: the daemons' seccomp filters (Debian libseccomp-dev).
SECCOMP_CFLAGS := $(shell pkg-config --cflags libseccomp 2>/dev/null)
SECCOMP_LIBS := $(shell pkg-config --libs libseccomp 2>/dev/null || echo -lseccomp)
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -pthread)
LDLIBS  += $(EVENT_LIBS) $(SECCOMP_LIBS)
CPPFLAGS += $(SECCOMP_CFLAGS)

PREFIX  ?= /usr/local
DESTDIR ?=

ifeq ($(V),1)
Q :=
else
Q := @
endif

PROGS      := $(patsubst %/main.c,%,$(wildcard */main.c))
COMMON_SRC := $(wildcard common/*.c)
COMMON_SRC := $(filter-out common/%_stub.c,$(COMMON_SRC))
UNIT_SRC   := $(wildcard tests/unit/*_test.c)
TOOL_SRC   := $(wildcard tests/tools/*.c)

# Objects live under $(BUILD)/obj so that the binary $(BUILD)/<prog> never
# collides with the directory of its objects.
OBJ := $(BUILD)/obj
obj = $(patsubst %.c,$(OBJ)/%.o,$(1))
LIBCOMMON := $(BUILD)/libcommon.a
PROG_LIBS := $(foreach p,$(PROGS),$(BUILD)/lib$(p).a)
PROG_BINS := $(foreach p,$(PROGS),$(BUILD)/$(p))
UNIT_BINS := $(patsubst %.c,$(BUILD)/%,$(UNIT_SRC))
TOOL_BINS := $(patsubst %.c,$(BUILD)/%,$(TOOL_SRC))

# Keep objects that pattern chains would otherwise delete as intermediates.
.SECONDARY:

.PHONY: all check unit netns bench demo demo-down deps clean analyze install fuzz \
	fuzz-bins fuzz-long tools clang
all: $(PROG_BINS)

tools: $(TOOL_BINS)

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(OBJ)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(UNIT_CFLAGS) $(CHECK_CFLAGS) -c -o $@ $<

$(LIBCOMMON): $(call obj,$(COMMON_SRC))
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

# lib<prog>.a: every .c of the program except main.c.
define prog_rules
$(BUILD)/lib$(1).a: $$(call obj,$$(filter-out $(1)/main.c,$$(wildcard $(1)/*.c)))
	@$$(if $$(Q),echo "  AR      $$@")
	$$(Q)rm -f $$@ && ar rcs $$@ $$^ $$(if $$^,,$$(error $(1) has no engine files))
$(BUILD)/$(1): $(OBJ)/$(1)/main.o $(BUILD)/lib$(1).a $(LIBCOMMON)
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(CC) $$(ALL_CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach p,$(PROGS),$(eval $(call prog_rules,$(p))))

# Archives are searched once in order: program libs first, common last.
$(BUILD)/tests/unit/%: $(OBJ)/tests/unit/%.o $(PROG_LIBS) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(UNIT_CFLAGS) $(LDFLAGS) -o $@ $< $(PROG_LIBS) $(LIBCOMMON) $(LDLIBS) $(CHECK_LIBS)

$(BUILD)/tests/tools/%: $(OBJ)/tests/tools/%.o $(PROG_LIBS) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(PROG_LIBS) $(LIBCOMMON) $(LDLIBS)

-include $(wildcard */module.mk)

# `make deps` installs Debian packages (idempotent, never starts services).
deps:
	$(Q)sh tests/lib/deps.sh

# relayctl_test runs the relayctl binary: unit tests need `all` too.
unit: all $(UNIT_BINS)
	$(Q)BUILD=$(BUILD) sh tests/lib/run-unit.sh $(UNIT_BINS)

# make check: deps, build, then every tier; one summary line at the end.
check: deps
	$(Q)$(MAKE) --no-print-directory all tools $(UNIT_BINS)
	$(Q)BUILD=$(abspath $(BUILD)) sh tests/lib/run-all.sh

netns: all tools
	$(Q)BUILD=$(abspath $(BUILD)) sh tests/lib/run-all.sh netns

# make bench: every tests/bench/*.sh prints its rows (ratios against
# baselines measured in the same run).
bench: deps
	$(Q)$(MAKE) --no-print-directory all tools
	$(Q)BUILD=$(abspath $(BUILD)) bash tests/bench/run.sh

# make demo: the lab (deploy/lab/demo.sh); KEEP=1 leaves it up.
demo: deps
	$(Q)$(MAKE) --no-print-directory all tools
	$(Q)BUILD=$(abspath $(BUILD)) KEEP=$(KEEP) bash deploy/lab/demo.sh

demo-down:
	$(Q)bash deploy/lab/demo.sh down

clean:
	rm -rf $(BUILD) $(BUILD)-clang $(BUILD)-fuzz $(BUILD)-analyze

# ---- install: daemons into sbin, relayctl into bin, example configs -------
install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
	    $(DESTDIR)/etc/justforward
	$(foreach p,$(filter-out relayctl,$(PROGS)),install -m 755 \
	    $(BUILD)/$(p) $(DESTDIR)$(PREFIX)/sbin/$(p) &&) true
	$(if $(filter relayctl,$(PROGS)),install -m 755 $(BUILD)/relayctl \
	    $(DESTDIR)$(PREFIX)/bin/relayctl)
	for f in deploy/*.conf; do [ -e "$(DESTDIR)/etc/justforward/$${f#deploy/}" ] || \
	    install -m 644 "$$f" "$(DESTDIR)/etc/justforward/"; done

# ---- clang: the same tree built with clang (make check tier "build") ------
clang:
	$(Q)$(MAKE) --no-print-directory CC=clang BUILD=$(BUILD)-clang all tools \
	    $(patsubst $(BUILD)/%,$(BUILD)-clang/%,$(UNIT_BINS))

# ---- analyze: the clang static analyzer over every source ----------------
# scan-build (Debian clang-tools) when present, else clang --analyze per
# file; either way any finding fails the target.
ANALYZE_SRC = $(COMMON_SRC) $(foreach p,$(PROGS),$(wildcard $(p)/*.c)) \
	    $(TOOL_SRC)
analyze:
	$(Q)rm -rf $(BUILD)-analyze
	$(Q)if command -v scan-build >/dev/null 2>&1; then \
	    scan-build --status-bugs -o $(BUILD)-analyze/report \
	    $(MAKE) --no-print-directory LTO= BUILD=$(BUILD)-analyze all tools; \
	    rc=$$?; for h in $(BUILD)-analyze/report/*/report-*.html; do \
	    [ -f "$$h" ] && sed -n 's/^<!-- BUG\(FILE\|LINE\|DESC\) \(.*\) -->$$/\1 \2/p' \
	    "$$h" | awk '{k=$$1; $$1=""; v[k]=substr($$0,2)} \
	    END {print "analyze: " v["FILE"] ":" v["LINE"] ": " v["DESC"]}'; \
	    done; exit $$rc; \
	else \
	    rc=0; for f in $(ANALYZE_SRC); do \
	    clang --analyze -Xanalyzer -analyzer-output=text -o /dev/null \
	    $(CPPFLAGS) -std=c11 $$f 2>&1 | tee -a /dev/stderr | \
	    grep -q 'warning:' && rc=1; done; exit $$rc; fi

# ---- fuzz: libFuzzer harnesses, one per parser ----------------------------
# tests/fuzz/NAME.c defines LLVMFuzzerTestOneInput and links every lib like a
# unit test.  `make fuzz` builds them with clang into $(BUILD)-fuzz; `make
# check` runs each for FUZZ_TIME seconds (tier "fuzz", tests/lib/fuzz.sh)
# from the seeds in tests/fuzz/corpus/NAME/.
FUZZ_SRC  := $(wildcard tests/fuzz/*.c)
FUZZ_BINS := $(patsubst %.c,$(BUILD)/%,$(FUZZ_SRC))
FUZZ_SAN  := -fsanitize=address -fno-omit-frame-pointer
fuzz:
	$(Q)$(MAKE) --no-print-directory CC=clang BUILD=$(BUILD)-fuzz \
	    CFLAGS="-O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link" fuzz-bins

fuzz-bins: $(FUZZ_BINS)

# make fuzz-long: every harness for FUZZ_TIME seconds (default 600, about
# 2.5 hours for all of them), for a machine that can spare the time; the
# corpus each run grows is scratch, the seeds stay as they are.
fuzz-long:
	$(Q)BUILD=$(abspath $(BUILD)) FUZZ_TIME=$(or $(FUZZ_TIME),600) \
	    sh tests/lib/run-all.sh fuzz

$(BUILD)/tests/fuzz/%: $(OBJ)/tests/fuzz/%.o $(PROG_LIBS) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< \
	    $(PROG_LIBS) $(LIBCOMMON) $(LDLIBS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
