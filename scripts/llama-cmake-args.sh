#!/usr/bin/env bash
# CMAKE_ARGS for building llama-cpp-python from source (PyPI ships only the sdist).
#
# Why not the default -march=native build: on some virtual machines /proc/cpuinfo advertises AMX but the
# hypervisor traps AMX instructions, so a native build dies with "Illegal instruction" on the first prompt
# longer than one token (seen on this project's 2-core CI machines). We therefore build without -march=native
# and switch on exactly the x86 SIMD extensions the CPU reports, never AMX.
# Users with a GPU build can override: CMAKE_ARGS="-DGGML_CUDA=on" make install
set -u
if [ -n "${CMAKE_ARGS:-}" ]; then echo "$CMAKE_ARGS"; exit 0; fi
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
if [ -z "$flags" ]; then echo ""; exit 0; fi  # not Linux/x86: keep llama.cpp's own defaults
has() { case " $flags " in *" $1 "*) echo ON;; *) echo OFF;; esac; }
echo "-DGGML_NATIVE=OFF -DGGML_AVX=$(has avx) -DGGML_AVX2=$(has avx2) -DGGML_FMA=$(has fma) -DGGML_F16C=$(has f16c)" \
     "-DGGML_AVX512=$(has avx512f) -DGGML_AVX512_VBMI=$(has avx512vbmi) -DGGML_AVX512_VNNI=$(has avx512_vnni)" \
     "-DGGML_AVX512_BF16=$(has avx512_bf16) -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
