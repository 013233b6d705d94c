# alert-triage OpenEnv server (also the Hugging Face Space image: README front matter `sdk: docker`,
# `app_port: 8000`):
#   docker build -t alert-triage . && docker run -p 8000:8000 alert-triage
# CI builds this file unchanged with podman on a local stand-in for the base image
# (scripts/container/build.sh: `podman build --from localhost/deno-base:2.9.6 ...`).
FROM denoland/deno:2.9.6

ENV DENO_DIR=/deno-dir \
    DENO_NO_UPDATE_CHECK=1 \
    DENO_NO_PROMPT=1 \
    ALERT_TRIAGE_MAX_SESSIONS=256 \
    ALERT_TRIAGE_SESSION_IDLE_SECONDS=600

WORKDIR /app

# 1. Dependencies, from deno.json, deno.lock and scripts/container/server_lock.ts only, so that a
# source edit reuses this layer (nothing downloaded again). server_lock.ts cuts the config and
# lockfile down to the npm packages the server imports (no openai, d3/plot, linkedom, fast-check);
# --frozen fails the build if deno.lock is stale instead of rewriting it. Everything is owned by
# root and read-only for the runtime user, fixed in this same layer (a chmod in a later layer would
# copy the whole cache again). The optional build secret `ca_bundle` is only for build machines
# whose outbound TLS is re-signed by a local authority (`--secret id=ca_bundle,src=<CA bundle>`):
# it is mounted for this step alone and never stored in the image.
COPY deno.json deno.lock ./
COPY scripts/container/server_lock.ts /tmp/server_lock.ts
RUN --mount=type=secret,id=ca_bundle,required=false \
    if [ -s /run/secrets/ca_bundle ]; then export DENO_CERT=/run/secrets/ca_bundle; fi \
 && deno run --allow-read=. --allow-write=. /tmp/server_lock.ts \
 && deno install --frozen \
 && rm /tmp/server_lock.ts \
 && chown -R root:root /deno-dir /app \
 && chmod -R a+rX,go-w /deno-dir /app

# 2. The sources the server runs (see .dockerignore), cached against the layer above: --frozen
# fails if they import a package outside the server's cut of the lockfile. /app/data holds the
# alert store of /ingest/* (Deno KV, ./data/ingest.kv) and is the only writable path: mode 1777
# (sticky, like /tmp) so that any uid can write it, as hosts such as Hugging Face Spaces run the
# image as another user. Mount a volume there to keep the alerts:
#   docker run -p 8000:8000 -v alert-data:/app/data alert-triage
COPY mod.ts ./
COPY cli/ ./cli/
COPY src/ ./src/
COPY tasks/ ./tasks/
RUN deno cache --frozen cli/server.ts cli/server_compiled.ts cli/start.ts src/server/vector_worker.ts \
 && chmod -R a+rX,go-w /app/mod.ts /app/cli /app/src /app/tasks \
 && mkdir -p /app/data \
 && chmod 1777 /app/data

USER deno

EXPOSE 8000

# No curl in the image: probe with deno itself (each probe starts a deno process, ~50 MB for a
# moment). Follows ALERT_TRIAGE_PORT/PORT and ALERT_TRIAGE_HOST/HOST like the server.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["deno", "eval", "--no-config", "const v = (...n) => n.map((k) => Deno.env.get(k)?.trim()).find((x) => x); const h = v('ALERT_TRIAGE_HOST', 'HOST') ?? '0.0.0.0'; const host = ['0.0.0.0', '::', '[::]'].includes(h) ? '127.0.0.1' : h.includes(':') && !h.startsWith('[') ? `[${h}]` : h; const r = await fetch(`http://${host}:${v('ALERT_TRIAGE_PORT', 'PORT') ?? 8000}/health`); Deno.exit(r.ok ? 0 : 1);"]

# `deno task start` with --cached-only, the server as the only deno process: cli/start.ts --print
# picks the address from ALERT_TRIAGE_PORT/PORT and ALERT_TRIAGE_HOST/HOST (default 0.0.0.0:8000)
# and prints the `deno --cached-only` arguments with least privilege: the server behind its
# connection guard (`deno run ... cli/server_compiled.ts`: header, body and idle deadlines that
# `deno serve` lacks) on 0.0.0.0, or `deno serve cli/server.ts` with ALERT_TRIAGE_GUARD=off (behind
# a proxy with its own timeouts) or a loopback HOST; --allow-net for that address only (plus
# 127.0.0.1, the guard's hop to the app), --allow-env=ALERT_TRIAGE_*, read/write ./data only, widened only for an alert
# store configured elsewhere: ALERT_TRIAGE_KV_PATH in another directory, or a remote KV URL, whose
# host and DENO_KV_ACCESS_TOKEN it then allows); the shell execs them (one argument per line), so
# tini passes SIGTERM straight to the server. A bad PORT/HOST stops here with the usage text.
# Sessions live in memory: never add --parallel (scale out with processes behind a sticky LB).
CMD ["sh", "-c", "args=$(deno run --cached-only --allow-env=PORT,HOST,ALERT_TRIAGE_* cli/start.ts --cached-only --print) || exit; set -f; IFS='\n'; exec deno $args"]
