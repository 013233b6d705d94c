#!/usr/bin/env bash
# Builds the project's container image with Debian's podman, as CI does (.ci/setup-container):
#
#   1. installs podman, buildah, debootstrap, runc (apt-get) when podman is missing;
#   2. if containers cannot start with podman's defaults (a sandbox that refuses the default
#      rlimits or crun's cgroup setup), writes /etc/containers/containers.conf for this machine:
#      the runc runtime and open-file/process limits within the host's own;
#   3. builds the base image localhost/deno-base:2.9.6 (scripts/container/base-image.sh), a
#      stand-in for denoland/deno:2.9.6, which no registry here serves;
#   4. builds the Dockerfile unchanged on it:
#        podman build --format docker --network host --pull=never \
#          --from localhost/deno-base:2.9.6 -t alert-triage .
#      (--format docker keeps the HEALTHCHECK, which podman's default OCI format drops), with the
#      host's CA bundle as the build secret `ca_bundle` when the outbound TLS of this machine is
#      re-signed by a local authority (only the dependency step sees it; not in the image);
#   5. with --smoke, runs the image's smoke test (tests/container/image_smoke_test.ts).
#
# Usage: scripts/container/build.sh [--smoke]      (as root; prints the image size and timings)
# Env: IMAGE (alert-triage), BASE_IMAGE (localhost/deno-base:2.9.6), CA_BUNDLE (the host bundle,
# default /etc/ssl/certs/ca-certificates.crt; empty: none).
set -euo pipefail
cd "$(dirname "$0")/../.."
IMAGE=${IMAGE:-alert-triage}
BASE_IMAGE=${BASE_IMAGE:-localhost/deno-base:2.9.6}
CA_BUNDLE=${CA_BUNDLE-/etc/ssl/certs/ca-certificates.crt}
export ENGINE=podman BASE_IMAGE
t0=$(date +%s)
stamp() { echo "[container $(($(date +%s) - t0))s] $*"; }

if ! command -v podman >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1 ||
  ! command -v runc >/dev/null 2>&1; then
  stamp "apt-get install podman buildah debootstrap runc"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends podman buildah debootstrap runc uidmap fuse-overlayfs ca-certificates \
    >/dev/null
fi
podman --version

stamp "base image $BASE_IMAGE"
scripts/container/base-image.sh

# A container that cannot start with the defaults: find limits this machine accepts.
if ! podman run --rm --pull=never "$BASE_IMAGE" true >/dev/null 2>&1; then
  conf=/etc/containers/containers.conf
  if [ -e "$conf" ] && ! grep -q "written by scripts/container/build.sh" "$conf"; then
    echo "containers cannot start and $conf exists: not touching it"
    podman run --rm --pull=never "$BASE_IMAGE" true
    exit 1
  fi
  nofile=$(ulimit -Hn)
  found=""
  for nproc in 32768 16384 4096; do
    for runtime in runc crun; do
      if podman run --rm --pull=never --runtime "$runtime" --ulimit "nofile=$nofile:$nofile" \
        --ulimit "nproc=$nproc:$nproc" "$BASE_IMAGE" true >/dev/null 2>&1; then
        found=yes
        break 2
      fi
    done
  done
  [ -n "$found" ] || { echo "no runtime/limits let a container start here"; exit 1; }
  cat >"$conf" <<EOF
# written by scripts/container/build.sh: this machine refuses podman's default rlimits
# (or crun's cgroup setup), so containers run with $runtime and limits within the host's own.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "$runtime"
EOF
  stamp "wrote $conf (runtime $runtime, nofile=$nofile, nproc=$nproc)"
  podman run --rm --pull=never "$BASE_IMAGE" true
fi

secret=()
if [ -n "$CA_BUNDLE" ] && [ -s "$CA_BUNDLE" ]; then
  secret=(--secret "id=ca_bundle,src=$CA_BUNDLE")
fi
# A failed build must not leave an older image under the tag for the smoke test to pass on.
podman untag "$IMAGE" 2>/dev/null || true
stamp "podman build -t $IMAGE (from $BASE_IMAGE)"
podman build --format docker --network host --pull=never --from "$BASE_IMAGE" \
  "${secret[@]}" -t "$IMAGE" .
podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$IMAGE"
stamp "built"

if [ "${1:-}" = "--smoke" ]; then
  stamp "smoke test"
  ALERT_TRIAGE_CONTAINER_IMAGE="$IMAGE" deno test --allow-run=podman --allow-net=127.0.0.1 \
    --allow-env tests/container/image_smoke_test.ts
  stamp "smoke test passed"
fi
