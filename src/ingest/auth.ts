/**
 * Authentication of ingest requests: a bearer token (when `ALERT_TRIAGE_INGEST_TOKEN` is set) and
 * an optional HMAC-SHA256 signature of the raw body (when `ALERT_TRIAGE_INGEST_HMAC_SECRET` is
 * set), both compared in constant time. Neither the token nor the secret ever appears in an error
 * message, a log line or a response.
 *
 * | check                       | header                                | failure |
 * | --------------------------- | ------------------------------------- | ------- |
 * | token configured            | `Authorization: Bearer <token>`       | 401 (`WWW-Authenticate: Bearer`) |
 * | HMAC secret configured      | `X-Signature: sha256=<hex>` (or bare hex; `X-Hub-Signature-256` too) | 403 |
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
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
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
  const sig = Uint8Array.from(m[1].match(/../g)!, (h) => parseInt(h, 16));
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const ok = await crypto.subtle.verify("HMAC", key, sig, body as BufferSource);
  return ok ? null : { status: 403, message: `${SIGNATURE_HEADER} does not match the body` };
}
