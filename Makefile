# Tawla — the two commands that matter: `make run` and `make test`.

GO        ?= go
TAGS      := sqlite_fts5
BIN       := bin/tawla
DATA      ?= data/tawla.db
ADDR      ?= 127.0.0.1:8080
CHROMIUM  ?= /usr/bin/chromium
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run build test lint clean check-go check-browser

## run: build, create data/tawla.db with the demo table on first start, serve it
run: build
	@mkdir -p $(dir $(DATA))
	@test -f $(DATA) || $(BIN) demo -data $(DATA)
	@echo
	@echo "  Tawla demo — open http://$(ADDR)"
	@echo "  Logins (password demo-tawla-2026): admin@demo.tn, secretariat@demo.tn,"
	@echo "  member@demo.tn, stakeholder@demo.tn.  Stop with Ctrl-C."
	@echo
	$(BIN) serve -addr $(ADDR) -data $(DATA)

## build: compile the tawla binary into bin/
build: check-go
	$(GO) build -tags $(TAGS) -o $(BIN) ./cmd/tawla

## test: every test, Go and browser (browser tests need Chromium; TAWLA_E2E=1 makes them required)
test: check-go check-browser
	$(GO) test -race -count=1 -tags $(TAGS) ./...

## lint: gofmt, go vet and staticcheck, all clean
lint: check-go
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags $(TAGS) ./...
	$(GO) run $(STATICCHECK) -tags $(TAGS) ./...

## clean: remove the binary and test output (not your data/)
clean:
	rm -rf bin e2e/testoutput

check-go:
	@command -v $(GO) >/dev/null || { echo "Go is missing: install Go 1.26 from https://go.dev/dl/"; exit 1; }
	@command -v gcc >/dev/null || { echo "gcc is missing: SQLite is built with cgo (Debian: apt-get install gcc)"; exit 1; }

check-browser:
	@if [ -x "$${TAWLA_CHROMIUM:-$(CHROMIUM)}" ]; then \
		echo "Browser tests: using $${TAWLA_CHROMIUM:-$(CHROMIUM)}"; \
	elif [ "$$TAWLA_E2E" = "1" ]; then \
		echo "Browser tests are required (TAWLA_E2E=1) but Chromium is missing: apt-get install chromium"; exit 1; \
	else \
		echo "Browser tests will be skipped: Chromium is missing (Debian: apt-get install chromium)"; \
	fi
