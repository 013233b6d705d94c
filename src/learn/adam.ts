/**
 * Adam over one flat parameter buffer, and global gradient-norm clipping (PyTorch's
 * `clip_grad_norm_`), as CleanRL's PPO uses them: `eps = 1e-5`, learning rate set from outside
 * for annealing.
 *
 * @example
 * ```ts
 * import { Adam, clipGradNorm } from "./adam.ts";
 * const params = new Float64Array([1, -2]);
 * const grads = new Float64Array([0.5, -0.5]);
 * const adam = new Adam(params.length, { lr: 0.01 });
 * clipGradNorm(grads, 0.5);
 * adam.step(params, grads);
 * ```
 *
 * @module
 */

/** Options of {@link Adam}. */
export interface AdamOptions {
  /** Learning rate (mutable later through `lr`). */
  lr?: number;
  /** First-moment decay (default 0.9). */
  beta1?: number;
  /** Second-moment decay (default 0.999). */
  beta2?: number;
  /** Denominator epsilon (default 1e-5, CleanRL's choice for PPO). */
  eps?: number;
}

/** Adam optimiser state for `n` parameters. */
export class Adam {
  /** Current learning rate. */
  lr: number;
  /** First-moment decay. */
  readonly beta1: number;
  /** Second-moment decay. */
  readonly beta2: number;
  /** Denominator epsilon. */
  readonly eps: number;
  /** Steps taken. */
  t = 0;
  readonly #m: Float64Array;
  readonly #v: Float64Array;

  /** Zero moments for `n` parameters. */
  constructor(n: number, options: AdamOptions = {}) {
    this.lr = options.lr ?? 2.5e-4;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-5;
    this.#m = new Float64Array(n);
    this.#v = new Float64Array(n);
  }

  /** One update: `params -= lr * mhat / (sqrt(vhat) + eps)`. */
  step(params: Float64Array, grads: Float64Array): void {
    this.t++;
    const { beta1: b1, beta2: b2, eps } = this;
    const c1 = 1 - b1 ** this.t, c2 = 1 - b2 ** this.t;
    const stepSize = this.lr / c1;
    const sqrtC2 = Math.sqrt(c2);
    const m = this.#m, v = this.#v;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      params[i] -= stepSize * m[i] / (Math.sqrt(v[i]) / sqrtC2 + eps);
    }
  }
}

/** Scales `grads` in place so that their global L2 norm is at most `maxNorm`; returns the norm. */
export function clipGradNorm(grads: Float64Array, maxNorm: number): number {
  let sq = 0;
  for (let i = 0; i < grads.length; i++) sq += grads[i] * grads[i];
  const norm = Math.sqrt(sq);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) { for (let i = 0; i < grads.length; i++) grads[i] *= coef; }
  return norm;
}
