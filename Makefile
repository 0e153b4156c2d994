# optpoline: see README.md.
GO      ?= go
BIN     := bin/optpoline
PKGS    := ./...

.PHONY: all build deps test vet demo bench integration kernel-check fuzz clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/optpoline

deps:
	@scripts/deps.sh

vet:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }

# The tests build a corpus with the real gcc and clang on first use (cached
# under ~/.cache/optpoline), so the first run takes a few minutes. Then the
# real code bases: zlib and Lua 5.4 from Debian sources built through
# `optpoline cc` and tested, and their gcc/clang assembly marked up and
# validated (optpoline check must find nothing before or after markup).
test: deps vet build
	@scripts/deps.sh integration
	$(GO) test -timeout 45m $(PKGS)
	scripts/integration.sh zlib lua
	scripts/realcode-asm.sh $${TMPDIR:-/tmp}/optpoline-realcode

demo: deps build
	$(BIN) demo

# Every benchmark, each printing ratios measured side by side in one run and
# writing bench-results/NAME.json; then the real-program results gathered
# into bench-results/summary.json and bench.png. BENCHMARKS.md reads them.
bench: deps build
	@scripts/deps.sh bench
	mkdir -p bench-results
	scripts/bench-parse.sh
	scripts/bench-check.sh
	$(GO) test -run '^$$' -bench . -benchtime 3x ./parser/...
	OPTPOLINE_BENCH_JSON=$(CURDIR)/bench-results/calls.json $(GO) test -run '^$$' -bench Calls -benchtime 1x ./runtime/
	scripts/bench-sqlite.sh
	scripts/bench-lua.sh
	scripts/bench-build.sh
	OPTPOLINE_BENCH_STATICCALL_JSON=$(CURDIR)/bench-results/staticcall.json \
		$(GO) test -run '^$$' -bench StaticCall -benchtime 1x ./runtime/
	$(GO) run ./internal/benchreport

# Build zlib and Lua 5.4 from their Debian source packages through
# `optpoline cc gcc` (plain -O2 and -mindirect-branch=thunk-extern) and run
# their tests. The sources are fetched once and cached under
# ~/.cache/optpoline/src; a run takes several minutes.
integration: build
	scripts/integration.sh zlib lua

# Build Linux 6.1 (tinyconfig + retpolines + ORC) with CC="optpoline cc gcc":
# objtool clean, the site table in vmlinux checked against the code, the
# kept assembly checked, and the bzImage booted in qemu (TCG). CI runs it
# after make test: 7-15 minutes on 2 shared cores, ~10 min of CPU.
kernel-check: build
	@scripts/deps.sh kernel
	scripts/kernel-check.sh

FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParsePrint -fuzztime $(FUZZTIME) ./parser/

clean:
	rm -rf bin bench-results
