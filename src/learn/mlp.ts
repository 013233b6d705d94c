/**
 * A small multi-layer perceptron (tanh or ReLU hidden layers) with manual backpropagation over
 * typed arrays. Parameters and gradients live in caller-provided `Float64Array` views (so a
 * policy can keep all its networks in one flat buffer for Adam and gradient clipping), and
 * activations in buffers that grow with the largest batch seen (no allocation once warm).
 *
 * Layout of layer `l` (`in -> out`) inside `params`: the weights `W[o * in + i]` (row-major,
 * out x in), then the biases `b[o]`.
 *
 * @example
 * ```ts
 * import { Mlp } from "./mlp.ts";
 * import { Rng } from "../rng.ts";
 * const sizes = [3, 8, 2];
 * const n = Mlp.paramCount(sizes);
 * const mlp = new Mlp(sizes, new Float64Array(n), new Float64Array(n));
 * mlp.init(new Rng(0));
 * const y = mlp.forward(new Float32Array([0.1, 0.2, 0.3]), 1);
 * mlp.backward(new Float64Array([1, 0]), 1);
 * console.log(y[0], mlp.grads[0]);
 * ```
 *
 * @module
 */
import type { Rng } from "../rng.ts";

/** Options of {@link Mlp}. */
export interface MlpOptions {
  /** Hidden-layer activation (default `tanh`). */
  activation?: Activation;
  /** Apply the activation to the output layer too (default false: linear output). */
  activateOutput?: boolean;
  /**
   * Inputs are mostly zeros (one-hot features): the first layer skips them (default false).
   * Input gradients (`dInput`) are then not available.
   */
  sparseInput?: boolean;
}

/** Hidden-layer activation of an {@link Mlp}. */
export type Activation = "tanh" | "relu";

const NONE = 0, TANH = 1, RELU = 2;

/** An MLP whose parameters are views into caller-owned buffers. */
export class Mlp {
  /** Layer widths, input first. */
  readonly sizes: readonly number[];
  /** Parameters (a view). */
  readonly params: Float64Array;
  /** Gradients, same layout as `params` (a view; accumulated by backward). */
  readonly grads: Float64Array;
  /** Hidden-layer activation. */
  readonly activation: Activation;
  /** Whether the output layer is activated too. */
  readonly activateOutput: boolean;
  /** Whether the first layer skips zero inputs. */
  readonly sparseInput: boolean;
  readonly #offsets: number[];
  #acts: Float64Array[] = [];
  #delta: Float64Array = new Float64Array(0);
  #deltaPrev: Float64Array = new Float64Array(0);
  #capacity = 0;
  readonly #act: number;
  #input: Float64Array = new Float64Array(0);
  #nzIndex: Int32Array = new Int32Array(0);
  #nzCount: Int32Array = new Int32Array(0);

  /** Number of parameters of an MLP with these layer widths. */
  static paramCount(sizes: readonly number[]): number {
    let n = 0;
    for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l] * sizes[l + 1] + sizes[l + 1];
    return n;
  }

  /** Wraps parameter and gradient views of length {@link Mlp.paramCount}(sizes). */
  constructor(
    sizes: readonly number[],
    params: Float64Array,
    grads: Float64Array,
    options: MlpOptions = {},
  ) {
    const n = Mlp.paramCount(sizes);
    if (params.length !== n || grads.length !== n) {
      throw new RangeError(`an MLP ${sizes.join("-")} needs ${n} parameters, got ${params.length}`);
    }
    this.sizes = sizes;
    this.params = params;
    this.grads = grads;
    this.activation = options.activation ?? "tanh";
    this.activateOutput = options.activateOutput ?? false;
    this.#act = this.activation === "relu" ? RELU : TANH;
    this.sparseInput = options.sparseInput ?? false;
    this.#offsets = [];
    let off = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      this.#offsets.push(off);
      off += sizes[l] * sizes[l + 1] + sizes[l + 1];
    }
  }

  /** Width of the output layer. */
  get outputSize(): number {
    return this.sizes[this.sizes.length - 1];
  }

  /**
   * Orthogonal initialisation with zero biases (CleanRL's `layer_init`): hidden layers with
   * gain `hiddenGain` (default sqrt 2), the output layer with `outputGain` (default 1).
   */
  init(rng: Rng, hiddenGain = Math.SQRT2, outputGain = 1): void {
    const layers = this.sizes.length - 1;
    for (let l = 0; l < layers; l++) {
      const nin = this.sizes[l], nout = this.sizes[l + 1];
      const gain = l === layers - 1 ? outputGain : hiddenGain;
      const w = orthogonal(nout, nin, rng);
      const off = this.#offsets[l];
      for (let i = 0; i < w.length; i++) this.params[off + i] = gain * w[i];
      this.params.fill(0, off + nin * nout, off + nin * nout + nout);
    }
  }

  #ensure(batch: number): void {
    if (batch <= this.#capacity) return;
    const cap = Math.max(batch, Math.ceil(this.#capacity * 1.5), 16);
    this.#acts = this.sizes.slice(1).map((s) => new Float64Array(cap * s));
    const widest = Math.max(...this.sizes);
    this.#delta = new Float64Array(cap * widest);
    this.#deltaPrev = new Float64Array(cap * widest);
    this.#input = new Float64Array(cap * this.sizes[0]);
    if (this.sparseInput) {
      this.#nzIndex = new Int32Array(cap * this.sizes[0]);
      this.#nzCount = new Int32Array(cap);
    }
    this.#capacity = cap;
  }

  /**
   * Forward pass over `batch` rows of `x` (row-major, `sizes[0]` wide). Returns the output
   * buffer (`batch x outputSize`, valid until the next forward). Keeps a reference to `x` for
   * {@link Mlp.backward}.
   */
  forward(x: Float32Array | Float64Array, batch: number): Float64Array {
    this.#ensure(batch);
    // Copy the input into a float64 buffer so that every inner loop is monomorphic.
    const input = this.#input;
    const nin0 = this.sizes[0];
    if (this.sparseInput) {
      // Keep each row's non-zero inputs packed at the row's start, with their indices.
      const idx = this.#nzIndex, cnt = this.#nzCount;
      for (let b = 0; b < batch; b++) {
        const o = b * nin0;
        let c = 0;
        for (let i = 0; i < nin0; i++) {
          const v = x[o + i];
          if (v !== 0) {
            input[o + c] = v;
            idx[o + c] = i;
            c++;
          }
        }
        cnt[b] = c;
      }
    } else {
      for (let k = 0; k < batch * nin0; k++) input[k] = x[k];
    }
    const layers = this.sizes.length - 1;
    let src = input;
    for (let l = 0; l < layers; l++) {
      const dst = this.#acts[l];
      const act = l < layers - 1 || this.activateOutput ? this.#act : NONE;
      if (l === 0 && this.sparseInput) {
        sparseForward(
          this.params,
          this.sizes[0],
          this.sizes[1],
          input,
          this.#nzIndex,
          this.#nzCount,
          dst,
          batch,
          act,
        );
        src = dst;
        continue;
      }
      denseForward(
        this.params,
        this.#offsets[l],
        this.sizes[l],
        this.sizes[l + 1],
        src,
        dst,
        batch,
        act,
      );
      src = dst;
    }
    return this.#acts[layers - 1];
  }

  /**
   * Backward pass for the last forward: `dOut` is dLoss/dOutput (`batch x outputSize`, after
   * the output activation). Adds the parameter gradients into `grads`; if `dInput` is given,
   * writes dLoss/dInput into it (`batch x sizes[0]`).
   */
  backward(dOut: Float64Array, batch: number, dInput?: Float64Array): void {
    const layers = this.sizes.length - 1;
    let delta = this.#delta, prev = this.#deltaPrev;
    const nlast = this.outputSize;
    const outAct = this.#acts[layers - 1];
    for (let k = 0; k < batch * nlast; k++) {
      delta[k] = this.activateOutput ? dOut[k] * derivative(this.#act, outAct[k]) : dOut[k];
    }
    for (let l = layers - 1; l >= 0; l--) {
      const nin = this.sizes[l], nout = this.sizes[l + 1];
      const x = l === 0 ? this.#input : this.#acts[l - 1];
      const dx = l > 0 ? prev : dInput ?? null;
      if (l === 0 && this.sparseInput) {
        if (dInput) throw new Error("input gradients are not available with sparseInput");
        sparseBackward(
          this.grads,
          nin,
          nout,
          this.#input,
          this.#nzIndex,
          this.#nzCount,
          delta,
          batch,
        );
        continue;
      }
      denseBackward(this.params, this.grads, this.#offsets[l], nin, nout, x, delta, dx, batch);
      if (l > 0) {
        const h = this.#acts[l - 1];
        if (this.#act === TANH) {
          for (let k = 0; k < batch * nin; k++) prev[k] *= 1 - h[k] * h[k];
        } else for (let k = 0; k < batch * nin; k++) if (h[k] <= 0) prev[k] = 0;
        const t = delta;
        delta = prev;
        prev = t;
      }
    }
  }
}

/** Derivative of the activation, given its output `h`. */
function derivative(act: number, h: number): number {
  return act === TANH ? 1 - h * h : act === RELU ? (h > 0 ? 1 : 0) : 1;
}

/** `y = act(W x + b)` for `batch` rows; W at `off` (nout x nin), then b. */
function denseForward(
  p: Float64Array,
  off: number,
  nin: number,
  nout: number,
  x: Float64Array,
  y: Float64Array,
  batch: number,
  act: number,
): void {
  const bOff = off + nin * nout;
  for (let b = 0; b < batch; b++) {
    const xo = b * nin, yo = b * nout;
    for (let o = 0; o < nout; o++) {
      const wo = off + o * nin;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let i = 0;
      for (; i + 3 < nin; i += 4) {
        s0 += p[wo + i] * x[xo + i];
        s1 += p[wo + i + 1] * x[xo + i + 1];
        s2 += p[wo + i + 2] * x[xo + i + 2];
        s3 += p[wo + i + 3] * x[xo + i + 3];
      }
      for (; i < nin; i++) s0 += p[wo + i] * x[xo + i];
      const s = p[bOff + o] + ((s0 + s1) + (s2 + s3));
      y[yo + o] = act === TANH ? Math.tanh(s) : act === RELU ? (s > 0 ? s : 0) : s;
    }
  }
}

/** {@link denseForward} for the first layer (at offset 0) over packed non-zero inputs. */
function sparseForward(
  p: Float64Array,
  nin: number,
  nout: number,
  vals: Float64Array,
  idx: Int32Array,
  cnt: Int32Array,
  y: Float64Array,
  batch: number,
  act: number,
): void {
  const bOff = nin * nout;
  for (let b = 0; b < batch; b++) {
    const xo = b * nin, yo = b * nout, c = cnt[b];
    for (let o = 0; o < nout; o++) {
      const wo = o * nin;
      let s = p[bOff + o];
      for (let k = 0; k < c; k++) s += p[wo + idx[xo + k]] * vals[xo + k];
      y[yo + o] = act === TANH ? Math.tanh(s) : act === RELU ? (s > 0 ? s : 0) : s;
    }
  }
}

/** {@link denseBackward} for the first layer over packed non-zero inputs (no dx). */
function sparseBackward(
  g: Float64Array,
  nin: number,
  nout: number,
  vals: Float64Array,
  idx: Int32Array,
  cnt: Int32Array,
  delta: Float64Array,
  batch: number,
): void {
  const bOff = nin * nout;
  for (let b = 0; b < batch; b++) {
    const xo = b * nin, yo = b * nout, c = cnt[b];
    for (let o = 0; o < nout; o++) {
      const d = delta[yo + o];
      if (d === 0) continue;
      g[bOff + o] += d;
      const wo = o * nin;
      for (let k = 0; k < c; k++) g[wo + idx[xo + k]] += d * vals[xo + k];
    }
  }
}

/** Adds dW += delta^T x and db += delta; writes dx = delta W if `dx` is given. */
function denseBackward(
  p: Float64Array,
  g: Float64Array,
  off: number,
  nin: number,
  nout: number,
  x: Float64Array,
  delta: Float64Array,
  dx: Float64Array | null,
  batch: number,
): void {
  const bOff = off + nin * nout;
  if (dx) dx.fill(0, 0, batch * nin);
  for (let b = 0; b < batch; b++) {
    const xo = b * nin, yo = b * nout;
    for (let o = 0; o < nout; o++) {
      const d = delta[yo + o];
      if (d === 0) continue;
      g[bOff + o] += d;
      const wo = off + o * nin;
      if (dx) {
        for (let i = 0; i < nin; i++) {
          g[wo + i] += d * x[xo + i];
          dx[xo + i] += p[wo + i] * d;
        }
      } else {
        for (let i = 0; i < nin; i++) g[wo + i] += d * x[xo + i];
      }
    }
  }
}

/** A `rows x cols` matrix (row-major) with orthonormal rows or columns (Gram-Schmidt). */
export function orthogonal(rows: number, cols: number, rng: Rng): Float64Array {
  // Orthonormalise the `m` vectors of length `len`, then lay them out as rows or columns.
  const m = Math.min(rows, cols), len = Math.max(rows, cols);
  const v = new Float64Array(m * len);
  for (let k = 0; k < v.length; k++) v[k] = rng.normal();
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < a; b++) {
      let dot = 0;
      for (let i = 0; i < len; i++) dot += v[a * len + i] * v[b * len + i];
      for (let i = 0; i < len; i++) v[a * len + i] -= dot * v[b * len + i];
    }
    let norm = 0;
    for (let i = 0; i < len; i++) norm += v[a * len + i] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < len; i++) v[a * len + i] /= norm;
  }
  const out = new Float64Array(rows * cols);
  for (let a = 0; a < m; a++) {
    for (let i = 0; i < len; i++) {
      // rows <= cols: vector a is row a; otherwise vector a is column a.
      if (rows <= cols) out[a * cols + i] = v[a * len + i];
      else out[i * cols + a] = v[a * len + i];
    }
  }
  return out;
}
