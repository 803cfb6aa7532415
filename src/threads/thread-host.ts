// The VMHost of a thread on the mesh, thread 0 and Workers alike: spawning and the thread handle
// methods, on top of message delivery, ends and joins, requests and replies, and the base
// (host-*.ts). main-host.ts adds what only thread 0 does (starting and stopping Workers),
// worker-host.ts the task loop.
import type { NativeContext, VMHost } from '../contract/host.js';
import type { IdleSource } from '../hosts/driver.js';
import { geneError } from '../values/errors.js';
import {
  GFunction, GFuture, NativeFn, ThreadHandle, Value, kindName, str, type NativeResult, type SpawnSpec,
} from '../values/values.js';
import { display } from '../values/print.js';
import { Encoder } from './codec.js';
import { setCrashQuiet } from './output.js';
import { MAIN_HANDLE } from './host-base.js';
import { DeliveryHost } from './host-delivery.js';
import { taskWire, type TaskSpec } from './wire.js';

export { MAIN_HANDLE };

export abstract class ThreadHost extends DeliveryHost implements VMHost, IdleSource {
  // ---- THR-SPAWN ----

  /**
   * THR-SPAWN.1: start a thread running the body and return its handle (or, spawn_return, a
   * Future of its value). THR-SPAWN.2: the body travels as the bytecode compiled here.
   * THR-ASYNC.1: it returns at once; only an `await` of the Future suspends, and only that code.
   */
  spawn(vm: NativeContext, spec: SpawnSpec, pushed: Value[], returnsFuture: boolean): Value {
    this.attach(vm);
    // 1. THR-SPAWN.4: copy what the body uses first, so NotSendable changes nothing.
    const home = vm.currentNamespace();
    const enc = new Encoder(vm.builtins, home);
    const body = enc.unit(spec.body);
    // THR-SPAWN.3: `^args` values (evaluated here) come first, then the lexical captures.
    const values = pushed.map((v, i) => enc.value(v, spec.pushedNames[i] ?? 'argument'));
    for (const name of spec.moduleNames) enc.global(home, name, name);
    const tables = enc.finish(null).t!;
    // 2. THR-POOL.2: claim the lowest free slot, or ThreadPoolExhausted. THR-SECRET.1: with a
    // fresh random secret.
    const { slot, gen, secret } = this.slots.claim(this.index, this.slot, this.secret);
    // 3. THR-POOL.5: a warm idle Worker, or a new one; none: THR-SPAWN.6, the slot goes back.
    let w = this.slots.claimIdleWorker();
    if (w < 0) w = this.startWorkerFor();
    if (w < 0) {
      this.slots.unclaim(slot, gen, this.index);
      throw geneError('ThreadPoolExhausted', 'Thread pool exhausted: no Worker is free while others shut down; try again after joining threads');
    }
    let future: GFuture | null = null;
    let rid = 0;
    if (returnsFuture) {
      rid = this.rid();
      future = new GFuture('spawn_return');
      this.pending.set(rid, { future, target: { id: slot, secret }, untilEnded: true });
      this.watchEnds();
    }
    const task: TaskSpec = {
      slot,
      secret,
      gen,
      parent: { id: this.slot, secret: this.secret },
      body,
      tables,
      names: [...spec.pushedNames],
      values,
      returnsFuture,
      replyTo: { id: this.slot, secret: this.secret, rid },
    };
    // 4. The thread runs on Worker w from now on; its task goes straight out, not via the
    // outbox, so it is in w's port before this thread's next step.
    // THR-LIFE.3: a spawn_return thread's crash reaches its Future only (thread 0 reads this).
    setCrashQuiet(slot, returnsFuture);
    this.slots.publish(slot, gen, this.index, w);
    this.mesh.flush();
    this.mesh.post(w, taskWire(task));
    if (this.tracing) this.trace(`spawn ${this.slot} -> ${slot} (slot ${slot}, worker ${w}${returnsFuture ? ', spawn_return' : ''})`);
    return future ?? new ThreadHandle(slot, secret);
  }

  /** A Worker index for a task when none is idle (thread 0 starts one; a Worker asks thread 0). */
  protected abstract startWorkerFor(): number;

  // ---- THR-API.2: thread handle methods ----

  threadMethod(vm: NativeContext, target: ThreadHandle, method: string, args: Value[]): NativeResult {
    this.attach(vm);
    const stale = target.id !== 0 && !this.slots.matches(target.id, target.secret);
    const staleError = (what: string) =>
      geneError('ThreadInvalid', `Cannot ${what} ${display(target)}: the thread has ended (the handle is stale)`);
    switch (method) {
      case 'id':
        return target.id;
      case 'alive':
        return target.id === 0 || this.slots.alive(target.id, target.secret);
      case 'parent': {
        if (target.id === 0) return MAIN_HANDLE;
        const p = this.slots.parent(target.id, target.secret);
        if (p === null) throw staleError('ask for the parent of');
        return new ThreadHandle(p.id, p.secret);
      }
      case 'on_message': {
        if (stale) throw staleError('register a callback on');
        if (target.id !== this.slot || target.secret !== this.secret) {
          throw geneError('ThreadInvalid', 'on_message registers callbacks for the current thread only: call ($thread .on_message f) in that thread');
        }
        const f = args[0] ?? null;
        if (!(f instanceof GFunction || f instanceof NativeFn)) {
          throw geneError('TypeError', `on_message expects a function, got ${kindName(f)}`);
        }
        this.box!.register(f);
        return null;
      }
      case 'send':
      case 'send_expect_reply':
        return this.send(vm, target, args[0] ?? null, method === 'send_expect_reply');
      case 'join': {
        const f = this.join(vm, target);
        return f.state === 'pending' ? vm.suspend({ future: f, timeoutMs: null, what: `join ${display(target)}` }) : null;
      }
      case 'terminate':
        if (target.id === 0) throw geneError('ThreadInvalid', 'Thread 0 cannot be terminated: end the program instead');
        // THR-SECRET.2: the thread it named has ended; the slot's new occupant is never touched.
        if (stale) return null;
        return this.terminate(vm, target);
      case 'to_s':
        return str(display(target));
      default:
        throw geneError('MethodNotFound', `Method ${method} not found on VkThread`);
    }
  }

  /** THR-LIFE.2: stop `target` at once; the caller waits until its slot is free. */
  protected abstract terminate(vm: NativeContext, target: ThreadHandle): NativeResult;
}
