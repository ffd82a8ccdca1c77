# A thin wrapper around meson. `make demo` and `make check` install every
# dependency first (scripts/install-deps.sh), so a fresh Debian 12 machine
# needs nothing else.
BUILD ?= build
PREFIX ?= /usr
DESTDIR ?=
MESON_OPTS ?=
BENCH_BUILD ?= build-bench
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 30
DEB_OUT ?= build-deb

.PHONY: all deps build check check-sanitize unit demo install bench fuzz deb clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Every test: GoogleTest unit tests, then the integration tests (real runc and
# crun containers; they need root and skip with 77 only where a tool is absent).
check: build
	@status=0; meson test -C $(BUILD) --print-errorlogs --num-processes 2 || status=$$?; \
	  bash scripts/test-summary.sh $(BUILD)/meson-logs/testlog.json; exit $$status

# The same suite, unit and integration (less the "dist" suite: packaging and
# policy builds of their own), built with ASan + UBSan in its own directory.
# A sanitizer report fails the test, also from a hook that runc or
# crun runs (src/base/sanitizer_defaults.cc: the environment may not reach it).
check-sanitize: deps
	@test -f $(ASAN_BUILD)/build.ninja || meson setup $(ASAN_BUILD) --prefix=$(PREFIX) \
	  -Db_sanitize=address,undefined -Db_lundef=false $(MESON_OPTS)
	ninja -C $(ASAN_BUILD)
	@status=0; ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  meson test -C $(ASAN_BUILD) --no-suite dist --print-errorlogs --num-processes 2 || status=$$?; \
	  bash scripts/test-summary.sh $(ASAN_BUILD)/meson-logs/testlog.json; exit $$status

# libFuzzer on every parser (clang, ASan + UBSan, in $(FUZZ_BUILD)), FUZZ_SECONDS
# each over a copy of fuzz/corpus/; fails on any crash, leak or report.
fuzz: deps
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh

unit: build
	meson test -C $(BUILD) --suite unit --print-errorlogs

demo: build
	@bash scripts/demo.sh $(BUILD)/oci-immutable-hook

# Performance figures (root, a few minutes): prints a markdown table and writes
# bench/results/RESULTS.md. Its own release build, so figures never come from a
# debug or sanitizer build in $(BUILD).
bench: deps
	@test -f $(BENCH_BUILD)/build.ninja || \
	  meson setup $(BENCH_BUILD) --buildtype=release -Dintegration_tests=false $(MESON_OPTS)
	ninja -C $(BENCH_BUILD) oci-immutable-hook oci-immutable-runtime bench/spawn-bench bench/lib-bench
	bash bench/run.sh $(BENCH_BUILD)

# Installs into $(DESTDIR)$(PREFIX) (and $(DESTDIR)/etc for PREFIX=/usr). Given
# PREFIX=..., a build dir set up for another prefix is reconfigured first (the
# policy and hook paths are compiled in); without it, the build dir's prefix.
install: build
	@cur=$$(meson configure $(BUILD) | awk '$$1 == "prefix" { print $$2 }'); \
	  if [ "$(origin PREFIX)" != file ] && [ "$$cur" != "$(PREFIX)" ]; then \
	    echo "install: $(BUILD) was set up for prefix $$cur; reconfiguring for $(PREFIX)"; \
	    meson configure $(BUILD) --prefix=$(PREFIX) && ninja -C $(BUILD) || exit 1; \
	  fi
	DESTDIR=$(DESTDIR) meson install -C $(BUILD) --no-rebuild

# The Debian package (debian/): dpkg-buildpackage -us -uc -b in a copy of the
# tree, so this tree stays clean; the .deb files land in $(DEB_OUT)/.
deb: deps
	@bash scripts/build-deb.sh $(DEB_OUT)

clean:
	rm -rf $(BUILD) $(BENCH_BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
