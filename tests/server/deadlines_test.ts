// The shared deadline timer of small-body reads (`src/server/deadlines.ts`): every deadline
// expires at its own time (never early), settled ones never expire, and the queue empties.
import { equal, ok } from "node:assert/strict";
import { DeadlineQueue } from "../../src/server/deadlines.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("DeadlineQueue: each unsettled deadline expires at its own time, settled ones never", async () => {
  const queue = new DeadlineQueue(60);
  const expiredAt: number[] = [];
  const start = performance.now();
  const a = queue.add(() => expiredAt.push(performance.now() - start));
  const b = queue.add(() => equal("b", "never: it was settled"));
  await sleep(30);
  const c = queue.add(() => expiredAt.push(performance.now() - start));
  queue.settle(b);
  equal(queue.pending, 2);
  await sleep(45); // a is due (60 ms), c is not (~90 ms)
  equal(expiredAt.length, 1);
  ok(expiredAt[0] >= 59, `a expired at ${expiredAt[0]} ms`);
  ok(a.settled && !c.settled);
  await sleep(40);
  equal(expiredAt.length, 2);
  ok(expiredAt[1] >= 89, `c expired at ${expiredAt[1]} ms`);
  equal(queue.pending, 0);
  await sleep(10);
});

Deno.test("DeadlineQueue: many deadlines settled in order or out of order leave nothing behind", async () => {
  const queue = new DeadlineQueue(20);
  let expired = 0;
  const ds = Array.from({ length: 5000 }, () => queue.add(() => expired++));
  for (let i = 0; i < ds.length; i += 2) queue.settle(ds[i]);
  for (let i = ds.length - 1; i > 0; i -= 2) queue.settle(ds[i]);
  equal(queue.pending, 0);
  const late = queue.add(() => expired++);
  await sleep(40);
  equal(expired, 1);
  ok(late.settled);
  await sleep(30); // the timer, armed for the first deadline, finds nothing more and stops
  equal(queue.pending, 0);
});
