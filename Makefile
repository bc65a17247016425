# dsamig: page migration offload to Intel DSA — build, test, demo, install.
# User-space outputs go to build/; kernel modules are built with kbuild into
# build/kmod/KVER/ for the test guest's kernel of series KERNEL (6.12,
# 6.12-trixie, 7.3), or in kmod/*/ against a KDIR given on the command line.

VERSION := $(shell cat VERSION)
PREFIX ?= /usr/local
DESTDIR ?=
BUILD := build

# The guest kernel's cache (tests/vm/kernel.sh), shared by clones, names
# KVER, KDIR and the userland its modules build in.
KERNEL ?= 6.12
DSAMIG_CACHE ?= /var/cache/dsamig
KENV := $(or $(DSAMIG_VM_CACHE),$(DSAMIG_CACHE)/kernel/$(KERNEL))/kernel.env
ifeq ($(origin KDIR),command line)
KDIR_GIVEN := 1
else
-include $(KENV)
endif
KDIR ?=

CC ?= cc
PKGS := libaccel-config libkmod libtracefs libtraceevent ncursesw json-c
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	-Wmissing-prototypes -Wstrict-prototypes -Wno-unused-parameter \
	-Iinclude -Ilib -Ikmod/include -DDSAMIG_VERSION='"$(VERSION)"' $(PKG_CFLAGS)
LDLIBS += $(PKG_LIBS) -lpthread -lm

LIB_SRC := $(wildcard lib/*.c)
CLI_SRC := $(wildcard cli/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:%.c=$(BUILD)/%)
# Test tools that run in the guest (workloads, fragmenters): plain C programs.
VM_TOOLS := $(patsubst tests/vm/tools/%.c,$(BUILD)/tests/vm/tools/%,$(wildcard tests/vm/tools/*.c))
KMODS := $(patsubst %/Kbuild,%,$(wildcard kmod/*/Kbuild))
VM_KMODS := $(patsubst %/Kbuild,%,$(wildcard tests/vm/*/Kbuild))

.PHONY: all user modules vm-modules vm-tools bench check check-unit check-cli check-vm demo \
	deps kernel install clean distclean

all: user modules

user: $(BUILD)/dsamig

$(BUILD)/%.o: %.c $(wildcard lib/*.h cli/*.h kmod/include/*.h) VERSION
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -c -o $@ $<

$(BUILD)/libdsamig.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/dsamig: $(CLI_OBJ) $(BUILD)/libdsamig.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libdsamig.a $(LDLIBS)

$(BUILD)/tests/vm/tools/%: tests/vm/tools/%.c tests/vm/tools/number.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< -lpthread

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libdsamig.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< \
		$(BUILD)/libdsamig.a $(LDLIBS) $(shell pkg-config --libs cmocka)

# Modules build only where the kernel headers are (make kernel fetches the
# guest's); without them, user space still builds. The guest's go to
# build/kmod/KVER/, built with that kernel's toolchain (scripts/kbuild.sh).
modules:
ifeq ($(wildcard $(KDIR)/Makefile),)
	@echo "make: no kernel headers at KDIR='$(KDIR)'; modules skipped (run 'make kernel')"
else ifdef KDIR_GIVEN
	@for m in $(KMODS); do \
		$(MAKE) -C $(KDIR) M=$(CURDIR)/$$m DSAMIG_VERSION=$(VERSION) modules || exit 1; \
	done
else
	@scripts/kbuild.sh $(KENV) $(KMODS) -- DSAMIG_VERSION=$(VERSION)
endif

vm-tools: $(VM_TOOLS)

vm-modules: kernel
	@scripts/kbuild.sh $(KENV) $(VM_KMODS)

deps:
	@scripts/deps.sh

kernel: deps
	@tests/vm/kernel.sh --kernel $(KERNEL) $(dir $(KENV))

# make check: every layer, one summary line. Each layer prints TAP.
check: deps kernel
	@$(MAKE) -s all vm-modules vm-tools $(UNIT_BIN)
	@DSAMIG_KERNEL=$(KERNEL) tests/check.sh

check-unit check-cli check-vm: deps kernel
	@$(MAKE) -s all vm-modules vm-tools $(UNIT_BIN)
	@DSAMIG_KERNEL=$(KERNEL) tests/check.sh $(@:check-%=%)

demo: deps kernel
	@$(MAKE) -s all vm-modules vm-tools
	@tests/vm/run --kernel $(KERNEL) -- tests/vm/demo.sh

# Benchmarks: each tests/bench/*.sh runs in a guest of its own and prints ratios.
bench: deps kernel
	@$(MAKE) -s all vm-modules vm-tools
	@for b in tests/bench/*.sh; do \
		echo "# $$b"; tests/vm/run --kernel $(KERNEL) -- $$b || exit 1; \
	done

install: user
	install -D -m 0755 $(BUILD)/dsamig $(DESTDIR)$(PREFIX)/sbin/dsamig
	install -d $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0644 man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -D -m 0644 completions/dsamig.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/dsamig
	install -D -m 0644 completions/_dsamig \
		$(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_dsamig

clean:
	@for d in $(KMODS) $(VM_KMODS); do \
		rm -rf $$d/*.o $$d/*.ko $$d/*.mod $$d/*.mod.c $$d/.*.cmd \
			$$d/modules.order $$d/Module.symvers $$d/.tmp_versions; \
	done
	[ ! -d $(BUILD) ] || find $(BUILD) -mindepth 1 -maxdepth 1 ! -name vm -exec rm -rf {} +

# Also this clone's initramfs; the shared kernel and userland caches in
# $(DSAMIG_CACHE) stay (rm -rf them by hand).
distclean: clean
	rm -rf $(BUILD)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
