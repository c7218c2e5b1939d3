#!/usr/bin/env bash
# netlib's GPU check on a CUDA machine without network: Python 3.12 or 3.13 with NumPy 2
# and CuPy 14 installed.  Copy this repository there with gpu-bundle/ (made here by
# `make gpu-bundle`), then, in its root:  bash bench/gpu_check.sh [OUT]
# The bundle's wheels (Chainer, netlib, setuptools < 82, gensim) go into a private folder,
# never into that Python's own packages; results go to OUT (default gpu-check/).
# Extra arguments reach bench/gpu_check.py (--devices -1: only the CPU half).
set -euo pipefail
bundle=${GPU_BUNDLE:-gpu-bundle}
python=${PYTHON:-python3}
out=${1:-gpu-check}
shift || true
if [ ! -d "$bundle/wheels" ]; then
    echo "gpu_check: no $bundle/wheels: run 'make gpu-bundle' first" >&2
    exit 2
fi
site=$(mktemp -d)/site
"$python" -m pip install --quiet --no-index --no-deps --no-compile --disable-pip-version-check \
    --target "$site" "$bundle"/wheels/*.whl
export PYTHONPATH="$site" NETLIB_DATA_DIR="$(cd "$bundle/data" && pwd)" PYTHONUNBUFFERED=1
"$python" -m bench.gpu_check --out "$out" "$@"
