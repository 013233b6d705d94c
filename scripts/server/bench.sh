#!/usr/bin/env bash
# Benchmark driver: one client, WebSocket and HTTP steps/s, alert-triage vs the OpenEnv
# reference server (scripts/server/ref_server.py, openenv-core 0.3.0 create_app + uvicorn),
# both started here, measured in the same run by the same Deno client and by the real Python
# GenericEnvClient.
#   scripts/server/bench.sh [--seconds 5] [--policy delay|rules]
# Needs .venv (.ci/setup-python) or PYTHON=/path/to/python with openenv-core installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-.venv/bin/python}"
exec deno run --allow-net --allow-run --allow-env --allow-read --allow-sys \
  scripts/server/bench_ws.ts --python "$PY" --python-client "$@"
