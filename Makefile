# sello — `make demo` shows it working, `make test` tests all of it (installing what it needs).
SHELL := /bin/bash
.DEFAULT_GOAL := build

SWIFT_RELEASE := swift build -c release --disable-local-rpath -Xswiftc -static-stdlib -Xswiftc -use-ld=lld -Xlinker --exclude-libs=ALL
LIB := $(CURDIR)/.build/release/libsello.so
BUILD := $(CURDIR)/build
BUILD_LOG := /tmp/sello-build.log
CFLAGS_TEST := -std=c99 -Wall -Wextra -Werror -I$(CURDIR)/include
LDFLAGS_TEST := -L$(CURDIR)/.build/release -lsello -Wl,-rpath,$(CURDIR)/.build/release -lpthread
export SELLO_LIB := $(LIB)
# SELLO_VERSION_MAJOR of include/sello.h: the soname is libsello.so.$(MAJOR) (Package.swift links it so;
# Tests/header checks the two agree).
MAJOR := $(shell python3 scripts/sello_header.py major)

.PHONY: build deps test-deps test test-swift test-c test-python test-php test-install demo install bench fuzz sanitize memcheck clean lint format
.PHONY: dist dist-deps test-dist generate

## deps: what building needs (the C libraries), and no stale cached module of the C shims
## (scripts/clear-stale-modules.sh says why); test-deps: also the test tools (PHP, composer,
## phpunit, pytest, openssl), installed by the targets that use them.
deps:
	@scripts/install-deps.sh build
	@scripts/clear-stale-modules.sh

test-deps:
	@scripts/install-deps.sh test

## build: the release libsello.so (Swift runtime linked in statically); prints its path.
build: deps
	@$(SWIFT_RELEASE) > $(BUILD_LOG) 2>&1 || { cat $(BUILD_LOG); echo "swift build failed"; exit 1; }
	@ln -sf libsello.so $(dir $(LIB))libsello.so.$(MAJOR)   # the soname, for programs linked against it
	@touch $(LIB)   # up to date with every source now, also when SwiftPM had nothing to relink
	@echo "$(LIB)"

## generate: rewrites what is derived from include/sello.h and docs/reference.md and kept in the
## repository (the Python and PHP operation tables and version, _abi.py and Abi.php; the Swift
## export of each operation; each client class's typed methods, from the binding blocks; sello.aio's stub).
## Run it after changing the header or a binding block; `make test` fails while they are out of date.
generate:
	python3 scripts/generate.py

## test: every suite — Swift units, C tests linked against the .so, Python ABI tests, PHP.
test: build test-swift test-c test-python test-php test-install

test-swift: deps
	swift test 2>&1 | tail -n 25; exit $${PIPESTATUS[0]}

$(BUILD)/tests/%: Tests/c/%.c Tests/c/check.h $(LIB)
	@mkdir -p $(BUILD)/tests
	cc $(CFLAGS_TEST) -o $@ $< $(LDFLAGS_TEST)

C_TESTS := $(patsubst Tests/c/%.c,$(BUILD)/tests/%,$(wildcard Tests/c/test_*.c))

test-c: build test-deps $(C_TESTS)
	@for t in $(C_TESTS); do echo "== $$t"; scripts/with-sandbox.sh $$t || exit 1; done

test-python: build test-deps
	python3 -m pytest -q -p no:cacheprovider --rootdir=$(CURDIR) Tests/python sandbox/tests \
		bindings/python/tests docs/test_reference.py Tests/header

test-php: build test-deps
	@if [ -f bindings/php/composer.json ]; then $(MAKE) -C bindings/php test; else echo "no PHP binding yet"; fi

## lint: swift format, ruff, PHP_CodeSniffer, the size and 120-column rules (scripts/lint.sh; installs ruff and phpcs).
lint:
	@scripts/lint.sh

## format: apply swift format, ruff (fixes and format) and phpcbf, then lint.
format:
	@scripts/lint.sh --fix

## test-install: `make install` into a temporary prefix, then a C example built with pkg-config.
test-install: build test-deps
	bindings/tests/test_install.sh

## demo: build, start the sandbox, run the examples in C, Python and PHP, stop the sandbox.
demo: build test-deps
	@scripts/with-sandbox.sh scripts/run-examples.sh

## install: libsello.so (with its soname), include/sello.h and sello.pc under PREFIX. Installs the
## existing build; builds (or rebuilds) only when a source is newer than the library.
PREFIX ?= /usr/local
LIB_SOURCES := Package.swift $(shell find Sources include -type f 2>/dev/null)
$(LIB): $(LIB_SOURCES)
	@$(MAKE) --no-print-directory build

install: $(LIB)
	scripts/install.sh "$(PREFIX)"

## bench: the benchmark table (sello against raw libcurl, requests, PHP curl); under 10 minutes.
bench: build test-deps
	benchmarks/run.sh

## fuzz: each libFuzzer target for a minute (FUZZ_SECONDS); sanitize: Swift tests under ASan and TSan;
## memcheck: valgrind on the C programs.
fuzz: deps
	scripts/fuzz.sh

sanitize: deps test-deps
	scripts/sanitize.sh

memcheck: build test-deps
	scripts/memcheck.sh

## dist: from the one release build, into dist/: the wheel (manylinux, libraries vendored) and the
## sdist, the composer package zip, the libsello0 and libsello-dev .deb packages, the tarball.
## test-dist: each of them installed and used as a user would (CI runs it after `make test`).
dist: $(LIB) dist-deps
	@scripts/dist/make-dist.sh

dist-deps:
	@scripts/install-deps.sh dist

test-dist: dist test-deps
	python3 -m pytest -q -p no:cacheprovider --rootdir=$(CURDIR) Tests/dist

clean:
	rm -rf .build .build-* $(BUILD) dist
