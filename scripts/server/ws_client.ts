/**
 * A small lock-step WebSocket client for tests, the load script and the benchmark: send a frame,
 * await the next reply, observe the close code.
 *
 * @example
 * ```ts
 * import { WsClient } from "./ws_client.ts";
 * const ws = await WsClient.connect("ws://127.0.0.1:8000/ws");
 * const reply = await ws.request({ type: "reset", data: { seed: 1 } });
 * await ws.close();
 * ```
 *
 * @module
 */

import { NoDelaySocket } from "../../src/learn/ws_nodelay.ts";

/** How the socket closed. */
export interface CloseInfo {
  /** Close code (1000 normal, 1006 abnormal). */
  code: number;
  /** Close reason. */
  reason: string;
}

/**
 * Deno's `WebSocket` constructor, which takes handshake headers (the DOM lib's type, which the
 * browser tests load into the same type check, does not know that overload).
 */
const DenoWebSocket = WebSocket as unknown as new (
  url: string,
  options: { headers?: HeadersInit },
) => WebSocket;

/** What {@link WsClient} needs of a socket (a Deno `WebSocket`, or the no-delay stand-in). */
export interface SocketLike {
  /** `WebSocket.CONNECTING`, `OPEN`, `CLOSING` or `CLOSED`. */
  readonly readyState: number;
  /** Sends a text or binary message. */
  send(data: string | Uint8Array): void;
  /** Closes the socket. */
  close(code?: number): void;
}

/** A WebSocket with a message queue. */
export class WsClient {
  /** The socket (a Deno `WebSocket`, or for `connectNoDelay` a stand-in with its `readyState`). */
  readonly socket: SocketLike;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<CloseInfo>;
  readonly #queue: string[] = [];
  readonly #waiters: { resolve: (s: string) => void; reject: (e: Error) => void }[] = [];
  #closeInfo: CloseInfo | null = null;

  private constructor(
    socket: SocketLike,
    listen: (onText: (text: string) => void, onClose: (info: CloseInfo) => void) => void,
  ) {
    this.socket = socket;
    this.closed = new Promise((resolve) => {
      listen((text) => {
        const waiter = this.#waiters.shift();
        if (waiter) waiter.resolve(text);
        else this.#queue.push(text);
      }, (info) => {
        this.#closeInfo = info;
        for (const w of this.#waiters.splice(0)) {
          w.reject(new Error(`socket closed (${info.code})`));
        }
        resolve(info);
      });
    });
  }

  static #wrap(socket: WebSocket): WsClient {
    return new WsClient(socket, (onText, onClose) => {
      socket.onmessage = (e: MessageEvent) => onText(typeof e.data === "string" ? e.data : "");
      socket.onclose = (e: CloseEvent) => onClose({ code: e.code, reason: e.reason });
      socket.onerror = () => {};
    });
  }

  /**
   * Opens a socket over a `TCP_NODELAY` connection ({@link NoDelaySocket}): Deno's own client
   * sends a frame of more than 1,024 bytes in two writes with Nagle's algorithm on, and ~1.6% of
   * a load test's round trips then wait ~40 ms for the server's delayed ACK.
   */
  static async connectNoDelay(url: string): Promise<WsClient> {
    const raw = await NoDelaySocket.connect(url);
    let state: number = WebSocket.OPEN;
    const socket: SocketLike = {
      get readyState() {
        return state;
      },
      send: (data) => raw.send(data),
      close: () => raw.close(),
    };
    return new WsClient(socket, (onText, onClose) => {
      raw.onmessage = (data) => onText(typeof data === "string" ? data : "");
      raw.onclose = (reason) => {
        const code = reason === "closed by the client"
          ? 1000
          : Number(/closed by the server \((\d+)\)/.exec(reason)?.[1] ?? 1006);
        state = WebSocket.CLOSED;
        onClose({ code, reason });
      };
    });
  }

  /** Opens a socket (with extra handshake `headers`, if any) and waits for the handshake. */
  static connect(url: string, timeoutMs = 10000, headers?: HeadersInit): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const socket = headers ? new DenoWebSocket(url, { headers }) : new WebSocket(url);
      const client = WsClient.#wrap(socket);
      const timer = setTimeout(() => reject(new Error(`connect timeout: ${url}`)), timeoutMs);
      socket.onopen = () => {
        clearTimeout(timer);
        resolve(client);
      };
      client.closed.then((info) => {
        clearTimeout(timer);
        reject(new Error(`closed before open (${info.code})`));
      });
    });
  }

  /** Sends a frame (objects are JSON-encoded). */
  send(frame: string | object | Uint8Array): void {
    if (frame instanceof Uint8Array || typeof frame === "string") this.socket.send(frame);
    else this.socket.send(JSON.stringify(frame));
  }

  /**
   * The next text frame received (rejects if the socket closes first or on timeout; `timeoutMs`
   * 0 waits without a timer, for a hot loop whose caller bounds the wait itself).
   */
  next(timeoutMs = 30000): Promise<string> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#closeInfo) {
      return Promise.reject(new Error(`socket closed (${this.#closeInfo.code})`));
    }
    if (timeoutMs <= 0) {
      return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new Error("timeout waiting for a frame"));
      }, timeoutMs);
      const waiter = {
        resolve: (s: string) => {
          clearTimeout(timer);
          resolve(s);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  /** Sends a frame and returns the parsed reply. */
  // deno-lint-ignore no-explicit-any
  async request(frame: string | object): Promise<any> {
    this.send(frame);
    return JSON.parse(await this.next());
  }

  /** Closes the socket (code 1000) and waits until it is closed. */
  async close(): Promise<CloseInfo> {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(1000);
    return await this.closed;
  }
}
