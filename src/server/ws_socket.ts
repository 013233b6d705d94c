/**
 * WebSocket plumbing: upgrades a request, gives the connection its own session (or refuses it
 * with `CAPACITY_REACHED` right after the handshake, as OpenEnv does), feeds each frame to the
 * protocol handler, closes with code 1000 when the protocol says so, and drops the session when
 * the socket closes. A session that expires while idle closes its socket. A frame whose outcome
 * is a promise (a reset that reads the ingest store) holds back the frames after it, so each
 * connection's replies keep the order of its requests; other frames are answered at once.
 *
 * Bounds (the same on every route built on this layer, see {@link SocketLimits}): a frame larger
 * than the body limit is refused with close code 1009; a client that leaves more than
 * `maxBufferedBytes` of replies unread (queued at the server) is closed with 1008, and one with
 * more than `maxPendingFrames` frames waiting behind a slow (store-reading) reply with 1013, so
 * a socket's memory at the server stays bounded and returns when it leaves. The session is owned
 * by its connection (no token); the upgrade request's address counts for the per-client cap and
 * its `Authorization` header is the ingest token of the session's replay/mixed resets.
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
import { CapacityError, type SessionStore, type SocketLimits } from "./session_store.ts";
import { errorFrame, type FrameOutcome, handleOpenEnvFrame } from "./ws_protocol.ts";
import { handleTrainFrame } from "./ws_train.ts";
import { handleVectorFrame } from "./ws_vector.ts";

/** The protocols served over WebSocket. */
export type SocketProtocol = "openenv" | "train" | "mcp" | "vector";

export type { SocketLimits };

/** Close code: the client does not read its replies (policy violation). */
export const CLOSE_NOT_READING = 1008;
/** Close code: a frame larger than the limit. */
export const CLOSE_TOO_BIG = 1009;
/** Close code: too many frames queued; try again later. */
export const CLOSE_TRY_LATER = 1013;

const encoder = new TextEncoder();

/** The size in bytes of a frame's data (a string's UTF-8 length, counted only near the limit). */
export function frameBytes(data: unknown, max: number): number {
  if (typeof data === "string") {
    if (data.length > max) return data.length;
    return data.length * 3 <= max ? data.length : encoder.encode(data).length;
  }
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (data instanceof Blob) return data.size;
  return 0;
}

/** The most bytes a frame of `data` can add to a socket's `bufferedAmount` (UTF-8: at most 3
 * bytes per UTF-16 unit), plus its header. */
function maxQueuedBytes(data: string | Uint8Array): number {
  return (typeof data === "string" ? data.length * 3 : data.byteLength) + 14;
}

/**
 * The sender of one socket's frames: it sends a frame unless the client already leaves more
 * than `maxBufferedBytes` of replies unread, and then closes the socket with 1008 (calling
 * `onViolation`) and returns false. It asks the socket for `bufferedAmount` (a call into the
 * runtime) only when the bytes sent since the socket last answered, counted at their largest,
 * could have taken it past the bound: below that the check could only pass, so the decisions
 * are those of asking before every frame. Every frame of the socket must go through it.
 */
export function boundedSender(
  socket: WebSocket,
  limits: SocketLimits,
): (text: string | Uint8Array, onViolation?: () => void) => boolean {
  let bound = 0; // an upper bound of socket.bufferedAmount
  return (text, onViolation) => {
    if (socket.readyState !== WebSocket.OPEN) return false;
    if (bound > limits.maxBufferedBytes) {
      bound = socket.bufferedAmount;
      if (bound > limits.maxBufferedBytes) {
        onViolation?.();
        socket.close(CLOSE_NOT_READING, "Replies not read: too many bytes queued for this client");
        return false;
      }
    }
    socket.send(text);
    bound += maxQueuedBytes(text);
    return true;
  };
}

/**
 * Whether an incoming frame is within `maxFrameBytes`; closes the socket with 1009 (and
 * returns false) if it is not.
 */
export function acceptFrame(socket: WebSocket, data: unknown, limits: SocketLimits): boolean {
  if (frameBytes(data, limits.maxFrameBytes) <= limits.maxFrameBytes) return true;
  if (socket.readyState === WebSocket.OPEN) {
    socket.close(CLOSE_TOO_BIG, `Frame larger than ${limits.maxFrameBytes} bytes`);
  }
  return false;
}

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

/**
 * Upgrades `request` and serves `protocol` on the socket, within the store's
 * {@link SessionStore.socketLimits}; `client` is the client's address (per-client cap).
 * Returns the 101 response.
 */
export function upgradeSession(
  request: Request,
  protocol: SocketProtocol,
  store: SessionStore,
  client = "",
): Response {
  const handle = HANDLERS[protocol];
  const limits = store.socketLimits;
  const authorization = request.headers.get("authorization");
  const { socket, response } = Deno.upgradeWebSocket(request);
  const send = boundedSender(socket, limits);
  let session: Session | null = null;
  const closeSocket = () => {
    if (socket.readyState === WebSocket.OPEN) socket.close(1000);
  };
  socket.onopen = () => {
    try {
      session = store.create("ws", undefined, client);
      session.authorization = authorization;
      session.onClose = () => {
        session = null;
        send(droppedFrame(protocol));
        closeSocket();
      };
    } catch (err) {
      if (!(err instanceof CapacityError)) throw err;
      send(capacityFrame(protocol, err));
      closeSocket();
    }
  };
  const internal = (err: unknown): FrameOutcome => {
    console.error(`ws ${protocol}: unexpected error:`, err instanceof Error ? err.message : err);
    store.metrics.recordError("internal");
    return { reply: errorFrame("SESSION_ERROR", "Internal error"), close: true };
  };
  const notReading = () => store.metrics.recordError("ws_not_reading");
  const apply = (outcome: FrameOutcome) => {
    if (!session || socket.readyState !== WebSocket.OPEN) return;
    if (outcome.reply !== undefined && !send(outcome.reply, notReading)) return;
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
  let waiting = 0;
  const hold = (pending: Promise<void>) => {
    backlog = pending;
    pending.catch(() => {}).finally(() => {
      if (backlog === pending) backlog = null;
    });
  };
  socket.onmessage = (event: MessageEvent) => {
    if (!acceptFrame(socket, event.data, limits)) {
      store.metrics.recordError("ws_frame_too_large");
      return;
    }
    if (backlog) {
      if (++waiting > limits.maxPendingFrames) {
        store.metrics.recordError("ws_backlog");
        socket.close(CLOSE_TRY_LATER, "Too many frames waiting for a reply");
        return;
      }
      const run = () => (waiting--, handleFrame(event.data));
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
