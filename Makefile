# A thin wrapper around meson. `make demo` and `make check` install every
# dependency first (scripts/install-deps.sh), so a fresh Debian 12 machine
# needs nothing else.
BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=
MESON_OPTS ?=

.PHONY: all deps build check unit demo install clean

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

unit: build
	meson test -C $(BUILD) --suite unit --print-errorlogs

demo: build
	@bash scripts/demo.sh $(BUILD)/oci-immutable-hook

install: build
	DESTDIR=$(DESTDIR) meson install -C $(BUILD) --no-rebuild

clean:
	rm -rf $(BUILD)
