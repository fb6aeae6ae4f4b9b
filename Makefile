# Labforge — common tasks. `make dev` runs the whole platform on embedded
# defaults, with the web console built when its sources changed; `make test`
# runs every test, each package starting what it needs (README.md, "Tests",
# says which run against the real stack), and the console's checks.

GO       ?= go
BIN      ?= bin
# Packages whose tests run under the race detector (the concurrent code);
# every other package's tests run without it, so no test runs twice.
RACE_PKGS ?= ./domain/... ./internal/config/... ./internal/auth/... ./internal/pgcluster/... ./internal/gateway ./store ./store/storetest ./internal/sim/... ./internal/proxmox/... \
	./activities ./workflows ./internal/app
# The API's tests that run under the race detector: the ones whose point
# is concurrency (forty clones and twenty containers at once, a worker
# stopped mid-operation, concurrent requests on one VM). Its other tests,
# end-to-end ones included, run without it: the race detector makes them
# several times slower and their concurrent code is raced in its own
# package's tests.
RACE_API_TESTS ?= ^(TestConcurrent.*|TestE2EFortyClonesRespectNodeCap|TestE2ETwentyContainersAtOnce|TestE2ECloneSurvivesWorkerStop|TestE2EContainerCreateSurvivesWorkerStop)$$

# The web console (web/): npm ci installs its locked dependencies into
# web/node_modules, the build writes web/dist/app, which package web embeds
# into the API. Its sources include the API contract it is typed against.
WEB_DEPS    := web/node_modules/.package-lock.json
WEB_BUILD   := web/dist/app/index.html
WEB_SOURCES := $(shell find web/src web/public -type f ! -name schema.d.ts 2>/dev/null) \
	web/index.html web/package.json web/vite.config.ts web/tsconfig.json api/openapi.yaml

# The API's end-to-end tests mostly wait (timers, polls, simulated task
# durations), so many run at once: far more than the two cores here.
API_PARALLEL ?= 12

.PHONY: dev test test-go test-race test-web test-browser build lint fmt bench clean web web-fresh

dev: web-fresh ## run the whole platform: Temporal + Web UI, PostgreSQL, FerretDB, API and workers
	$(GO) run ./cmd/devstack

web: ## install the console's locked dependencies (npm ci) and build it into web/dist/app
	cd web && npm ci
	cd web && npm run build

# web-fresh builds the console when its sources are newer than its build;
# without npm the API serves a page saying the console is not built.
web-fresh:
	@if command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory $(WEB_BUILD); \
	else \
		echo "npm not found: the API serves the console's not-built page (install Node.js 20 and npm, then make web)"; \
	fi

$(WEB_DEPS): web/package.json web/package-lock.json
	cd web && npm ci

$(WEB_BUILD): $(WEB_DEPS) $(WEB_SOURCES)
	@echo "the web console's sources are newer than web/dist/app: building it"
	cd web && npm run build

test-web: $(WEB_DEPS) ## type-check the console against api/openapi.yaml, check its formatting, run its unit tests
	cd web && npm run typecheck
	cd web && npm run format:check
	cd web && npm test

# The browser tests build the dev stack (with the console, rebuilt first
# when its sources are newer), start it on free ports and click through the
# console in Debian's Chromium (/usr/bin/chromium, or LABFORGE_CHROMIUM);
# screenshots go to web/e2e-results/.
test-browser: $(WEB_BUILD) ## run the console's browser tests against a real stack
	cd web && npm run test:e2e

# The browser tests mostly wait for the stack (a fifth of their time is
# CPU), so they run beside the Go tests; each one's output is printed
# whole when it ends. Both need the console built first (package web
# embeds it), which make does once before either starts.
test: test-web ## run every test once: the concurrent code's under the race detector
	$(MAKE) --no-print-directory -j2 --output-sync=target test-browser test-go
	$(MAKE) --no-print-directory test-race

test-go: $(WEB_BUILD) ## run the Go tests that do not run under the race detector
	$(GO) test -count=1 -timeout 9m $$($(GO) list ./... | grep -vxF "$$($(GO) list $(RACE_PKGS) ./api)")
	$(GO) test -count=1 -timeout 9m -parallel $(API_PARALLEL) -skip '$(RACE_API_TESTS)' ./api

test-race: ## run the concurrent packages' tests and the API's concurrent tests under the race detector
	$(GO) test -race -count=1 -timeout 9m $(RACE_PKGS)
	$(GO) test -race -count=1 -timeout 9m -run '$(RACE_API_TESTS)' ./api

build: web-fresh ## build the api (with the console), worker, admin and devstack binaries into ./bin
	$(GO) build -o $(BIN)/labforge-api ./cmd/api
	$(GO) build -o $(BIN)/labforge-worker ./cmd/worker
	$(GO) build -o $(BIN)/labforge-admin ./cmd/labforge-admin
	$(GO) build -o $(BIN)/labforge-devstack ./cmd/devstack

# Imports come in three groups: standard library, other modules, this module.
GOIMPORTS ?= $(GO) run golang.org/x/tools/cmd/goimports@v0.45.0 -local github.com/labforge/labforge

lint: ## gofmt and import-grouping check, go vet
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	@misgrouped=$$($(GOIMPORTS) -l $$(git ls-files '*.go')); \
	if [ -n "$$misgrouped" ]; then echo "imports not grouped (run make fmt):"; echo "$$misgrouped"; exit 1; fi
	$(GO) vet ./...

fmt: ## gofmt and group imports
	gofmt -w $$(git ls-files '*.go')
	$(GOIMPORTS) -w $$(git ls-files '*.go')

bench: ## run the benchmarks and print their figures
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf $(BIN) web/dist/app web/node_modules
