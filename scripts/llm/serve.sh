#!/usr/bin/env bash
# `deno task llm:serve [--port 8080] [more llama_cpp.server flags]`: installs the local model
# server if needed (scripts/llm/setup.sh), then serves SmolLM2-135M-Instruct (Q4_1) behind an
# OpenAI-compatible API on loopback, under the model name "smollm2-135m":
#   API_BASE_URL=http://127.0.0.1:8080/v1 MODEL_NAME=smollm2-135m deno task infer
# Environment: LLM_PORT (default 8080), LLM_THREADS (threads for generation and for the prompt;
# default: half the cores; llama-cpp-python's own default uses every core for the prompt, and on a
# busy machine more threads than free cores make llama.cpp many times slower),
# LLM_NO_INSTALL=1 to fail instead of installing, and those of setup.sh.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/alert-triage
VENV=${ALERT_TRIAGE_LLM_VENV:-$CACHE/llm-venv}
if [ "${LLM_NO_INSTALL:-0}" = 1 ]; then
  MODEL=$("$VENV/bin/python" "$HERE/model_path.py" --check)
else
  MODEL=$("$HERE/setup.sh" | tail -1)
fi
echo "serving $MODEL as smollm2-135m on http://127.0.0.1:${LLM_PORT:-8080}/v1" >&2
threads=${LLM_THREADS:-$(($(nproc) / 2 > 0 ? $(nproc) / 2 : 1))}
exec "$VENV/bin/python" -m llama_cpp.server --model "$MODEL" --model_alias smollm2-135m \
  --host 127.0.0.1 --port "${LLM_PORT:-8080}" --n_ctx 4096 --verbose False \
  --n_threads "$threads" --n_threads_batch "$threads" "$@"
