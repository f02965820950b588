# Tillwise: the two commands of the README, and their parts.
#   make run   - install what is missing, build, serve on http://127.0.0.1:3000 with demo data
#   make test  - install what is missing, run every test (unit, integration, HTTP, browser)
# Set TEST_DATABASE_URL / TEST_REDIS_URL to also test against PostgreSQL and Redis.
#
# Neither needs cargo-leptos: the site is built with cargo and wasm-bindgen
# alone (`site` below), which saves the ~45 minutes cargo-leptos takes to
# install on two cores. Whoever has cargo-leptos can use `cargo leptos
# watch --split` (Cargo.toml's [package.metadata.leptos] describes the
# same site).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
WASM_BINDGEN_VERSION := $(shell sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
# Where the server looks for the site (Cargo.toml: site-root, site-pkg-dir).
SITE := target/site
PKG := $(SITE)/pkg
E2E_ADDR ?= 127.0.0.1:3210
E2E_DATA := $(CURDIR)/target/e2e-data
# Build tools need no speed of their own: without LTO and with many codegen
# units they install in a fraction of the time their release profiles take.
FAST_INSTALL := CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
	CARGO_PROFILE_RELEASE_OPT_LEVEL=2 CARGO_PROFILE_RELEASE_DEBUG=false

.PHONY: run test tools browser-tools site server unit proptest-long chaos chaos-quick e2e fuzz lint fmt release binaryen wasm-report client-size

run: tools site
	@echo "make run: seeding the demo stores into an empty database (TILLWISE_SEED_DEMO=true; off in Leptos.toml)"
	TILLWISE_SEED_DEMO=true cargo run --features ssr --bin tillwise

test: tools browser-tools
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory chaos-quick
	$(MAKE) --no-print-directory e2e
	$(MAKE) --no-print-directory fuzz

## The WASM target, wasm-bindgen at the crate's exact version and the
## splitter (Leptos's lazy routes, `bundle` below); each installs only when
## missing.
SPLITTER_VERSION := 0.2.4
# The splitter has no --version: a stamp says which one cargo installed.
SPLITTER_STAMP := $(HOME)/.cache/tillwise/wasm-split-cli.version
tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" \
		|| $(FAST_INSTALL) cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@[ "$$(cat $(SPLITTER_STAMP) 2>/dev/null)" = "$(SPLITTER_VERSION)" ] && command -v wasm-split-cli >/dev/null \
		|| { $(FAST_INSTALL) cargo install --locked wasm_split_cli_support --version $(SPLITTER_VERSION) --features build-binary \
			&& mkdir -p $(dir $(SPLITTER_STAMP)) && echo $(SPLITTER_VERSION) > $(SPLITTER_STAMP); }

## The browser side, as cargo-leptos lays it out: the WASM client and its
## JS glue under pkg/, the stylesheet, and public/ at the site root.
site: tools
	cargo build --lib --target wasm32-unknown-unknown --features hydrate
	$(call bundle,$(TARGET_DIR)/wasm32-unknown-unknown/debug/tillwise.wasm)
	$(fingerprint)

# $(call bundle,wasm): the client split in pieces (the main module with the
# floor screens, one piece per back-office page, `chunk_*` for code two
# pages share, and `__wasm_split.js` that fetches them), through
# wasm-bindgen, the stylesheet and public/, laid out as the server serves
# them. wasm-bindgen must keep the exports the pieces link against
# (`--keep-lld-exports`). `fingerprint` then names every file after one
# build id (a hash of all of them), so a page, the files it loads and the
# service worker that keeps them for offline always belong to the same
# build (src/server/client_build.rs, public/sw.js).
SPLIT := $(TARGET_DIR)/wasm-split
# The splitter writes <out-name>.wasm and a loader importing ./<out-name>.js;
# wasm-bindgen then keeps the exports the pieces link against.
SPLIT_WASM := wasm-split-cli --target web --out-name tillwise
BINDGEN_SPLIT := wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle --out-name tillwise
define bundle
	mkdir -p $(PKG)
	rm -rf $(SPLIT) && rm -f $(PKG)/tillwise.js $(PKG)/tillwise.wasm $(PKG)/tillwise.css $(PKG)/tillwise_bg.* \
		$(PKG)/__wasm_split.js $(PKG)/split_*.wasm $(PKG)/chunk_*.wasm
	$(SPLIT_WASM) $(1) $(SPLIT)
	$(BINDGEN_SPLIT) --out-dir $(PKG) $(SPLIT)/tillwise.wasm
	mv $(PKG)/tillwise_bg.wasm $(PKG)/tillwise.wasm
	cp $(SPLIT)/__wasm_split.js $(SPLIT)/*_*.wasm $(PKG)/
	cp style/main.css $(PKG)/tillwise.css
	cp -R public/. $(SITE)/
endef

# The release client also as brotli (-q 11) and gzip (-9) beside each file;
# the server sends whichever the browser accepts (a 3 MB WASM is 0.8 MB as
# brotli on a shop's Wi-Fi).
define precompress
	node end2end/precompress.mjs $(PKG)
endef

# Every file of the client named after one build id, the names the glue,
# the loader and the pieces give each other rewritten to match, and the
# service worker told the build and its pieces (end2end/fingerprint.mjs).
define fingerprint
	node end2end/fingerprint.mjs $(PKG)
endef

# The server binary as `cargo test` builds it (its dev-dependencies unify
# some features differently from a plain `cargo build`), so the browser
# tests reuse what the unit tests compiled instead of building it again.
server:
	cargo test --features ssr --no-run

## Debian's Chromium and the end2end npm packages (Playwright drives Chromium).
browser-tools: end2end/node_modules/.installed
	@command -v chromium >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium chromium-driver; }

end2end/node_modules/.installed: end2end/package.json end2end/package-lock.json
	cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	touch $@

## Unit, service and HTTP tests (SQLite always; PostgreSQL/Redis when their URLs are set).
## Property tests (money, tax, merge, wire decoding) run PROPTEST_CASES
## cases each: a few thousand here, a million with `make proptest-long`.
PROPTEST_CASES ?= 2000
unit:
	PROPTEST_CASES=$(PROPTEST_CASES) cargo test --features ssr

proptest-long:
	PROPTEST_CASES=1000000 cargo test --features ssr --lib domain::

## Exactly-once under faults (examples/chaos.rs): tills push while the
## server is SIGKILLed and restarted, answers are dropped after commit,
## batches are doubled and reordered, Redis stops and starts; then every
## sale must be there once, stock must add up and the audit chain verify.
## `chaos` is the long form (8 tills x 500 sales a scenario); `make test`
## runs the bounded one. PostgreSQL too when TEST_DATABASE_URL is set;
## CHAOS_RESTART_POSTGRES=1 also restarts the machine's PostgreSQL mid-run.
chaos: server
	cargo run --features ssr --example chaos -- long

chaos-quick: server
	cargo run --features ssr --example chaos -- quick

## Browser tests: the app on a fresh SQLite file with demo data, Playwright
## driving Chromium against it (end2end/serve-and-test.sh).
e2e: site server
	rm -rf $(E2E_DATA) && mkdir -p $(E2E_DATA)
	DATABASE_URL="sqlite://$(E2E_DATA)/e2e.db?mode=rwc" LEPTOS_SITE_ADDR=$(E2E_ADDR) \
		TILLWISE_SEED_DEMO=true REDIS_URL= end2end/serve-and-test.sh $(TARGET_DIR)/debug/tillwise

## The API fuzzer: schemathesis against /api/openapi.json of the app on a
## fresh demo database, as the owner: no 5xx, every answer as documented.
fuzz: server
	end2end/fuzz-api.sh $(TARGET_DIR)/debug/tillwise

lint:
	cargo fmt --all -- --check
	cargo clippy --features ssr --tests -- -D warnings
	cargo clippy --features hydrate --lib --target wasm32-unknown-unknown -- -D warnings

fmt:
	cargo fmt --all

## Optimised server and WASM. wasm-opt comes from npm's binaryen (Debian's is too old).
BINARYEN := $(HOME)/.cache/tillwise/binaryen
WASM_OPT := $(BINARYEN)/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int
RELEASE_WASM := $(TARGET_DIR)/wasm32-unknown-unknown/wasm-release/tillwise.wasm
BUILD_RELEASE_WASM := cargo build --lib --target wasm32-unknown-unknown --features hydrate --profile wasm-release

binaryen:
	@[ -x $(BINARYEN)/node_modules/.bin/wasm-opt ] || npm install --prefix $(BINARYEN) --no-audit --no-fund binaryen@132

release: tools binaryen
	$(BUILD_RELEASE_WASM)
	$(call bundle,$(RELEASE_WASM))
	for f in $(PKG)/tillwise.wasm $(PKG)/split_*.wasm $(PKG)/chunk_*.wasm; do [ ! -e "$$f" ] || $(WASM_OPT) -o "$$f" "$$f"; done
	$(fingerprint)
	$(precompress)
	cargo build --release --features ssr --bin tillwise
	@echo "Serve it with: $(TARGET_DIR)/release/tillwise (from this folder, or set LEPTOS_SITE_ROOT)"

## What is big in the release client: the same build as `release`, split
## the same way, its main module (what a till loads first) kept with its
## function names (wasm-opt -g), through twiggy (installed when missing),
## summed by crate; then the size of each back-office piece. Writes
## target/wasm-report/.
REPORT := target/wasm-report
wasm-report: tools binaryen
	@command -v twiggy >/dev/null || $(FAST_INSTALL) cargo install --locked twiggy
	$(BUILD_RELEASE_WASM)
	rm -rf $(REPORT) && mkdir -p $(REPORT)
	$(SPLIT_WASM) $(RELEASE_WASM) $(REPORT)/split
	$(BINDGEN_SPLIT) --out-dir $(REPORT) $(REPORT)/split/tillwise.wasm
	$(WASM_OPT) -g -o $(REPORT)/named.wasm $(REPORT)/tillwise_bg.wasm
	$(WASM_OPT) -o $(REPORT)/stripped.wasm $(REPORT)/tillwise_bg.wasm
	for f in $(REPORT)/split/*_*.wasm; do $(WASM_OPT) -o "$$f" "$$f"; done
	twiggy top -n 40 $(REPORT)/named.wasm | tee $(REPORT)/top.txt
	twiggy dominators -d 4 -r 60 $(REPORT)/named.wasm > $(REPORT)/dominators.txt
	twiggy top -n 1000000 -f csv $(REPORT)/named.wasm > $(REPORT)/top.csv
	python3 examples/wasm_crates.py $(REPORT)/top.csv $(REPORT)/stripped.wasm | tee $(REPORT)/crates.txt
	@cd $(REPORT)/split && ls -S *_*.wasm | xargs wc -c | tee ../pieces.txt
	@echo "More: $(REPORT)/dominators.txt (what keeps what), $(REPORT)/top.csv (every item), $(REPORT)/pieces.txt"

## The client-size benchmark (BENCHMARKS.md): the release build served on a
## fresh demo database; a fresh Chromium pairs a till and opens the checkout
## (what it downloads, raw / gzip / brotli), then boots it offline.
CLIENT_SIZE_ADDR ?= 127.0.0.1:3211
client-size: release browser-tools
	rm -rf target/client-size && mkdir -p target/client-size
	DATABASE_URL="sqlite://$(CURDIR)/target/client-size/demo.db?mode=rwc" LEPTOS_SITE_ADDR=$(CLIENT_SIZE_ADDR) \
		TILLWISE_SEED_DEMO=true REDIS_URL= $(TARGET_DIR)/release/tillwise > target/client-size/server.log 2>&1 & \
		pid=$$!; trap "kill $$pid" EXIT; \
		for _ in $$(seq 1 120); do curl -fs http://$(CLIENT_SIZE_ADDR)/api/health >/dev/null && break; sleep 0.5; done; \
		cd end2end && node first-load.mjs http://$(CLIENT_SIZE_ADDR)
