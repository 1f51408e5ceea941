# Tawla — the two commands that matter: `make run` and `make test`.

GO        ?= go
TAGS      := sqlite_fts5
BIN       := bin/tawla
DATA      ?= data/tawla.db
ADDR      ?= 127.0.0.1:8080
CHROMIUM  ?= /usr/bin/chromium
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

# The browser code: web/src bundled by esbuild into web/static/dist, which
# the binary embeds, with the gzip and Brotli forms of web/static
# (web/precompress).
# node_modules and dist are not committed.
WEB_SRC   := $(wildcard web/src/*.js) web/static/js/channel.js
WEB_DIST  := web/static/dist/editor.js
WEB_DEPS  := web/node_modules/.package-lock.json
ESBUILD   := web/node_modules/.bin/esbuild

# The peer servers the benchmark compares Tawla with (ShareDB and
# y-websocket, pinned in bench/peers/package-lock.json); node_modules is
# not committed.
PEERS_DEPS := bench/peers/node_modules/.package-lock.json

# The benchmark (bench/, docs/benchmarks.md): its command, what it needs
# besides bin/tawla (BENCH_DEPS: the peer servers' npm packages), where it
# writes the figures, and extra flags (e.g. BENCH_FLAGS=-steps=replay,durable).
# The traces are read from ../shared/traces, or TAWLA_TRACES.
BENCH_BIN   := bin/tawlabench
BENCH_DEPS  := bench-peers
BENCH_OUT   := bench/out/results.json
BENCH_FLAGS ?=

# SQLite is compiled from C (github.com/mattn/go-sqlite3, through cgo): on
# a cold build cache that alone takes minutes without a line of output, so
# the targets that compile it say so first. `go list -f {{.Stale}}` answers
# false once Go's build cache holds the package built with those flags
# (-race is a build of its own), and answers without compiling anything.
SQLITE_PKG := github.com/mattn/go-sqlite3

# sqlite_notice FLAGS: the notice, when the build with FLAGS will compile
# SQLite (or when go list cannot tell).
define sqlite_notice
	@if [ "$$($(GO) list $(1) -tags $(TAGS) -f '{{.Stale}}' $(SQLITE_PKG) 2>/dev/null)" != false ]; then \
		echo "Compiling SQLite$(if $(1), for $(1),) (cgo): the first time, this takes a few minutes; later builds reuse Go's build cache."; \
	fi
endef

.PHONY: run build test lint clean web bench bench-quick bench-peers check-go check-browser check-node

## run: build, create data/tawla.db with the demo table on first start, serve it
# The demo command prints the logins when it creates the file; later runs
# print them here. The address is printed once, by the server, when it
# listens (and not at all if it cannot start), with how to stop it.
run: build
	@mkdir -p $(dir $(DATA))
	@if [ -f $(DATA) ]; then \
		echo "Demo logins (password demo-tawla-2026): admin@demo.tn, secretariat@demo.tn, member@demo.tn, stakeholder@demo.tn"; \
	else \
		$(BIN) demo -data $(DATA); \
	fi
	@$(BIN) serve -addr $(ADDR) -data $(DATA)

## build: compile the tawla binary into bin/, with the editor bundled
build: check-go web
	$(call sqlite_notice,)
	$(GO) build -tags $(TAGS) -o $(BIN) ./cmd/tawla

## test: every test, Go and browser (browser tests need Chromium; TAWLA_E2E=1 makes them required)
# The race detector slows the server and browser packages several times
# over; on a shared two-core machine they come near go test's default
# 10-minute limit per package, hence -timeout 30m.
test: check-go check-browser web
	$(call sqlite_notice,-race)
	$(GO) test -race -count=1 -timeout 30m -tags $(TAGS) ./...

## lint: gofmt, go vet and staticcheck, all clean
lint: check-go
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(call sqlite_notice,)
	$(GO) vet -tags $(TAGS) ./...
	$(GO) run $(STATICCHECK) -tags $(TAGS) ./...

## web: bundle the editor (web/src) into web/static/dist with esbuild (npm ci first when needed), then write the compressed forms of the static files
# The gzip and Brotli forms (web/static/dist/gz and dist/br, named by the
# SHA-256 of what they compress) are made here, at their best ratios, and
# embedded; a binary built without them (a plain `go build`) makes its gzip
# forms when it starts (web/assets) and serves no Brotli.
web: $(WEB_DIST) check-go
	$(GO) run ./web/precompress web/static

$(WEB_DIST): $(WEB_DEPS) $(WEB_SRC) | check-node
	$(ESBUILD) web/src/editor.js --bundle --minify --format=iife --target=es2020 \
		--log-level=warning --outfile=$(WEB_DIST)

# npm ci when node_modules is missing or package-lock.json is newer than
# the install; npm ci writes node_modules/.package-lock.json.
$(WEB_DEPS): web/package-lock.json web/package.json | check-node
	cd web && npm ci --no-audit --no-fund
	@touch $(WEB_DEPS)

## bench: every benchmark step on this machine (under 10 minutes on 2 cores); prints the table, writes bench/out/results.json
bench: build $(BENCH_DEPS)
	$(GO) build -tags $(TAGS) -o $(BENCH_BIN) ./bench
	$(BENCH_BIN) -out $(BENCH_OUT) $(BENCH_FLAGS)

## bench-quick: a reduced version of each benchmark step (under 2 minutes)
bench-quick: build $(BENCH_DEPS)
	$(GO) build -tags $(TAGS) -o $(BENCH_BIN) ./bench
	$(BENCH_BIN) -quick -out $(BENCH_OUT) $(BENCH_FLAGS)

## bench-peers: install the benchmark's peer servers (ShareDB, y-websocket) into bench/peers; npm ci when needed
bench-peers: $(PEERS_DEPS)

$(PEERS_DEPS): bench/peers/package-lock.json bench/peers/package.json | check-node
	cd bench/peers && npm ci --no-audit --no-fund
	@touch $(PEERS_DEPS)

## clean: remove the binary, the editor bundle and test output (not your data/ nor web/node_modules)
clean:
	rm -rf bin e2e/testoutput web/static/dist

check-go:
	@command -v $(GO) >/dev/null || { echo "Go is missing: install Go 1.26 from https://go.dev/dl/"; exit 1; }
	@command -v gcc >/dev/null || { echo "gcc is missing: SQLite is built with cgo (Debian: apt-get install gcc)"; exit 1; }

check-node:
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "Node.js and npm are missing: they bundle the editor (make web) and run the benchmark's peer servers (make bench-peers). Install Node.js 18 or later (Debian: apt-get install nodejs npm, or https://nodejs.org/)"; exit 1; }

check-browser:
	@if [ -x "$${TAWLA_CHROMIUM:-$(CHROMIUM)}" ]; then \
		echo "Browser tests: using $${TAWLA_CHROMIUM:-$(CHROMIUM)}"; \
	elif [ "$$TAWLA_E2E" = "1" ]; then \
		echo "Browser tests are required (TAWLA_E2E=1) but Chromium is missing: apt-get install chromium"; exit 1; \
	else \
		echo "Browser tests will be skipped: Chromium is missing (Debian: apt-get install chromium)"; \
	fi
