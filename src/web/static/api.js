// The console's client of the server's HTTP API. Every URL is relative to the page (pages live
// at <prefix>/web/<page>, the API at <prefix>/), so the console works behind a path prefix and
// against a remote server. A session's secret token, when the server hands one out on reset
// (header X-Session-Token, or session_token in the body), is sent back on every later call.

/** The server's root, relative to the page. */
export const API_ROOT = new URL("../", document.baseURI);

/** An error answer of the server, with its status and readable message. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(formatDetail(detail) || `HTTP ${status}`);
    this.status = status;
    this.detail = detail;
  }
}

/** The server's `detail` (a string, or a list of {loc, msg}) as one line. */
export function formatDetail(detail) {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => {
      const where = Array.isArray(d.loc) ? d.loc.filter((x) => x !== "body").join(".") : "";
      return where ? `${where}: ${d.msg}` : String(d.msg ?? JSON.stringify(d));
    }).join("; ");
  }
  return detail === undefined ? "" : JSON.stringify(detail);
}

async function answer(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) throw new ApiError(res.status, body?.detail ?? res.statusText);
  return body;
}

/** GET a JSON resource relative to the server root. */
export async function getJson(path) {
  return answer(await fetch(new URL(path, API_ROOT), { headers: { Accept: "application/json" } }));
}

function freshSessionId() {
  return `web-${crypto.randomUUID()}`;
}

/** One person's session of the seed API (`/env/reset/{task}`, `/env/step`, `/env/state`). */
export class EnvSession {
  constructor() {
    this.id = freshSessionId();
    this.token = null;
  }

  headers(json) {
    const h = { Accept: "application/json", "X-Session-Id": this.id };
    if (this.token) h["X-Session-Token"] = this.token;
    if (json) h["Content-Type"] = "application/json";
    return h;
  }

  /** Starts an episode; `seed` null lets the server choose. Returns the seed-style result. */
  async reset(task, seed, agent) {
    const body = { agent };
    if (seed !== null) body.seed = seed;
    const send = () =>
      fetch(new URL(`env/reset/${encodeURIComponent(task)}`, API_ROOT), {
        method: "POST",
        headers: this.headers(true),
        body: JSON.stringify(body),
      });
    let res = await send();
    if ([401, 403, 404, 409].includes(res.status)) {
      // The old session expired or is not ours any more: start a new one.
      await res.body?.cancel();
      this.id = freshSessionId();
      this.token = null;
      res = await send();
    }
    const out = await answer(res);
    this.id = res.headers.get("X-Session-Id") ?? this.id;
    this.token = res.headers.get("X-Session-Token") ?? out?.session_token ?? this.token;
    return out;
  }

  /** Applies one tick of decisions. */
  async step(decisions) {
    return answer(
      await fetch(new URL("env/step", API_ROOT), {
        method: "POST",
        headers: this.headers(true),
        body: JSON.stringify({ action: { decisions } }),
      }),
    );
  }

  /** The episode state (the hidden truth only once the episode has ended). */
  async state() {
    return answer(await fetch(new URL("env/state", API_ROOT), { headers: this.headers(false) }));
  }
}
