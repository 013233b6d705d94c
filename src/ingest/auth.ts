/**
 * Authentication of ingest requests. Three credentials, each enough on its own (a sender uses
 * whichever it can send):
 *
 * | credential (when configured)                 | how it is sent                                               | senders |
 * | -------------------------------------------- | ------------------------------------------------------------ | ------- |
 * | bearer token (`ALERT_TRIAGE_INGEST_TOKEN`)    | `Authorization: Bearer <token>`                              | Alertmanager (`http_config.authorization`), Grafana (Authorization header), Datadog (custom headers), curl |
 * | the token as PagerDuty routing key           | `routing_key` of a PagerDuty Events v2 body (PagerDuty routes only) | PagerDuty SDKs, Alertmanager's `pagerduty_configs` |
 * | HMAC signature (`ALERT_TRIAGE_INGEST_HMAC_SECRET`) | `X-Signature: sha256=<hex>` (or `X-Hub-Signature-256`) over the raw body; or Grafana's `X-Grafana-Alerting-Signature: <hex>` over `<timestamp>:<body>` with the timestamp header, or over the body alone without one | Grafana (HMAC signature setting), anything that signs |
 *
 * With nothing configured every request passes. Otherwise a request passes when one configured
 * credential it presents is valid; a presented signature that does not match is refused (403)
 * even when a token is valid too. Failures: no credential → 401 (`WWW-Authenticate: Bearer`)
 * when a token is configured, else 403; a wrong token → 401; a wrong or stale signature → 403.
 * Grafana timestamps more than {@link MAX_SIGNATURE_AGE_S} seconds from the server's clock are
 * refused (replay protection). Secrets are compared in constant time and never appear in an
 * error message, a log line or a response.
 *
 * Signing a body: `printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET"` gives the hex.
 *
 * @example
 * ```ts
 * import { checkBearer, hmacHex, verifySignature } from "./auth.ts";
 * console.assert(await checkBearer("Bearer s3cret", "s3cret") === null);
 * const body = new TextEncoder().encode("{}");
 * const sig = await hmacHex("k", body);
 * console.assert(await verifySignature(body, `sha256=${sig}`, "k") === null);
 * ```
 *
 * @module
 */

/** Header carrying the body signature. */
export const SIGNATURE_HEADER = "X-Signature";
/** GitHub-style alternative signature header, accepted too. */
export const ALT_SIGNATURE_HEADER = "X-Hub-Signature-256";
/**
 * Grafana's signature headers: the documented default (`X-Grafana-Alerting-Signature`) and the
 * default of the signing code in `grafana/alerting` (`X-Grafana-Alert-Signature`).
 */
export const GRAFANA_SIGNATURE_HEADERS: readonly string[] = [
  "X-Grafana-Alerting-Signature",
  "X-Grafana-Alert-Signature",
];
/**
 * Timestamp headers read with a Grafana signature (Grafana has no default name: the contact
 * point's "Timestamp Header" must be one of these).
 */
export const GRAFANA_TIMESTAMP_HEADERS: readonly string[] = [
  "X-Grafana-Alerting-Timestamp",
  "X-Grafana-Alerting-Signature-Timestamp",
];
/** Largest accepted distance of a Grafana signature timestamp from the server clock (s). */
export const MAX_SIGNATURE_AGE_S = 300;

/** Why a request was refused: status and a message that never quotes a credential. */
export interface AuthFailure {
  /** 401 (bearer) or 403 (signature). */
  status: 401 | 403;
  /** What is wrong, for the response body. */
  message: string;
}

const encoder = new TextEncoder();

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/**
 * Constant-time equality of two strings: both are hashed first, so neither their contents nor
 * their lengths leak through timing.
 *
 * @example
 * ```ts
 * import { constantTimeEqual } from "./auth.ts";
 * console.assert(await constantTimeEqual("a", "a") && !(await constantTimeEqual("a", "b")));
 * ```
 */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([sha256(a), sha256(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

/**
 * Checks an `Authorization` header against the configured token (`undefined`: no auth, always
 * passes). Returns `null` when accepted.
 *
 * @example
 * ```ts
 * import { checkBearer } from "./auth.ts";
 * console.assert((await checkBearer(null, "t"))?.status === 401);
 * console.assert(await checkBearer(null, undefined) === null);
 * ```
 */
export async function checkBearer(
  header: string | null | undefined,
  token: string | undefined,
): Promise<AuthFailure | null> {
  if (token === undefined) return null;
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m) {
    return { status: 401, message: "Missing bearer token (Authorization: Bearer <token>)" };
  }
  return await constantTimeEqual(m[1], token)
    ? null
    : { status: 401, message: "Invalid bearer token" };
}

/**
 * Hex HMAC-SHA256 of `body` under `secret` (what a sender puts in `X-Signature: sha256=<hex>`).
 *
 * @example
 * ```ts
 * import { hmacHex } from "./auth.ts";
 * const hex = await hmacHex("key", new TextEncoder().encode("The quick brown fox jumps over the lazy dog"));
 * console.assert(hex.startsWith("f7bc83f4"));
 * ```
 */
export async function hmacHex(secret: string, body: Uint8Array): Promise<string> {
  const key = await hmacKey(secret, "sign");
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, body as BufferSource));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Verifies a signature header over the raw body (`undefined` secret: no check). Accepts
 * `sha256=<hex>` or bare hex, any case. Returns `null` when it matches. The comparison is
 * `crypto.subtle.verify`, which is constant-time.
 *
 * @example
 * ```ts
 * import { verifySignature } from "./auth.ts";
 * const r = await verifySignature(new Uint8Array(), "sha256=00", "k");
 * console.assert(r?.status === 403);
 * ```
 */
export async function verifySignature(
  body: Uint8Array,
  header: string | null | undefined,
  secret: string | undefined,
): Promise<AuthFailure | null> {
  if (secret === undefined) return null;
  if (!header) {
    return { status: 403, message: `Missing ${SIGNATURE_HEADER}: sha256=<hex HMAC of the body>` };
  }
  const m = /^\s*(?:sha256=)?([0-9a-fA-F]{64})\s*$/.exec(header);
  if (!m) return { status: 403, message: `Malformed ${SIGNATURE_HEADER} (expected sha256=<hex>)` };
  const ok = await hmacVerify(secret, m[1], body);
  return ok ? null : { status: 403, message: `${SIGNATURE_HEADER} does not match the body` };
}

/** The HMAC-SHA256 key of a shared secret, for signing or verifying. */
function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [usage],
  );
}

/** Whether `hex` (64 hex digits) is the HMAC-SHA256 of `message` under `secret` (constant-time). */
async function hmacVerify(secret: string, hex: string, message: Uint8Array): Promise<boolean> {
  const sig = Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
  const key = await hmacKey(secret, "verify");
  return await crypto.subtle.verify("HMAC", key, sig, message as BufferSource);
}

/**
 * Verifies Grafana's webhook signature (`grafana/alerting` `http/hmac.go`): hex HMAC-SHA256 of
 * `<timestamp>:<body>` when the contact point sends a timestamp header (Unix seconds), of the
 * body alone otherwise. A timestamp further than {@link MAX_SIGNATURE_AGE_S} from `nowMs` is
 * refused. Returns `null` when it matches.
 *
 * @example
 * ```ts
 * import { hmacHex, verifyGrafanaSignature } from "./auth.ts";
 * const body = new TextEncoder().encode("{}");
 * const sig = await hmacHex("k", new TextEncoder().encode("1700000000:{}"));
 * console.assert(await verifyGrafanaSignature(body, sig, "1700000000", "k", 1700000000_000) === null);
 * ```
 */
export async function verifyGrafanaSignature(
  body: Uint8Array,
  signature: string,
  timestamp: string | null | undefined,
  secret: string,
  nowMs: number,
): Promise<AuthFailure | null> {
  const name = GRAFANA_SIGNATURE_HEADERS[0];
  const m = /^\s*([0-9a-fA-F]{64})\s*$/.exec(signature);
  if (!m) return { status: 403, message: `Malformed ${name} (expected hex HMAC-SHA256)` };
  let message = body;
  if (timestamp !== undefined && timestamp !== null) {
    const ts = timestamp.trim();
    if (!/^\d{1,12}$/.test(ts)) {
      return { status: 403, message: "Malformed signature timestamp (expected Unix seconds)" };
    }
    if (Math.abs(nowMs / 1000 - Number(ts)) > MAX_SIGNATURE_AGE_S) {
      return {
        status: 403,
        message: `Signature timestamp more than ${MAX_SIGNATURE_AGE_S} s from the server clock`,
      };
    }
    const prefix = encoder.encode(`${ts}:`);
    message = new Uint8Array(prefix.length + body.length);
    message.set(prefix);
    message.set(body, prefix.length);
  }
  return await hmacVerify(secret, m[1], message)
    ? null
    : { status: 403, message: `${name} does not match the body` };
}

/** What {@link authenticate} reads of a request. */
export interface AuthRequest {
  /** A request header by name (case-insensitive), `undefined` when absent. */
  header(name: string): string | undefined;
  /** The raw body (read only when a signature or routing key must be checked). */
  body(): Promise<Uint8Array>;
  /** The PagerDuty `routing_key` of the body, on routes that take PagerDuty events. */
  routingKey?: () => Promise<string | undefined>;
}

/** The credentials configured (unset: not accepted as a way in). */
export interface AuthConfig {
  /** Bearer token (also accepted as a PagerDuty routing key). */
  token?: string;
  /** HMAC secret of the signatures. */
  hmacSecret?: string;
}

/** The signature header a request carries, and which scheme it is. */
function presentedSignature(req: AuthRequest) {
  for (const name of GRAFANA_SIGNATURE_HEADERS) {
    const value = req.header(name);
    if (value !== undefined) {
      const ts = GRAFANA_TIMESTAMP_HEADERS.map((h) => req.header(h)).find((v) => v !== undefined);
      return { scheme: "grafana" as const, value, timestamp: ts };
    }
  }
  const value = req.header(SIGNATURE_HEADER) ?? req.header(ALT_SIGNATURE_HEADER);
  return value === undefined
    ? undefined
    : { scheme: "plain" as const, value, timestamp: undefined };
}

/**
 * The ingest authentication policy (see the module table): `null` when the request may go on.
 *
 * @example
 * ```ts
 * import { authenticate } from "./auth.ts";
 * const req = { header: () => undefined, body: () => Promise.resolve(new Uint8Array()) };
 * console.assert(await authenticate(req, {}, Date.now) === null);
 * console.assert((await authenticate(req, { token: "t" }, Date.now))?.status === 401);
 * ```
 */
export async function authenticate(
  req: AuthRequest,
  config: AuthConfig,
  now: () => number,
): Promise<AuthFailure | null> {
  const { token, hmacSecret } = config;
  if (token === undefined && hmacSecret === undefined) return null;
  const sig = hmacSecret === undefined ? undefined : presentedSignature(req);
  if (sig && hmacSecret !== undefined) {
    const body = await req.body();
    return sig.scheme === "grafana"
      ? await verifyGrafanaSignature(body, sig.value, sig.timestamp, hmacSecret, now())
      : await verifySignature(body, sig.value, hmacSecret);
  }
  const authorization = req.header("authorization");
  if (token !== undefined) {
    if (authorization !== undefined) return await checkBearer(authorization, token);
    const key = await req.routingKey?.();
    if (key !== undefined) {
      return await constantTimeEqual(key, token)
        ? null
        : { status: 401, message: "Invalid routing_key (set it to the ingest token)" };
    }
    return await checkBearer(undefined, token);
  }
  return {
    status: 403,
    message: `Missing ${SIGNATURE_HEADER}: sha256=<hex HMAC of the body> (or ${
      GRAFANA_SIGNATURE_HEADERS[0]
    })`,
  };
}
