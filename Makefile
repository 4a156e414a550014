# Two entry points, as the README says:
#   make example   build the library (release) and run the C example, which prints the headers
#   make test      the whole test suite: format and lint gates, Rust, C (ASan, valgrind),
#                  botocore and aws-sigv4 differentials, AWS's test suite, moto end to end
#   make install   build the library (release) and install it under $(PREFIX):
#                  lib/libsigv4.so.<version> with the libsigv4.so.<ABI> and libsigv4.so links,
#                  lib/libsigv4.a, lib/pkgconfig/sigv4.pc and include/sigv4.h.
#                  PREFIX (/usr/local), LIBDIR, INCLUDEDIR, PKGCONFIGDIR and DESTDIR (staging
#                  root for packagers) are honoured.
#   make uninstall remove exactly those files (same variables).
# One release build serves everything: the C programs link target/release/libsigv4.{a,so}.

CARGO ?= cargo
CC ?= cc
OUT := target/release
# What static linking needs besides libsigv4.a: `cargo rustc --lib --crate-type staticlib
# -- --print native-static-libs` prints it for this platform.
STATIC_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
CFLAGS_STRICT := -std=c99 -Wall -Wextra -Werror -pedantic

# Installation layout (GNU-style variables, upper case).
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR ?=
INSTALL ?= install
# The version comes from Cargo.toml's [package] table, the ABI number from build.rs, which also
# writes it into the soname (-Wl,-soname,libsigv4.so.<ABI>): neither is repeated here.
VERSION := $(shell sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
DESCRIPTION := $(shell sed -n 's/^description *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
ABI_VERSION := $(shell sed -n 's/^const ABI_VERSION: &str = "\([0-9]*\)";.*/\1/p' build.rs)
SONAME := libsigv4.so.$(ABI_VERSION)
REALNAME := libsigv4.so.$(VERSION)
# sigv4.pc names its directories relative to ${prefix} when they are under $(PREFIX), so a
# relocated tree works with `pkg-config --define-variable=prefix=<dir>`.
PC_LIBDIR := $(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))
PC_INCLUDEDIR := $(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))

.PHONY: all lib example test install uninstall

all: lib

lib:
	$(CARGO) build --release --lib

$(OUT)/sign_request: examples/sign_request.c include/sigv4.h lib
	$(CC) $(CFLAGS_STRICT) -Iinclude $< $(OUT)/libsigv4.a $(STATIC_LIBS) -o $@

example: $(OUT)/sign_request
	./$(OUT)/sign_request

test:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --release --all-targets -- -D warnings
	$(CARGO) test --release

# Libs.private in sigv4.pc is what `pkg-config --static` adds for a link against libsigv4.a:
# the native libraries the Rust standard library needs (STATIC_LIBS above). The file is written
# straight into its destination (no shared intermediate), so concurrent installs into
# different prefixes cannot mix up their files.
install: lib
	@test -n "$(VERSION)" || { echo "make: no version found in Cargo.toml" >&2; exit 1; }
	@test -n "$(ABI_VERSION)" || { echo "make: no ABI_VERSION found in build.rs" >&2; exit 1; }
	@if command -v readelf >/dev/null 2>&1; then \
	  readelf -d $(OUT)/libsigv4.so | grep -q 'SONAME.*\[$(SONAME)\]' || \
	    { echo "make: $(OUT)/libsigv4.so does not have the soname $(SONAME)" >&2; exit 1; }; \
	fi
	$(INSTALL) -d '$(DESTDIR)$(LIBDIR)' '$(DESTDIR)$(INCLUDEDIR)' '$(DESTDIR)$(PKGCONFIGDIR)'
	$(INSTALL) -m 0755 $(OUT)/libsigv4.so '$(DESTDIR)$(LIBDIR)/$(REALNAME)'
	ln -sf $(REALNAME) '$(DESTDIR)$(LIBDIR)/$(SONAME)'
	ln -sf $(SONAME) '$(DESTDIR)$(LIBDIR)/libsigv4.so'
	$(INSTALL) -m 0644 $(OUT)/libsigv4.a '$(DESTDIR)$(LIBDIR)/libsigv4.a'
	$(INSTALL) -m 0644 include/sigv4.h '$(DESTDIR)$(INCLUDEDIR)/sigv4.h'
	printf '%s\n' \
	  'prefix=$(PREFIX)' \
	  'libdir=$(PC_LIBDIR)' \
	  'includedir=$(PC_INCLUDEDIR)' \
	  '' \
	  'Name: sigv4' \
	  'Description: $(DESCRIPTION)' \
	  'Version: $(VERSION)' \
	  'Libs: -L$${libdir} -lsigv4' \
	  'Libs.private: $(STATIC_LIBS)' \
	  'Cflags: -I$${includedir}' > '$(DESTDIR)$(PKGCONFIGDIR)/sigv4.pc'
	chmod 0644 '$(DESTDIR)$(PKGCONFIGDIR)/sigv4.pc'

uninstall:
	rm -f '$(DESTDIR)$(LIBDIR)/$(REALNAME)' '$(DESTDIR)$(LIBDIR)/$(SONAME)' \
	  '$(DESTDIR)$(LIBDIR)/libsigv4.so' '$(DESTDIR)$(LIBDIR)/libsigv4.a' \
	  '$(DESTDIR)$(INCLUDEDIR)/sigv4.h' '$(DESTDIR)$(PKGCONFIGDIR)/sigv4.pc'
