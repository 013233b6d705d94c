#!/usr/bin/env bash
# Measures the image built from a copy of the build context (the working tree, or a git ref):
# image size, npm packages in the dependency cache, then a rebuild after a one-line source edit
# (seconds, and how many "Download" lines deno printed: 0 means the dependency layer was reused).
# Numbers go to BENCHMARKS.md ("Container image").
#
# Usage: scripts/container/measure.sh [GIT_REF]     (after scripts/container/build.sh)
# A Dockerfile from before the `ca_bundle` build secret gets it added to its `deno install` step,
# so that it can download through this machine's TLS-re-signing proxy; nothing else is changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE_IMAGE=${BASE_IMAGE:-localhost/deno-base:2.9.6}
CA_BUNDLE=${CA_BUNDLE-/etc/ssl/certs/ca-certificates.crt}
TAG=localhost/alert-triage:measure-$$
WORK=$(mktemp -d /var/tmp/alert-triage-measure.XXXXXX)
trap 'rm -rf "$WORK"; podman rmi -f "$TAG" >/dev/null 2>&1 || true' EXIT

if [ -n "${1:-}" ]; then
  git archive "$1" | tar -x -C "$WORK"
  label="git ref $1 ($(git rev-parse --short "$1"))"
else
  tar --exclude=.git --exclude=.venv --exclude=data -C . -c . | tar -x -C "$WORK"
  label="working tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo +changes))"
fi
if ! grep -q "id=ca_bundle" "$WORK/Dockerfile"; then
  sed -i 's|^RUN deno install|RUN --mount=type=secret,id=ca_bundle DENO_CERT=/run/secrets/ca_bundle deno install|' \
    "$WORK/Dockerfile"
fi
secret=()
[ -n "$CA_BUNDLE" ] && [ -s "$CA_BUNDLE" ] && secret=(--secret "id=ca_bundle,src=$CA_BUNDLE")
build() {
  podman build --format docker --network host --pull=never --from "$BASE_IMAGE" "${secret[@]}" \
    -t "$TAG" "$WORK"
}

echo "== $label, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
t=$(date +%s.%N)
build >"$WORK/.build1.log" 2>&1 || { tail -20 "$WORK/.build1.log"; exit 1; }
echo "build (layer cache as it is): $(echo "$(date +%s.%N) - $t" | bc | cut -c1-5) s"
echo "image size: $(podman image inspect --format '{{.Size}}' "$TAG" | awk '{printf "%.0f MB", $1/1e6}')"
echo "npm packages cached: $(podman run --rm --no-healthcheck --entrypoint sh "$TAG" -c \
  'cd /deno-dir/npm/registry.npmjs.org && ls -d [!@]*/[0-9]* @*/*/[0-9]* | wc -l; du -sm .' |
  tr '\n\t' '  ' | awk '{printf "%s (%s MB)", $1, $2}')"

echo "// measure.sh edit $(date +%s%N)" >>"$WORK/src/server/app.ts"
t=$(date +%s.%N)
build >"$WORK/.build2.log" 2>&1 || { tail -20 "$WORK/.build2.log"; exit 1; }
echo "rebuild after a source edit: $(echo "$(date +%s.%N) - $t" | bc | cut -c1-5) s," \
  "$(grep -c "Download" "$WORK/.build2.log" || true) downloads"
