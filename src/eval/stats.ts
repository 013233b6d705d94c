/**
 * Statistics for evaluation tables: mean with a Student-t confidence interval, and the Wilson
 * score interval for success rates.
 *
 * **Why the t-distribution.** Episode scores are independent draws (one per held-out seed) of a
 * bounded quantity, and tables use 100-200 seeds per cell, where the sampling distribution of the
 * mean is close to normal. The t interval `mean ± t(0.975, n-1) · sd / sqrt(n)` is then exact
 * enough, deterministic (a bootstrap would need its own random stream) and cheap. For tiny `n`
 * it is wider than the normal interval, as it should be. With fewer than two samples the
 * half-width is `NaN` (undefined), reported as `null` in JSON and empty in CSV.
 *
 * @example
 * ```ts
 * import { meanInterval } from "./stats.ts";
 * const ci = meanInterval([1, 2, 3, 4, 5]);
 * console.log(ci.mean, ci.low.toFixed(3), ci.high.toFixed(3)); // 3 1.037 4.963
 * ```
 *
 * @module
 */

/** A sample mean with its confidence interval. */
export interface MeanInterval {
  /** Number of samples. */
  n: number;
  /** Sample mean (NaN for no samples). */
  mean: number;
  /** Sample standard deviation (n - 1 denominator; NaN below two samples). */
  sd: number;
  /** Half-width of the interval (NaN below two samples). */
  half_width: number;
  /** Lower bound. */
  low: number;
  /** Upper bound. */
  high: number;
}

/** A proportion with its confidence interval. */
export interface ProportionInterval {
  /** Successes. */
  k: number;
  /** Trials. */
  n: number;
  /** k / n (NaN for no trials). */
  rate: number;
  /** Lower bound. */
  low: number;
  /** Upper bound. */
  high: number;
}

/** Arithmetic mean (NaN for an empty list). */
export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Sample standard deviation with the n - 1 denominator (NaN below two samples). */
export function sampleSd(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i] - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/** Natural log of the gamma function (Lanczos approximation, |error| < 1e-14 for x > 0). */
function logGamma(x: number): number {
  const g = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = g[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += g[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - (a + b) * x / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  return x < (a + 1) / (a + b + 2)
    ? front * betaContinuedFraction(a, b, x) / a
    : 1 - front * betaContinuedFraction(b, a, 1 - x) / b;
}

/** Cumulative distribution function of Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * Quantile of Student's t with `df` degrees of freedom (bisection on the CDF to 1e-12).
 *
 * @example
 * ```ts
 * import { studentTQuantile } from "./stats.ts";
 * console.log(studentTQuantile(0.975, 9).toFixed(4)); // 2.2622
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0, hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Mean of `xs` with its two-sided Student-t confidence interval at `level` (default 0.95).
 *
 * @example
 * ```ts
 * import { meanInterval } from "./stats.ts";
 * console.log(meanInterval([0.5, 0.7, 0.6]).half_width.toFixed(3)); // 0.248
 * ```
 */
export function meanInterval(xs: ArrayLike<number>, level = 0.95): MeanInterval {
  const n = xs.length;
  const m = mean(xs);
  const sd = sampleSd(xs);
  const half = n < 2 ? NaN : studentTQuantile(1 - (1 - level) / 2, n - 1) * sd / Math.sqrt(n);
  return { n, mean: m, sd, half_width: half, low: m - half, high: m + half };
}

/**
 * Success rate `k / n` with its Wilson score interval at 95% (z = 1.959964), which stays inside
 * [0, 1] and behaves at rates of 0 and 1, unlike the normal approximation.
 *
 * @example
 * ```ts
 * import { wilsonInterval } from "./stats.ts";
 * const r = wilsonInterval(0, 20);
 * console.log(r.rate, r.low, r.high.toFixed(3)); // 0 0 0.161
 * ```
 */
export function wilsonInterval(k: number, n: number, z = 1.959963984540054): ProportionInterval {
  if (n === 0) return { k, n, rate: NaN, low: NaN, high: NaN };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  return { k, n, rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
