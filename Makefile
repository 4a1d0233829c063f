# SymmetryEdge — the two set-up commands:
#   make demo   install what is missing, build release, simulate the demo cohort, sweep it, write the report
#   make test   the same set-up, then the whole test suite (unit, multi-rank mpirun, Slurm)
#
# Release kernels are built for AVX2/FMA (x86-64-v3). Override: make ARCH=native, or ARCH= to build generic.
ARCH ?= x86-64-v3
SWIFT ?= swift
ARCHFLAGS := $(if $(ARCH),-Xcc -march=$(ARCH),)
BUILDFLAGS := -c release $(ARCHFLAGS)
BIN := .build/release/symedge
PYTHON ?= python3
VENV := .venv
NP ?= 2
DEMO_OUT ?= demo-out

export OMPI_ALLOW_RUN_AS_ROOT := 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM := 1
export OMPI_MCA_rmaps_base_oversubscribe := 1

.PHONY: all deps build venv demo test test-unit test-slurm test-multinode container test-container bench bench-all clean help

all: build

help:
	@echo "make demo        build and run the demo cohort (simulate -> sweep -> report)"
	@echo "make test        build and run every test (unit, mpirun, Slurm)"
	@echo "make test-unit   swift tests only"
	@echo "make test-slurm  end-to-end tests on a local Slurm cluster"
	@echo "make test-multinode  end-to-end tests on a 3-node Slurm cluster in network namespaces (root)"
	@echo "make container   build the podman image and run mpi-check inside it"
	@echo "make test-container  build the image, then mpi-check and analyze inside it vs the host build (skips without podman)"
	@echo "make bench       issue-15 table: symedge vs Elephant/NumPy vs one-pass bound on one generated file (HOURS=1)"
	@echo "make bench-all   every benchmark under Benchmarks/ (figures go to BENCHMARKS.md by hand)"
	@echo "variables: ARCH=$(ARCH) (x86-64-v3 default; native; empty = generic), NP=$(NP)"

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build $(BUILDFLAGS)
	@git rev-parse HEAD > .build/release/symedge.commit 2>/dev/null || echo unknown > .build/release/symedge.commit

venv: $(VENV)/.installed

$(VENV)/.installed: Tests/python/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r Tests/python/requirements.txt
	touch $@

demo: build
	bash scripts/demo.sh "$(BIN)" "$(DEMO_OUT)" "$(NP)"

test: build venv
	SYMEDGE_BIN=$(CURDIR)/$(BIN) SYMEDGE_PYTHON=$(CURDIR)/$(VENV)/bin/python \
	  $(SWIFT) test $(BUILDFLAGS) --disable-swift-testing
	$(MAKE) test-slurm
	$(MAKE) test-multinode
	$(MAKE) test-container

test-unit: build venv
	SYMEDGE_BIN=$(CURDIR)/$(BIN) SYMEDGE_PYTHON=$(CURDIR)/$(VENV)/bin/python \
	  $(SWIFT) test $(BUILDFLAGS) --disable-swift-testing

test-slurm: build
	WITH_SLURM=1 bash scripts/install-deps.sh
	SYMEDGE_BIN=$(CURDIR)/$(BIN) bash Slurm/tests/run.sh

test-multinode: build
	WITH_SLURM=1 bash scripts/install-deps.sh
	SYMEDGE_BIN=$(CURDIR)/$(BIN) bash Slurm/tests/multinode.sh

container: build
	SYMEDGE_ARCHFLAGS="$(ARCHFLAGS)" bash Containers/build.sh

test-container: build
	SYMEDGE_ARCHFLAGS="$(ARCHFLAGS)" SYMEDGE_BIN=$(CURDIR)/$(BIN) bash Containers/test.sh

bench: build venv
	bash Benchmarks/analysis/run.sh

bench-all: build venv
	bash Benchmarks/run.sh

clean:
	rm -rf .build $(DEMO_OUT)
