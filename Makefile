# protoack: `make run` runs the main job, `make test` runs every test.
GO        ?= go
PKGS      ?= ./...
BENCHTIME ?= 1s

.PHONY: all build test vet lint bench run proto tools cuda test-cuda gpu-check test-compat clean

all: build

build:
	$(GO) build $(PKGS)

vet:
	$(GO) vet $(PKGS)

# test: vet, then every test under the race detector; with nvcc present,
# also the CUDA build (test-cuda).
test: vet
	$(GO) test -race -count=1 -timeout 30m $(PKGS)
	@if command -v $(NVCC) >/dev/null 2>&1; then $(MAKE) --no-print-directory test-cuda; \
	elif [ "$$CI" = true ]; then echo "nvcc not found, but CI=true: .ci/run should have installed it"; exit 1; \
	else echo "nvcc not found: the CUDA build was NOT tested (see README, CUDA)"; fi

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '\.pb\.go$$')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

# run: the main job on built-in defaults: a 10k-node BA graph laid out
# through the two actors to equilibrium; layout.csv, layout.png, a summary.
run:
	$(GO) run ./cmd/sim

PROTOC_GEN_GO_VERSION ?= v1.36.12

tools:
	@command -v protoc >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler >/dev/null)
	@command -v protoc-gen-go >/dev/null || $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)

# proto: regenerate committed protobuf code.
proto: tools
	PATH="$$PATH:$$($(GO) env GOPATH)/bin" protoc --go_out=. --go_opt=module=github.com/protoack/protoack $$(git ls-files '*.proto')

# test-compat: TestRemoteOldReceiver against a real node of an earlier
# version (COMPAT_BASE, default 06202ee: the last without negotiated
# batches, which dies on one), built from git into build/compat.
COMPAT_BASE ?= 06202ee
test-compat:
	rm -rf build/compat && mkdir -p build/compat/src
	git archive $(COMPAT_BASE) | tar -x -C build/compat/src
	cd build/compat/src && $(GO) test -c -o ../old.test ./middleware
	PROTOACK_OLD_NODE=$(CURDIR)/build/compat/old.test $(GO) test -count=1 -run '^TestRemoteOldReceiver$$' -v ./middleware

clean:
	$(GO) clean -testcache
	rm -rf $(CUDA_OUT) $(GPU_CHECK_DIR) bin/gpu-check

# CUDA: nvcc builds the kernel into a static library that cgo links (tag
# cuda) together with libcudart_static.a, so binaries need only libc.
NVCC      ?= nvcc
CUDA_DIR  := actors/forcecompute/cuda
CUDA_OUT  := build/cuda
CUDA_LIB  := $(CUDA_OUT)/libforcecompute_cuda.a
CUDA_OBJ  := $(patsubst $(CUDA_DIR)/%.cu,$(CUDA_OUT)/%.o,$(wildcard $(CUDA_DIR)/*.cu))
CUDA_DEPS := $(wildcard $(CUDA_DIR)/*.h $(CUDA_DIR)/*.cuh)
CUDA_ARCH := -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90 \
             -gencode arch=compute_90,code=compute_90
NVCCFLAGS ?= -O3 -std=c++17 -Xcompiler -fPIC,-Wall
CUDA_PKGS := ./actors/forcecompute ./actors/forcecompute/cuda/...
# Go does not hash C libraries into its build cache; naming the library's
# checksum in -ldflags relinks whenever it changes.
CUDA_GOFLAGS = -tags cuda -ldflags=-X=github.com/protoack/protoack/actors/forcecompute/cuda.libSum=$$(sha256sum $(CUDA_LIB) | cut -c1-16)

$(CUDA_OUT)/%.o: $(CUDA_DIR)/%.cu $(CUDA_DEPS) Makefile
	@mkdir -p $(CUDA_OUT)
	$(NVCC) $(NVCCFLAGS) $(CUDA_ARCH) -c $< -o $@

$(CUDA_LIB): $(CUDA_OBJ)
	rm -f $@
	ar rcs $@ $^

cuda: $(CUDA_LIB)

# test-cuda: the forcecompute packages built with -tags cuda. Without a GPU
# the tests check the fallback and CUDA's error text, and the host emulation
# of the device algorithm against the CPU kernel.
test-cuda: cuda
	$(GO) vet -tags cuda $(CUDA_PKGS)
	$(GO) test -race -count=1 -timeout 30m $(CUDA_GOFLAGS) $(CUDA_PKGS)
	@# The device tests again, verbosely, so a skip for want of a GPU shows.
	$(GO) test -race -count=1 $(CUDA_GOFLAGS) -run '^TestGPU' -v ./$(CUDA_DIR)

# gpu-check: build/gpu-check, the one folder to carry to a GPU machine (no Go
# or CUDA toolkit needed there, only the driver): gpu-check, cuda.test (the
# package's tests with -tags cuda: the conformance suite and the GPU tests),
# sim (cmd/sim with -tags cuda) and run.sh, which runs them all. See docs/performance.md, CUDA kernel.
GPU_CHECK_DIR := build/gpu-check

gpu-check: cuda
	@mkdir -p $(GPU_CHECK_DIR)
	CGO_ENABLED=1 $(GO) build $(CUDA_GOFLAGS) -trimpath -o $(GPU_CHECK_DIR)/gpu-check ./$(CUDA_DIR)/internal/gpucheck
	CGO_ENABLED=1 $(GO) test -c $(CUDA_GOFLAGS) -trimpath -o $(GPU_CHECK_DIR)/cuda.test ./$(CUDA_DIR)
	CGO_ENABLED=1 $(GO) build $(CUDA_GOFLAGS) -trimpath -o $(GPU_CHECK_DIR)/sim ./cmd/sim
	install -m 755 $(CUDA_DIR)/internal/gpucheck/run.sh $(GPU_CHECK_DIR)/run.sh
	@ls -l $(GPU_CHECK_DIR)
