/**
 * A vector worker: the Worker module of the server's pool of shard threads
 * (`vector_worker_pool.ts`). It holds shards (`VectorShard`) of any number of sharded
 * `/ws/vector` sessions and runs the commands the server writes into its mailbox
 * (`vector_mailbox.ts`), one at a time, blocked in `Atomics.wait` in between. It knows the
 * tasks of its own registry (the built-in ones: a task registered at run time in the server
 * is not here, and its sessions are never sharded). A command that fails (an unknown shard or
 * task) is answered with a failure status and its message; the worker lives on.
 *
 * Started by the pool with `new Worker(new URL("./vector_worker.ts", import.meta.url), { type:
 * "module" })`, then one message `{ sab, layout }`; it answers `"ready"`.
 *
 * @module
 */
import { VectorShard } from "../learn/vector_shard.ts";
import { getTask } from "../../tasks/registry.ts";
import { COMMAND, CTL, Mailbox, type MailboxLayout } from "./vector_mailbox.ts";

/** What the pool posts once. */
interface Setup {
  sab: SharedArrayBuffer;
  layout: MailboxLayout;
}

/** This worker's global scope (typed here: the shared type check does not load the worker lib). */
const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<Setup>) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
};

const shards = new Map<number, VectorShard>();

function shardOf(box: Mailbox): VectorShard {
  const shard = shards.get(box.ctl[CTL.SHARD]);
  if (!shard) throw new Error(`no shard ${box.ctl[CTL.SHARD]} in this worker`);
  return shard;
}

function reply(box: Mailbox, frame: Uint8Array | null, shard: VectorShard): void {
  if (frame) {
    box.out.set(frame);
    box.ctl[CTL.OUT_BYTES] = frame.byteLength;
  } else {
    box.out.set(shard.batch.episodeDone);
    box.ctl[CTL.OUT_BYTES] = -1;
  }
}

/** Runs the command in the mailbox; false for EXIT. */
function run(box: Mailbox): boolean {
  const { ctl } = box;
  switch (ctl[CTL.COMMAND]) {
    case COMMAND.OPEN: {
      const mode = ctl[CTL.SAME_STEP] ? "SameStep" : "NextStep";
      shards.set(ctl[CTL.SHARD], new VectorShard(getTask(box.text()), ctl[CTL.NUM_ENVS], mode));
      return true;
    }
    case COMMAND.RESET: {
      const shard = shardOf(box);
      reply(box, shard.reset(box.seeds.subarray(0, shard.batch.numEnvs)), shard);
      return true;
    }
    case COMMAND.STEP: {
      const shard = shardOf(box), n = shard.batch.numEnvs;
      const frame = shard.step(box.actions.subarray(0, n * shard.slots), box.seeds.subarray(0, n));
      reply(box, frame, shard);
      return true;
    }
    case COMMAND.FINISH: {
      const shard = shardOf(box);
      reply(box, shard.finish(box.seeds.subarray(0, shard.batch.numEnvs)), shard);
      return true;
    }
    case COMMAND.CLOSE:
      shards.delete(ctl[CTL.SHARD]);
      return true;
    case COMMAND.EXIT:
      return false;
    default:
      throw new Error(`unknown command ${ctl[CTL.COMMAND]}`);
  }
}

scope.onmessage = (e: MessageEvent<Setup>) => {
  scope.onmessage = null;
  const box = new Mailbox(e.data.sab, e.data.layout);
  const { ctl } = box;
  scope.postMessage("ready");
  let seen = 0; // the pool numbers its commands from 1 (some may be waiting already)
  for (let live = true; live;) {
    Atomics.wait(ctl, CTL.REQUEST, seen);
    const asked = Atomics.load(ctl, CTL.REQUEST);
    if (asked === seen) continue;
    seen = asked;
    if (ctl[CTL.COMMAND] === COMMAND.CRASH) throw new Error("vector worker: crash requested");
    try {
      live = run(box);
      ctl[CTL.STATUS] = 0;
    } catch (err) {
      ctl[CTL.STATUS] = 1;
      box.setText(err instanceof Error ? err.message : String(err));
    }
    Atomics.store(ctl, CTL.DONE, seen);
    Atomics.notify(ctl, CTL.DONE);
  }
  scope.close();
};
