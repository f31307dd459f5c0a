# bpf/module.mk: the XDP programs (bpf/*.bpf.c), built with clang for the
# BPF target with BTF (-g), against Debian's libbpf-dev headers.  The
# kernel headers' <asm/types.h> lives under the multiarch directory, which
# clang -target bpf does not search by itself.  Userspace that loads them
# links libbpf through pkg-config (BPF_LIBS).

BPF_CLANG   ?= clang
BPF_SRC     := $(wildcard bpf/*.bpf.c)
BPF_OBJS    := $(patsubst %.c,$(BUILD)/%.o,$(BPF_SRC))
BPF_ARCH_INC := -I/usr/include/$(shell gcc -dumpmachine 2>/dev/null || \
	    $(CC) -dumpmachine)
BPF_CFLAGS  := -target bpf -O2 -g -Wall -Wextra -Werror $(BPF_ARCH_INC) -Ibpf
BPF_LIBS    := $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf)

all: $(BPF_OBJS)

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  BPF     $<")
	$(Q)$(BPF_CLANG) $(BPF_CFLAGS) -MMD -MP -c -o $@ $<

# relay4to6 links the object in (relay4to6/r46_xdp_obj.c), and libbpf.
$(OBJ)/relay4to6/r46_xdp_obj.o: CPPFLAGS += \
	-DR46X_OBJ='"$(BUILD)/bpf/relay4to6.bpf.o"'
$(OBJ)/relay4to6/r46_xdp_obj.o: LTO :=
$(OBJ)/relay4to6/r46_xdp_obj.o: $(BUILD)/bpf/relay4to6.bpf.o
$(BUILD)/relay4to6: LDLIBS += $(BPF_LIBS)

# Unit tests that run the object: libbpf.
$(BUILD)/tests/unit/relay4to6_xdp_test: LDLIBS += $(BPF_LIBS)
