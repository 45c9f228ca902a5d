# protoack: `make run` runs the main job, `make test` runs every test.
GO        ?= go
PKGS      ?= ./...
BENCHTIME ?= 1s

.PHONY: all build test vet lint bench run proto tools cuda gpu-check clean

all: build

build:
	$(GO) build $(PKGS)

vet:
	$(GO) vet $(PKGS)

# test: vet, then every test under the race detector.
test: vet
	$(GO) test -race -count=1 -timeout 30m $(PKGS)

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '\.pb\.go$$')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

# run: until cmd/sim lands, a small real example of the tracker.
run:
	$(GO) run ./messaging/internal/example

PROTOC_GEN_GO_VERSION ?= v1.36.12

tools:
	@command -v protoc >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler >/dev/null)
	@command -v protoc-gen-go >/dev/null || $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)

# proto: regenerate committed protobuf code.
proto: tools
	PATH="$$PATH:$$($(GO) env GOPATH)/bin" protoc --go_out=. --go_opt=module=github.com/protoack/protoack $$(git ls-files '*.proto')

clean:
	$(GO) clean -testcache
