/**
 * The MLP's manual backpropagation against central finite differences, and the orthogonal
 * initialisation.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Mlp, orthogonal } from "../../src/learn/mlp.ts";
import { Rng } from "../../src/rng.ts";

/** A loss that weights every output differently: L = sum_k w_k * y_k. */
function lossOf(mlp: Mlp, x: Float64Array, batch: number, w: Float64Array): number {
  const y = mlp.forward(x, batch);
  let l = 0;
  for (let k = 0; k < w.length; k++) l += w[k] * y[k];
  return l;
}

function checkGradients(
  activateOutput: boolean,
  sparseInput = false,
  activation: "tanh" | "relu" = "tanh",
): void {
  const rng = new Rng(7);
  const sizes = [5, 7, 6, 3];
  const n = Mlp.paramCount(sizes);
  const mlp = new Mlp(sizes, new Float64Array(n), new Float64Array(n), {
    activateOutput,
    sparseInput,
    activation,
  });
  mlp.init(rng, Math.SQRT2, 1);
  for (let i = 0; i < n; i++) mlp.params[i] += 0.1 * rng.normal(); // non-zero biases too
  const batch = 4;
  // Sparse inputs: about half the inputs are exactly zero.
  const x = new Float64Array(batch * 5).map(() => rng.float() < 0.5 ? 0 : rng.normal());
  const w = new Float64Array(batch * 3).map(() => rng.normal());
  lossOf(mlp, x, batch, w);
  mlp.grads.fill(0);
  const dInput = new Float64Array(batch * 5);
  mlp.backward(w, batch, sparseInput ? undefined : dInput);
  const h = 1e-6;
  for (let i = 0; i < n; i++) {
    const keep = mlp.params[i];
    mlp.params[i] = keep + h;
    const up = lossOf(mlp, x, batch, w);
    mlp.params[i] = keep - h;
    const down = lossOf(mlp, x, batch, w);
    mlp.params[i] = keep;
    const fd = (up - down) / (2 * h);
    assert.ok(
      Math.abs(fd - mlp.grads[i]) < 1e-6 * Math.max(1, Math.abs(fd)),
      `param ${i}: ${fd} vs ${mlp.grads[i]}`,
    );
  }
  for (let i = 0; i < x.length && !sparseInput; i++) {
    const keep = x[i];
    x[i] = keep + h;
    const up = lossOf(mlp, x, batch, w);
    x[i] = keep - h;
    const down = lossOf(mlp, x, batch, w);
    x[i] = keep;
    const fd = (up - down) / (2 * h);
    assert.ok(Math.abs(fd - dInput[i]) < 1e-6 * Math.max(1, Math.abs(fd)), `input ${i}`);
  }
}

Deno.test("Mlp.backward() matches finite differences (linear output)", () => checkGradients(false));

Deno.test("Mlp.backward() matches finite differences (tanh, activated output)", () =>
  checkGradients(true));

Deno.test(
  "Mlp.backward() matches finite differences (ReLU, activated output)",
  () => checkGradients(true, false, "relu"),
);

Deno.test(
  "Mlp.backward() matches finite differences (sparse first layer)",
  () => checkGradients(false, true),
);

Deno.test("Mlp.backward() accumulates gradients across calls", () => {
  const sizes = [3, 4, 2];
  const n = Mlp.paramCount(sizes);
  const mlp = new Mlp(sizes, new Float64Array(n), new Float64Array(n));
  mlp.init(new Rng(1));
  const x = new Float64Array([0.3, -0.2, 0.5]);
  const d = new Float64Array([1, -1]);
  mlp.forward(x, 1);
  mlp.backward(d, 1);
  const once = Float64Array.from(mlp.grads);
  mlp.backward(d, 1);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(mlp.grads[i] - 2 * once[i]) < 1e-12);
});

Deno.test("orthogonal() gives orthonormal rows or columns", () => {
  for (const [rows, cols] of [[4, 9], [9, 4], [5, 5]]) {
    const w = orthogonal(rows, cols, new Rng(3));
    const m = Math.min(rows, cols);
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) {
        let dot = 0;
        for (let i = 0; i < Math.max(rows, cols); i++) {
          dot += rows <= cols
            ? w[a * cols + i] * w[b * cols + i]
            : w[i * cols + a] * w[i * cols + b];
        }
        assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-9, `${rows}x${cols} (${a},${b})`);
      }
    }
  }
});

Deno.test("Mlp rejects parameter views of the wrong length", () => {
  assert.throws(() => new Mlp([2, 3], new Float64Array(5), new Float64Array(5)), RangeError);
});
