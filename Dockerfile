# alert-triage OpenEnv server: `docker build -t alert-triage . && docker run -p 8000:8000 alert-triage`
# (also the Hugging Face Space image: README front matter `sdk: docker`, `app_port: 8000`).
FROM denoland/deno:2.9.6

ENV DENO_DIR=/deno-dir \
    DENO_NO_UPDATE_CHECK=1 \
    DENO_NO_PROMPT=1 \
    ALERT_TRIAGE_MAX_SESSIONS=256 \
    ALERT_TRIAGE_SESSION_IDLE_SECONDS=600

WORKDIR /app

# The manifest and lock first, then only the sources the server imports (see .dockerignore).
COPY deno.json deno.lock ./
COPY mod.ts ./
COPY cli/ ./cli/
COPY src/ ./src/
COPY tasks/ ./tasks/

# Resolve and cache every dependency of the entry point at build time, so the container never
# downloads at start (it runs with --cached-only). Files are readable by any uid, since some
# hosts (Hugging Face Spaces) run the image as a different user.
# /app/data holds the durable alert store of /ingest/* (Deno KV, ./data/ingest.kv): owned by the
# non-root user and, with the sticky bit as on /tmp, writable by any uid for hosts that run the
# image as another user. Mount a volume there to keep ingested alerts across containers:
# `docker run -p 8000:8000 -v alert-data:/app/data alert-triage`.
RUN deno install --entrypoint cli/server.ts \
 && mkdir -p /app/data \
 && chown -R deno:deno /deno-dir /app \
 && chmod -R a+rX /deno-dir /app \
 && chmod 1777 /app/data

USER deno

EXPOSE 8000

# No curl in the image: probe with deno itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["deno", "eval", "const r = await fetch('http://127.0.0.1:8000/health'); Deno.exit(r.ok ? 0 : 1);"]

# Least privilege: listen on :8000, read only ALERT_TRIAGE_* variables, read and write only
# ./data (the alert store; Deno KV is enabled by "unstable": ["kv"] in deno.json); read ./policies
# (the agents the web console's watch mode plays, when the image ships them).
# Sessions live in memory: never add --parallel (scale out with processes behind a sticky LB).
CMD ["deno", "serve", "--cached-only", "--port", "8000", "--host", "0.0.0.0", \
     "--allow-net=0.0.0.0:8000", "--allow-env=ALERT_TRIAGE_*", \
     "--allow-read=./data,./policies", "--allow-write=./data", "cli/server.ts"]
