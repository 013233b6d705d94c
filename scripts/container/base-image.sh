#!/usr/bin/env bash
# Builds localhost/deno-base:2.9.6, a local stand-in for the official denoland/deno:2.9.6 image,
# from Debian packages and npm only (no container registry is reachable from our machines):
#
#   debootstrap --variant=minbase <suite>   Debian root filesystem (apt's own suite and mirror)
#   npm pack @deno/linux-x64-glibc@2.9.6    the deno 2.9.6 release binary -> /usr/bin/deno
#   tini (Debian package)                   -> /tini, the entrypoint, as in the official image
#   user deno (uid/gid 1993), /deno-dir owned by it, DENO_DIR=/deno-dir/, DENO_INSTALL_ROOT
#   docker-entrypoint.sh: a deno subcommand as first argument runs deno, anything else is exec'd
#
# Differences from the official image (see README "Container image"): Debian bookworm (what this
# machine's apt reaches) instead of debian:stable-slim, tini 0.19.0 from Debian instead of the
# release binary, docs/man pages/locales removed by hand instead of the slim image's dpkg
# excludes. The project Dockerfile runs unchanged on both (`podman build --from` swaps the base).
#
# Usage: scripts/container/base-image.sh [--force]   (root; skips if the image exists)
# Env: ENGINE (podman), BASE_IMAGE (localhost/deno-base:2.9.6), DEBIAN_SUITE / DEBIAN_MIRROR
# (default: the first suite and URI of /etc/apt/sources*), DENO_VERSION (2.9.6).
set -euo pipefail
ENGINE=${ENGINE:-podman}
DENO_VERSION=${DENO_VERSION:-2.9.6}
BASE_IMAGE=${BASE_IMAGE:-localhost/deno-base:${DENO_VERSION}}

if [ "${1:-}" != "--force" ] && "$ENGINE" image exists "$BASE_IMAGE" 2>/dev/null; then
  echo "base image $BASE_IMAGE exists (--force rebuilds it)"
  exit 0
fi

# The suite and mirror apt already uses (deb822 .sources or one-line .list), so debootstrap
# reaches the same servers as apt-get on this machine.
apt_source() { # $1: suites|uris
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v key="$1" 'tolower($1) == key":" { print $2; exit }' "$f"
    return
  done
  awk -v key="$1" '$1 == "deb" { print (key == "suites" ? $3 : $2); exit }' /etc/apt/sources.list
}
SUITE=${DEBIAN_SUITE:-$(apt_source suites)}
MIRROR=${DEBIAN_MIRROR:-$(apt_source uris)}
SUITE=${SUITE:-bookworm}
MIRROR=${MIRROR:-http://deb.debian.org/debian}

WORK=$(mktemp -d /var/tmp/deno-base.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
ROOTFS=$WORK/rootfs

echo "debootstrap --variant=minbase $SUITE $MIRROR"
debootstrap --variant=minbase --include=tini "$SUITE" "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
  { tail -30 "$WORK/debootstrap.log"; exit 1; }

echo "npm pack @deno/linux-x64-glibc@$DENO_VERSION"
(cd "$WORK" && npm pack --silent "@deno/linux-x64-glibc@$DENO_VERSION" >/dev/null)
tar -xzf "$WORK"/deno-linux-x64-glibc-"$DENO_VERSION".tgz -C "$WORK" package/deno
install -m 0755 "$WORK/package/deno" "$ROOTFS/usr/bin/deno"
chroot "$ROOTFS" /usr/bin/deno --version | head -1 | grep -q "^deno $DENO_VERSION " ||
  { echo "the packed deno binary is not $DENO_VERSION"; exit 1; }

cp "$ROOTFS/usr/bin/tini" "$ROOTFS/tini"
chroot "$ROOTFS" useradd --uid 1993 --user-group deno
install -d -o 1993 -g 1993 "$ROOTFS/deno-dir"
cat >"$ROOTFS/usr/local/bin/docker-entrypoint.sh" <<'ENTRY'
#!/bin/sh
set -e
case "$1" in
  bench | bundle | cache | check | compile | completions | coverage | doc | eval | fmt | help | info | init | install | jupyter | lint | lsp | publish | repl | run | serve | task | test | types | uninstall | upgrade )
    exec deno "$@";;
esac
exec "$@"
ENTRY
chmod 755 "$ROOTFS/usr/local/bin/docker-entrypoint.sh"

# Slim it down as the debian *-slim images do (apt lists and caches, docs, man pages, locales).
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/* "$ROOTFS"/var/cache/debconf/*-old \
  "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* \
  "$ROOTFS"/var/log/*.log "$ROOTFS"/var/log/apt/* "$ROOTFS"/tmp/* "$ROOTFS"/var/tmp/*
find "$ROOTFS/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +

tar --numeric-owner -C "$ROOTFS" -c . | "$ENGINE" import --quiet \
  --change 'ENV DENO_DIR=/deno-dir/' \
  --change 'ENV DENO_INSTALL_ROOT=/usr/local' \
  --change "ENV DENO_VERSION=$DENO_VERSION" \
  --change 'ENTRYPOINT ["/tini", "--", "docker-entrypoint.sh"]' \
  --change 'CMD ["eval", "console.log('"'"'Welcome to Deno!'"'"')"]' \
  --message "stand-in for denoland/deno:$DENO_VERSION: debootstrap $SUITE + @deno/linux-x64-glibc@$DENO_VERSION + tini" \
  - "$BASE_IMAGE" >/dev/null
"$ENGINE" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$BASE_IMAGE"
