# Labforge — common tasks. `make dev` runs the whole platform on embedded
# defaults; `make test` runs every test, each package starting what it needs
# (README.md, "Tests", says which run against the real stack).

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

.PHONY: dev test test-race build lint fmt bench clean

dev: ## run the whole platform: Temporal + Web UI, PostgreSQL, FerretDB, API and workers
	$(GO) run ./cmd/devstack

test: ## run every test once: the concurrent code's under the race detector
	$(GO) test -count=1 -timeout 9m $$($(GO) list ./... | grep -vxF "$$($(GO) list $(RACE_PKGS) ./api)")
	$(GO) test -count=1 -timeout 9m -skip '$(RACE_API_TESTS)' ./api
	$(MAKE) --no-print-directory test-race

test-race: ## run the concurrent packages' tests and the API's concurrent tests under the race detector
	$(GO) test -race -count=1 -timeout 9m $(RACE_PKGS)
	$(GO) test -race -count=1 -timeout 9m -run '$(RACE_API_TESTS)' ./api

build: ## build the api, worker, admin and devstack binaries into ./bin
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
	rm -rf $(BIN)
