// The shared deadline timer of small-body reads (`src/server/deadlines.ts`): every deadline
// expires at its own time (never early), settled ones never expire, and the queue empties.
import { deepEqual, equal, ok } from "node:assert/strict";
import { DeadlineQueue } from "../../src/server/deadlines.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("DeadlineQueue: each unsettled deadline expires at its own time, settled ones never", async () => {
  const queue = new DeadlineQueue(60);
  const expired: [string, number][] = [];
  const a = queue.add(() => expired.push(["a", performance.now()]));
  const b = queue.add(() => expired.push(["b", performance.now()]));
  await sleep(30);
  const c = queue.add(() => expired.push(["c", performance.now()]));
  queue.settle(b);
  equal(queue.pending, 2);
  for (let i = 0; i < 200 && expired.length < 2; i++) await sleep(10);
  deepEqual(expired.map(([name]) => name), ["a", "c"]); // b was settled in time
  ok(expired[0][1] >= a.at, "a expired no earlier than its deadline");
  ok(expired[1][1] >= c.at, "c expired no earlier than its deadline");
  ok(c.at - a.at >= 29, "c's deadline is its own, 60 ms after it was set");
  ok(a.settled && b.settled && c.settled);
  equal(queue.pending, 0);
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
