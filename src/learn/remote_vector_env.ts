/**
 * {@link RemoteVectorEnv}: the client of a server's `/ws/vector` endpoint, shaped like the
 * in-process {@link VectorEnv} (same typed arrays, filled by the same feature encoder), so a
 * trainer written against one runs against the other. One WebSocket holds all N environments;
 * each `step()` is one binary frame each way (format in `vector_wire.ts`). For `ws://` URLs it
 * uses the no-delay client of `ws_nodelay.ts` (Deno's `WebSocket` stalls ~40 ms on frames over
 * 1 KB); `wss://` goes through `WebSocket`.
 *
 * With the same task, seed, autoreset mode and actions, the arrays equal those of
 * `new VectorEnv({ task, numEnvs, seed, reward: "env", autoreset })` byte for byte
 * (`tests/server/ws_vector_test.ts`). Only the environment's reward travels (no grader
 * shaping); the grader's score arrives for ended episodes in `episodeScore`. With
 * `features: false` the client skips the encoder and leaves the raw frame in
 * {@link RemoteVectorEnv.frame} (for benchmarks and custom encoders).
 *
 * @example
 * ```ts ignore
 * import { RemoteVectorEnv } from "./remote_vector_env.ts";
 * const vec = await RemoteVectorEnv.connect("http://127.0.0.1:8000", {
 *   taskId: "hard",
 *   numEnvs: 64,
 *   seed: 0,
 * });
 * await vec.reset();
 * vec.actions.fill(1); // ignore everything
 * await vec.step();
 * console.log(vec.rewards[0], vec.terminations[0]);
 * vec.close();
 * ```
 *
 * @module
 */
import { FeatureBatchArrays } from "./batch_arrays.ts";
import { FeatureEncoder, GLOBAL_FEATURES, NUM_ACTIONS, SLOT_FEATURES } from "./features.ts";
import type { AutoresetMode } from "./world_batch.ts";
import { NoDelaySocket } from "./ws_nodelay.ts";
import {
  decodeFrame,
  encodeStepRequest,
  HEADER_BYTES,
  type ObsBlock,
  type VectorFrame,
} from "./vector_wire.ts";

/** Options of {@link RemoteVectorEnv.connect}. */
export interface RemoteVectorOptions {
  /** Task id (default: the server's default task). */
  taskId?: string;
  /** Number of environments (1..1024). */
  numEnvs: number;
  /** Seed of the stream of episode seeds (default 0). */
  seed?: number;
  /** Episode seeds are drawn from [0, seedLimit) (default 1,000,000). */
  seedLimit?: number;
  /** Autoreset mode (default `NextStep`). */
  autoreset?: AutoresetMode;
  /** Encode observations into features (default true). */
  features?: boolean;
}

/** The server's answer to `open`. */
export interface VectorOpened {
  /** Protocol name and version. */
  protocol: string;
  /** Task played. */
  task_id: string;
  /** Environments. */
  num_envs: number;
  /** Alert slots per environment (queue capacity). */
  slots: number;
  /** Autoreset mode. */
  autoreset_mode: AutoresetMode;
  /** The task's services and their dependencies. */
  services: { name: string; depends_on: string[] }[];
  /** Base investigation budget. */
  k: number;
  /** Episode horizon. */
  horizon: number;
  /** Queue capacity. */
  max_queue: number;
}

/** An error frame of the server. */
export class VectorServerError extends Error {
  /** The error code (`INVALID_FRAME`, `VALIDATION_ERROR`, ...). */
  readonly code: string;
  /** Keeps the code. */
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.name = "VectorServerError";
    this.code = code;
  }
}

/** What the client needs of a socket: the no-delay client for ws://, `WebSocket` for wss://. */
interface Transport {
  send(data: string | Uint8Array): void;
  close(): void;
  readonly open: boolean;
  onmessage: (data: unknown) => void;
  onclose: () => void;
}

async function openTransport(url: string): Promise<Transport> {
  if (url.startsWith("ws://")) {
    const s = await NoDelaySocket.connect(url);
    const t: Transport = {
      send: (d) => s.send(d),
      close: () => s.close(),
      get open() {
        return s.open;
      },
      onmessage: () => {},
      onclose: () => {},
    };
    s.onmessage = (d) => t.onmessage(d);
    s.onclose = () => t.onclose();
    return t;
  }
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
  });
  const t: Transport = {
    send: (d) => ws.send(d),
    close: () => ws.close(),
    get open() {
      return ws.readyState === WebSocket.OPEN;
    },
    onmessage: () => {},
    onclose: () => {},
  };
  ws.onmessage = (e) => t.onmessage(e.data);
  ws.onclose = () => t.onclose();
  ws.onerror = () => t.onclose();
  return t;
}

function wsUrl(url: string): string {
  let base = url.replace(/\/+$/, "");
  if (base.startsWith("http://")) base = "ws://" + base.slice(7);
  else if (base.startsWith("https://")) base = "wss://" + base.slice(8);
  return base.endsWith("/ws/vector") ? base : base + "/ws/vector";
}

/** N remote environments behind the arrays of {@link VectorEnv} (see the module doc). */
export class RemoteVectorEnv extends FeatureBatchArrays {
  /** Gymnasium-style metadata. */
  readonly metadata: { autoreset_mode: AutoresetMode };
  /** The server's `opened` answer. */
  readonly opened: VectorOpened;
  /** Decision codes to send at the next step, `numEnvs x slots`. */
  readonly actions: Int8Array;
  /** The last frame received (views into it stay valid until the next call). */
  frame: VectorFrame | null = null;
  readonly #ws: Transport;
  readonly #encoder: FeatureEncoder;
  readonly #features: boolean;
  readonly #request: Uint8Array;
  #waiting: { resolve: (data: unknown) => void; reject: (err: Error) => void } | null = null;
  #failure: Error | null = null;

  private constructor(ws: Transport, opened: VectorOpened, features: boolean) {
    super(opened.num_envs, opened.slots);
    const n = this.numEnvs, S = this.slots;
    this.#ws = ws;
    this.opened = opened;
    this.metadata = { autoreset_mode: opened.autoreset_mode };
    this.#features = features;
    this.#encoder = new FeatureEncoder({
      services: opened.services.map((s) => ({ name: s.name, dependsOn: s.depends_on })),
      k: opened.k,
      horizon: opened.horizon,
      maxQueue: opened.max_queue,
    }, S);
    this.#request = encodeStepRequest(new Int8Array(n * S), n, S);
    this.actions = new Int8Array(this.#request.buffer, HEADER_BYTES, n * S);
    ws.onmessage = (data) => this.#deliver(data);
    ws.onclose = () => this.#fail(new Error("the vector socket closed"));
  }

  /** Opens a session of `numEnvs` environments on the server at `url`. */
  static async connect(url: string, options: RemoteVectorOptions): Promise<RemoteVectorEnv> {
    const ws = await openTransport(wsUrl(url));
    const reply = await new Promise<unknown>((resolve, reject) => {
      ws.onmessage = (data) => resolve(data);
      ws.onclose = () => reject(new Error("the vector socket closed during open"));
      ws.send(JSON.stringify({
        type: "open",
        task_id: options.taskId,
        num_envs: options.numEnvs,
        seed: options.seed ?? 0,
        seed_limit: options.seedLimit,
        autoreset_mode: options.autoreset ?? "NextStep",
      }));
    });
    let opened: VectorOpened & { type: string };
    try {
      opened = RemoteVectorEnv.#text(reply) as unknown as VectorOpened & { type: string };
    } catch (err) {
      ws.close();
      throw err;
    }
    if (opened.type !== "opened") {
      ws.close();
      throw new Error(`unexpected reply to open: ${JSON.stringify(opened)}`);
    }
    return new RemoteVectorEnv(ws, opened, options.features ?? true);
  }

  static #text(data: unknown): Record<string, unknown> {
    if (typeof data !== "string") throw new Error("expected a text frame");
    const frame = JSON.parse(data);
    if (frame.type === "error") throw new VectorServerError(frame.error.code, frame.error.message);
    return frame;
  }

  #deliver(data: unknown): void {
    const w = this.#waiting;
    this.#waiting = null;
    w?.resolve(data);
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    const w = this.#waiting;
    this.#waiting = null;
    w?.reject(err);
  }

  #send(data: string | Uint8Array): Promise<VectorFrame> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#waiting) {
      // One frame at a time: the arrays hold one reply, and a second request would take the
      // first one's reply.
      return Promise.reject(
        new Error("RemoteVectorEnv: a step or reset is already in flight; await it first"),
      );
    }
    return new Promise<unknown>((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#ws.send(data);
    }).then((reply) => {
      if (typeof reply === "string") RemoteVectorEnv.#text(reply);
      const frame = decodeFrame(reply as ArrayBuffer);
      this.frame = frame;
      return frame;
    });
  }

  /** Resets every environment; `seed` restarts the server's stream of episode seeds. */
  async reset(seed?: number): Promise<void> {
    const frame = await this.#send(JSON.stringify({ type: "reset", seed }));
    this.seeds.set(frame.seeds);
    this.episodeDone.fill(0);
    if (this.#features) this.#encodeBlock(frame.obs, null, this.slotObs, this.globalObs);
  }

  /** Sends {@link RemoteVectorEnv.actions} and reads the results into the arrays. */
  async step(): Promise<void> {
    const frame = await this.#send(this.#request);
    const n = this.numEnvs;
    for (let i = 0; i < n; i++) {
      this.rewards[i] = frame.rewards[i];
      this.envRewards[i] = frame.rewards[i];
    }
    this.terminations.set(frame.terminated);
    this.truncations.set(frame.truncated);
    this.seeds.set(frame.seeds);
    this.episodeDone.fill(0);
    for (let k = 0; k < frame.doneEnv.length; k++) {
      const i = frame.doneEnv[k];
      this.episodeDone[i] = 1;
      this.episodeReturn[i] = frame.doneReturn[k];
      this.episodeLength[i] = frame.doneLength[k];
      this.episodeScore[i] = frame.doneScore[k];
      this.episodeSeed[i] = frame.doneSeed[k];
    }
    if (!this.#features) return;
    this.#encodeBlock(frame.obs, null, this.slotObs, this.globalObs);
    if (frame.final) {
      this.#encodeBlock(frame.final, frame.doneEnv, this.finalSlotObs, this.finalGlobalObs);
    }
  }

  /** Closes the socket (the server drops the session). */
  close(): void {
    this.#fail(new Error("the vector env is closed"));
    if (this.#ws.open) {
      this.#ws.send(JSON.stringify({ type: "close" }));
      this.#ws.close();
    }
  }

  #encodeBlock(
    obs: ObsBlock,
    envs: Uint32Array | null,
    slotOut: Float32Array,
    globalOut: Float32Array,
  ): void {
    const raw = this.#encoder.raw, S = this.slots;
    const final = envs !== null;
    const valid = final ? this.finalSlotValid : this.slotValid;
    const mask = final ? this.finalMask : this.actionMask;
    let at = 0;
    for (let k = 0; k < obs.envs; k++) {
      const i = final ? envs[k] : k;
      const q = obs.queueLength[k], n = Math.min(q, S);
      for (let j = 0; j < n; j++) {
        raw.severity[j] = obs.severity[at + j] / 10000;
        raw.confidence[j] = obs.confidence[at + j] / 10000;
        raw.type[j] = obs.type[at + j];
        raw.service[j] = obs.service[at + j];
        raw.age[j] = obs.age[at + j];
      }
      at += q;
      raw.length = n;
      raw.load = obs.load[k] / 10000;
      raw.budget = obs.budget[k];
      raw.timeRemaining = obs.timeRemaining[k];
      raw.escalations = obs.escalations[k];
      raw.queueLength = q;
      raw.tick = obs.tick[k];
      if (!final) this.budget[i] = obs.budget[k];
      this.#encoder.encode(
        slotOut,
        i * S * SLOT_FEATURES,
        globalOut,
        i * GLOBAL_FEATURES,
        valid,
        i * S,
        mask,
        i * S * NUM_ACTIONS,
      );
    }
  }
}
