# Tillwise: the two commands of the README, and their parts.
#   make run   - install what is missing, build, serve on http://127.0.0.1:3000 with demo data
#   make test  - install what is missing, run every test (unit, integration, HTTP, browser)
# Set TEST_DATABASE_URL / TEST_REDIS_URL to also test against PostgreSQL and Redis.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := $(shell sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
E2E_ADDR ?= 127.0.0.1:3210
E2E_DATA := $(CURDIR)/target/e2e-data

.PHONY: run test tools browser-tools unit e2e lint fmt release

run: tools
	cargo leptos serve

test: tools browser-tools
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory e2e

## Rust toolchain pieces cargo-leptos needs; each installs only when missing.
tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)" \
		|| cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --features no_downloads
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" \
		|| cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

## Debian's Chromium and the end2end npm packages (Playwright drives Chromium).
browser-tools: end2end/node_modules/.installed
	@command -v chromium >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium chromium-driver; }

end2end/node_modules/.installed: end2end/package.json end2end/package-lock.json
	cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	touch $@

## Unit, service and HTTP tests (SQLite always; PostgreSQL/Redis when their URLs are set).
unit:
	cargo test --features ssr

## Browser tests: cargo-leptos builds and serves the app on a fresh SQLite
## file with demo data; Playwright drives Chromium against it.
e2e:
	rm -rf $(E2E_DATA) && mkdir -p $(E2E_DATA)
	DATABASE_URL="sqlite://$(E2E_DATA)/e2e.db?mode=rwc" LEPTOS_SITE_ADDR=$(E2E_ADDR) \
		TILLWISE_SEED_DEMO=true REDIS_URL= cargo leptos end-to-end

lint:
	cargo fmt --all -- --check
	cargo clippy --features ssr --tests -- -D warnings
	cargo clippy --features hydrate --lib --target wasm32-unknown-unknown -- -D warnings

fmt:
	cargo fmt --all

## Optimised server and WASM. wasm-opt comes from npm's binaryen (Debian's is too old).
BINARYEN := $(HOME)/.cache/tillwise/binaryen
release: tools
	@[ -x $(BINARYEN)/node_modules/.bin/wasm-opt ] || npm install --prefix $(BINARYEN) --no-audit --no-fund binaryen@132
	PATH="$(BINARYEN)/node_modules/.bin:$$PATH" cargo leptos build --release
