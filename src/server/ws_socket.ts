/**
 * WebSocket plumbing: upgrades a request, gives the connection its own session (or refuses it
 * with `CAPACITY_REACHED` right after the handshake, as OpenEnv does), feeds each frame to the
 * protocol handler, closes with code 1000 when the protocol says so, and drops the session when
 * the socket closes. A session that expires while idle closes its socket. A frame whose outcome
 * is a promise (a reset that reads the ingest store) holds back the frames after it, so each
 * connection's replies keep the order of its requests; other frames are answered at once.
 *
 * @example
 * ```ts
 * import { createApp } from "./app.ts";
 * const server = createApp();
 * // GET /ws with `Upgrade: websocket` is answered by upgradeSession(request, "openenv", ...)
 * server.close();
 * ```
 *
 * @module
 */
import { handleJsonRpc, RPC, rpcError } from "./mcp.ts";
import type { Session } from "./session.ts";
import { CapacityError, type SessionStore } from "./session_store.ts";
import { errorFrame, type FrameOutcome, handleOpenEnvFrame } from "./ws_protocol.ts";
import { handleTrainFrame } from "./ws_train.ts";
import { handleVectorFrame } from "./ws_vector.ts";

/** The protocols served over WebSocket. */
export type SocketProtocol = "openenv" | "train" | "mcp" | "vector";

/** Whether a request asks for a WebSocket upgrade. */
export function isUpgrade(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}

function capacityFrame(protocol: SocketProtocol, err: CapacityError): string {
  const data = { active_sessions: err.activeSessions, max_sessions: err.maxSessions };
  if (protocol === "openenv") return errorFrame("CAPACITY_REACHED", err.message, data);
  if (protocol === "train" || protocol === "vector") {
    return JSON.stringify({
      type: "error",
      error: { code: "CAPACITY_REACHED", message: err.message, ...data },
    });
  }
  return JSON.stringify(rpcError(null, RPC.SERVER_ERROR, err.message, data));
}

/** The frame telling a client its session was dropped by the server (idle expiry, shutdown). */
function droppedFrame(protocol: SocketProtocol): string {
  const message = "Session closed by the server (idle timeout or shutdown)";
  if (protocol === "openenv") return errorFrame("SESSION_ERROR", message);
  if (protocol === "train" || protocol === "vector") {
    return JSON.stringify({ type: "error", error: { code: "SESSION_EXPIRED", message } });
  }
  return JSON.stringify(rpcError(null, RPC.SERVER_ERROR, message));
}

function mcpFrame(
  raw: unknown,
  session: Session,
  store: SessionStore,
): FrameOutcome | Promise<FrameOutcome> {
  if (typeof raw !== "string") {
    return { reply: JSON.stringify(rpcError(null, RPC.PARSE_ERROR, "Parse error: binary frame")) };
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (err) {
    const reason = err instanceof SyntaxError ? err.message : "too deeply nested";
    return { reply: JSON.stringify(rpcError(null, RPC.PARSE_ERROR, `Parse error: ${reason}`)) };
  }
  store.touch(session);
  const response = handleJsonRpc(body, { store, wsSession: session });
  return response instanceof Promise
    ? response.then((r) => ({ reply: JSON.stringify(r) }))
    : { reply: JSON.stringify(response) };
}

const HANDLERS: Record<
  SocketProtocol,
  (raw: unknown, session: Session, store: SessionStore) => FrameOutcome | Promise<FrameOutcome>
> = {
  openenv: handleOpenEnvFrame,
  train: handleTrainFrame,
  mcp: mcpFrame,
  vector: handleVectorFrame,
};

/** Upgrades `request` and serves `protocol` on the socket; returns the 101 response. */
export function upgradeSession(
  request: Request,
  protocol: SocketProtocol,
  store: SessionStore,
): Response {
  const { socket, response } = Deno.upgradeWebSocket(request);
  const handle = HANDLERS[protocol];
  let session: Session | null = null;
  const closeSocket = () => {
    if (socket.readyState === WebSocket.OPEN) socket.close(1000);
  };
  socket.onopen = () => {
    try {
      session = store.create("ws");
      session.onClose = () => {
        session = null;
        if (socket.readyState === WebSocket.OPEN) socket.send(droppedFrame(protocol));
        closeSocket();
      };
    } catch (err) {
      if (!(err instanceof CapacityError)) throw err;
      socket.send(capacityFrame(protocol, err));
      closeSocket();
    }
  };
  const internal = (err: unknown): FrameOutcome => {
    console.error(`ws ${protocol}: unexpected error:`, err instanceof Error ? err.message : err);
    store.metrics.recordError("internal");
    return { reply: errorFrame("SESSION_ERROR", "Internal error"), close: true };
  };
  const apply = (outcome: FrameOutcome) => {
    if (!session || socket.readyState !== WebSocket.OPEN) return;
    if (outcome.reply !== undefined) socket.send(outcome.reply);
    if (outcome.close) {
      const s = session;
      session = null;
      s.onClose = null;
      store.delete(s.id);
      closeSocket();
    }
  };
  const handleFrame = (data: unknown): Promise<void> | undefined => {
    if (!session || socket.readyState !== WebSocket.OPEN) return;
    let outcome: FrameOutcome | Promise<FrameOutcome>;
    try {
      outcome = handle(data, session, store);
    } catch (err) {
      outcome = internal(err);
    }
    if (!(outcome instanceof Promise)) {
      apply(outcome);
      return;
    }
    return outcome.then(apply, (err) => apply(internal(err)));
  };
  // Frames that arrive while an asynchronous outcome is pending wait for it, in order.
  let backlog: Promise<void> | null = null;
  const hold = (pending: Promise<void>) => {
    backlog = pending;
    pending.catch(() => {}).finally(() => {
      if (backlog === pending) backlog = null;
    });
  };
  socket.onmessage = (event: MessageEvent) => {
    if (backlog) {
      const run = () => handleFrame(event.data);
      hold(backlog.then(run, run));
    } else {
      const pending = handleFrame(event.data);
      if (pending) hold(pending);
    }
  };
  socket.onclose = () => {
    if (!session) return;
    const s = session;
    session = null;
    s.onClose = null;
    store.delete(s.id);
  };
  socket.onerror = () => {};
  return response;
}
