// What thread 0 and every Worker share: the VMHost and IdleSource of a thread on the mesh.
// Spawning, sending, replies, joins, recv, timers and the doorbell wait live here; main-host.ts
// adds what only thread 0 does (starting and stopping Workers), worker-host.ts the task loop.
import { serialize as v8serialize } from 'node:v8';
import type { CodeUnit, NativeResult, SpawnSpec } from '../values/values.js';
import { geneError, makeErrorValue, type ErrorKind } from '../values/errors.js';
import { settleFuture, succeeded } from '../runtime/futures.js';
import {
  GFunction, GFuture, NativeFn, ThreadHandle, ThreadMessageValue, Value, display, kindName, str,
} from '../values/values.js';
import type { IdleSource } from '../hosts/driver.js';
import type { Limits } from '../contract/limits.js';
import type { NativeContext, VMHost } from '../contract/host.js';
import { Encoder, decodeIn, encode, type Encoded } from './codec.js';
import { Doorbell } from './doorbell.js';
import { Timers } from '../hosts/timers.js';
import { Mailbox } from './mailbox.js';
import { Mesh } from './mesh.js';
import { trace, writeOut } from './output.js';
import type { TaskSpec, Who, Wire } from './wire.js';
import { endedError, errorValueOf, remoteError } from './remote-errors.js';
import { ENDED, FULL, MAIN_SECRET, SlotTable } from './protocol/table.js';
import { EndReason, whoOf } from './protocol/words.js';

interface Pending {
  future: GFuture;
  /** The thread whose end fails the Future (THR-MSG.6), or null (an acknowledgement). */
  target: Who | null;
  /**
   * THR-POOL.4: a spawn_return Future settles only once its thread has ended (slot free), so
   * a result that arrives first is kept here until then.
   */
  untilEnded?: boolean;
  result?: { ok: boolean; value: Value };
  /** Why the target ended, when thread 0 said so (terminated or crashed); else it exited. */
  reason?: EndReason;
}

const MAIN_HANDLE = new ThreadHandle(0, MAIN_SECRET);

export abstract class ThreadHost implements VMHost, IdleSource {
  readonly mesh: Mesh;
  protected vm: NativeContext | null = null;
  // ---- the thread running here now ----
  protected slot = 0;
  protected secret = MAIN_SECRET;
  /** Its generation in the slot word (thread 0: 0 for the whole process). */
  protected gen = 0;
  protected handle: ThreadHandle = MAIN_HANDLE;
  protected box: Mailbox | null = null;
  protected keep = false;
  protected readonly pending = new Map<number, Pending>();
  protected joins: { future: GFuture; id: number; secret: number }[] = [];
  /** Wakes this thread's idle driver when a timer fires: the settled Future may have callbacks. */
  protected readonly timers = new Timers(() => this.slots.ring(this.index));
  private nextRid = 1;
  // ---- the doorbell and the ended epoch ----
  protected readonly bell: Doorbell;
  protected lastEpoch = -1;

  constructor(
    readonly slots: SlotTable,
    /** This OS thread's index: 0 on the main thread. */
    readonly index: number,
    readonly limits: Limits,
    protected readonly tracing: boolean,
    protected readonly sink?: (fd: 1 | 2, text: string) => void,
  ) {
    this.mesh = new Mesh(slots, index, limits.mailDrainBatch);
    this.bell = new Doorbell(slots, index);
  }

  /** The prelude's compiled units: compiled on thread 0, received by a Worker. */
  abstract preludeUnits(): readonly CodeUnit[];

  get threadId(): number {
    return this.slot;
  }

  protected attach(vm: NativeContext): void {
    if (this.vm !== vm) {
      this.vm = vm;
      this.box = this.mailbox(vm);
    }
  }

  /** The mailbox of the occupant running here now: what it takes is released from its own count. */
  protected mailbox(vm: NativeContext): Mailbox {
    const slot = this.slot;
    const gen = this.gen;
    return new Mailbox(vm, () => this.slots.takeMail(slot, gen));
  }

  /** THR-IO.1: straight to the process's stdout/stderr, one write per call. */
  write(fd: 1 | 2, text: string): void {
    if (this.sink !== undefined) this.sink(fd, text);
    else writeOut(fd, text);
  }

  protected trace(text: string): void {
    if (this.tracing) trace(text);
  }

  currentThread(): ThreadHandle {
    return this.handle;
  }
  mainThread(): ThreadHandle {
    return MAIN_HANDLE;
  }

  protected rid(): number {
    return this.nextRid++;
  }

  // ---- THR-SPAWN ----

  /** THR-SPAWN.1–4: copy the captures, take a slot, hand the task to a Worker. */
  spawn(vm: NativeContext, spec: SpawnSpec, pushed: Value[], returnsFuture: boolean): Value {
    this.attach(vm);
    // 1. THR-SPAWN.4: copy what the body uses first, so NotSendable changes nothing.
    const home = vm.currentNamespace();
    const enc = new Encoder(vm.builtins, home);
    const body = enc.unit(spec.body);
    const values = pushed.map((v, i) => enc.value(v, spec.pushedNames[i] ?? 'argument'));
    for (const name of spec.moduleNames) enc.global(home, name, name);
    const tables = enc.finish(null).t!;
    // 2. THR-POOL.2: claim the lowest free slot, or ThreadPoolExhausted.
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
    this.slots.publish(slot, gen, this.index, w);
    this.mesh.flush();
    this.mesh.post(w, { t: 'task', task });
    this.trace(`spawn ${this.slot} -> ${slot} (slot ${slot}, worker ${w}${returnsFuture ? ', spawn_return' : ''})`);
    return future ?? new ThreadHandle(slot, secret);
  }

  /** A Worker index for a task when none is idle (thread 0 starts one; a Worker asks thread 0). */
  protected abstract startWorkerFor(): number;

  // ---- THR-MSG ----

  /** THR-MSG.1/2: copy, count, post; never blocks. */
  send(vm: NativeContext, target: ThreadHandle, payload: Value, expectReply: boolean): Value {
    this.attach(vm);
    const id = target.id;
    const stale = () =>
      geneError('ThreadInvalid', `Cannot send to ${display(target)}: the thread has ended (the handle is stale); nothing was sent`);
    // THR-SECRET.2: a stale handle fails before the copy; one that goes stale during it, after.
    if (!this.slots.alive(id, target.secret)) throw stale();
    const p = encode(payload, 'payload', vm.builtins);
    // THR-CHAN.1: count the message against the occupant the handle names, not the slot.
    const word = this.slots.reserveMail(id, target.secret, this.limits.channelCapacity);
    if (word === ENDED) throw stale();
    if (word === FULL) {
      throw geneError(
        'ChannelFull',
        `The mailbox of ${display(target)} is full (${this.limits.channelCapacity} undelivered messages); nothing was sent. ` +
          'Wait for replies before sending more, or raise --channel-capacity',
      );
    }
    let future: GFuture | null = null;
    let rid = 0;
    if (expectReply) {
      rid = this.rid();
      future = new GFuture('reply');
      this.pending.set(rid, { future, target: { id, secret: target.secret } });
      this.watchEnds();
    }
    const m: Wire = { t: 'msg', to: id, ts: target.secret, from: this.slot, fs: this.secret, rid, p };
    if (this.tracing) this.trace(`msg ${this.slot} -> ${id} ${expectReply ? 'send_expect_reply' : 'send'} ${encodedSize(p)} bytes`);
    if (id === this.slot) this.onWire(m);
    else this.mesh.send(id === 0 ? 0 : whoOf(word), m);
    return future;
  }

  /** Send a reply (or a failure) to the thread that asked; dropped if it has ended. */
  protected postReply(to: Who, rid: number, ok: boolean, v: Encoded): void {
    const m: Wire = { t: 'reply', to: to.id, ts: to.secret, rid, ok, v };
    if (this.tracing) this.trace(`reply ${this.slot} -> ${to.id} ${ok ? 'value' : 'failure'} ${encodedSize(v)} bytes`);
    if (to.id === this.slot && to.secret === this.secret) this.onWire(m);
    else if (to.id === 0) this.mesh.send(0, m);
    else {
      const word = this.slots.resolve(to.id, to.secret);
      if (word !== ENDED) this.mesh.send(whoOf(word), m);
    }
  }

  /** Fail a request with an error of `kind` (the receiver ended, crashed, …). */
  protected failRequest(to: Who, rid: number, kind: ErrorKind, message: string): void {
    this.postReply(to, rid, false, encode(makeErrorValue(kind, message), 'reply'));
  }

  /** One message from a port; a failure in the runtime itself is reported, never loses the rest. */
  private readonly handleWire = (m: Wire): void => {
    try {
      this.onWire(m);
    } catch (e) {
      this.write(2, `[thread ${this.slot}] InternalError: while handling a '${m.t}' message: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    }
  };

  /** Handle one message from a port (or from this thread to itself). */
  protected onWire(m: Wire): void {
    switch (m.t) {
      case 'msg':
        if (m.to === this.slot && m.ts === this.secret && this.vm !== null) this.deliver(m);
        else this.strayMessage(m);
        return;
      case 'reply': {
        if (m.to !== this.slot || m.ts !== this.secret || this.vm === null) return;
        const p = this.pending.get(m.rid);
        if (p === undefined || p.result !== undefined) return;
        let v: Value;
        try {
          v = decodeIn(m.v, this.vm.builtins);
        } catch (e) {
          v = errorValueOf(e);
          m.ok = false;
        }
        if (p.untilEnded && p.target !== null && !this.slots.hasEnded(p.target.id, p.target.secret)) {
          p.result = { ok: m.ok, value: v };
          return;
        }
        this.pending.delete(m.rid);
        settleFuture(this.vm, p.future, m.ok ? 'success' : 'failure', v);
        return;
      }
      case 'ended':
        this.noteEnd(m.slot, m.secret, m.reason);
        return;
      default:
        this.onControl(m);
    }
  }

  /** THR-MSG.6: thread 0 says why (slot, secret) is ending: its Futures here fail for that reason. */
  protected noteEnd(slot: number, secret: number, reason: EndReason): void {
    for (const p of this.pending.values()) {
      if (p.target !== null && p.target.id === slot && p.target.secret === secret) p.reason = reason;
    }
  }

  protected deliver(m: Wire & { t: 'msg' }): void {
    const vm = this.vm!;
    let payload: Value;
    try {
      payload = decodeIn(m.p, vm.builtins);
    } catch (e) {
      this.slots.takeMail(this.slot, this.gen);
      if (m.rid !== 0) this.postReply({ id: m.from, secret: m.fs }, m.rid, false, encode(errorValueOf(e), 'reply'));
      return;
    }
    this.box!.arrive(new ThreadMessageValue(payload, new ThreadHandle(m.from, m.fs), m.rid));
  }

  /** A message for a thread that is not running here (it ended): its request fails. */
  protected strayMessage(m: Wire & { t: 'msg' }): void {
    if (m.rid !== 0) {
      this.failRequest({ id: m.from, secret: m.fs }, m.rid, 'ThreadExited', `<Thread ${m.to}> ended before replying`);
    }
  }

  /** Control messages (tasks, Worker start and terminate requests, …). */
  protected abstract onControl(m: Wire): void;

  // ---- THR-JOIN ----

  join(vm: NativeContext, target: ThreadHandle): GFuture {
    this.attach(vm);
    if (target.id === this.slot && target.secret === this.secret) {
      throw geneError('ThreadInvalid', `${display(target)} cannot join itself: it would wait forever`);
    }
    if (target.id === 0) throw geneError('ThreadInvalid', 'Thread 0 never ends while other threads run: joining it would wait forever');
    if (this.slots.hasEnded(target.id, target.secret)) return succeeded(null);
    const future = new GFuture('join');
    this.joins.push({ future, id: target.id, secret: target.secret });
    this.watchEnds();
    return future;
  }

  // ---- THR-API.2: thread handle and message methods ----

  threadMethod(vm: NativeContext, target: ThreadHandle, method: string, args: Value[]): NativeResult {
    this.attach(vm);
    if ((target as unknown) instanceof ThreadMessageValue) return this.messageMethod(vm, target as unknown as ThreadMessageValue, method, args);
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
        if (stale) throw staleError('terminate');
        return this.terminate(vm, target);
      case 'to_s':
        return str(display(target));
      default:
        throw geneError('MethodNotFound', `Method ${method} not found on VkThread`);
    }
  }

  /** THR-LIFE.2: stop `target` at once; the caller waits until its slot is free. */
  protected abstract terminate(vm: NativeContext, target: ThreadHandle): NativeResult;

  private messageMethod(vm: NativeContext, msg: ThreadMessageValue, method: string, args: Value[]): NativeResult {
    const sender: Who = { id: msg.sender.id, secret: msg.sender.secret };
    switch (method) {
      case 'message.reply': {
        // THR-MSG.3: the first reply counts; later ones are ignored.
        if (msg.replied) return null;
        if (msg.replyId === 0) {
          msg.replied = true;
          return null;
        }
        const v = encode(args[0] ?? null, 'reply', vm.builtins);
        msg.replied = true;
        this.box?.replied(msg);
        this.postReply(sender, msg.replyId, true, v);
        return null;
      }
      case 'message.auto_reply':
        this.box?.dispatched(msg);
        if (msg.replyId !== 0 && !msg.replied) {
          msg.replied = true;
          this.box?.replied(msg);
          this.postReply(sender, msg.replyId, true, { r: null });
        }
        return null;
      case 'message.fail':
        // THR-ERR.1: a callback's error fails the reply, as if it had happened in the sender.
        if (msg.replyId !== 0 && !msg.replied) {
          msg.replied = true;
          this.box?.replied(msg);
          this.postReply(sender, msg.replyId, false, this.remoteError(args[0] ?? null, vm.lastThrowTrace));
        }
        return null;
      default:
        throw geneError('MethodNotFound', `Method ${method.replace(/^message\./, '')} not found on VkThreadMessage`);
    }
  }

  /** THR-ERR.1: an error as it crosses to another thread (with `thread` and `trace`). */
  protected remoteError(value: Value, traceText: string): Encoded {
    return remoteError(value, this.slot, traceText, this.vm?.builtins);
  }

  // ---- recv, keep_alive, timers ----

  recv(vm: NativeContext): GFuture {
    this.attach(vm);
    return this.box!.recv();
  }
  keepAlive(vm: NativeContext): void {
    this.attach(vm);
    if (this.slot === 0) return;
    this.keep = true;
    this.slots.keep(this.slot, this.gen, this.index);
    this.slots.ring(0); // thread 0 may be waiting for this thread at the end of the program
  }
  callbackRegistered(vm: NativeContext): void {
    this.attach(vm);
    this.box!.pump();
  }

  timer(vm: NativeContext, ms: number): GFuture {
    return this.timers.sleep(vm, ms);
  }
  timeoutFuture(vm: NativeContext, f: GFuture, ms: number): void {
    this.timers.timeout(vm, f, ms);
  }
  protected clearTimers(): void {
    this.timers.clear();
  }

  /** A pending timer will run callbacks when it fires: the program waits for it. */
  protected timerCallbacksPending(): boolean {
    return this.timers.callbacksPending();
  }

  // ---- safepoints and idling (THR-CHAN.2) ----

  /** One Atomics.load: has anything rung this thread's doorbell since it last looked? (Or is there mail to post?) */
  hasWork(): boolean {
    return this.mesh.pendingOut || this.bell.rung();
  }

  safepoint(vm: NativeContext): void {
    this.poll(vm);
  }

  /** Take what arrived on the ports, then settle what waits on threads that ended. */
  poll(vm: NativeContext | null): void {
    if (vm !== null) this.attach(vm);
    this.mesh.flush();
    if (!this.bell.take()) return;
    // THR-MSG.6: see which awaited threads have ended *before* draining. A thread posts its
    // replies before its slot frees, so theirs are in the ports now and are taken first; a
    // thread that ends during the drain is swept at the next poll (its end rings us again).
    // A free moves the epoch both before and after its Free store (docs/thread-protocol.md), so
    // a target whose Free store we missed here moves it again and is swept next time.
    const epoch = this.slots.epoch();
    const ended = epoch !== this.lastEpoch ? this.endedTargets() : null;
    if (this.mesh.drain(this.handleWire)) {
      // A port still holds messages: a reply or thread 0's word on why a target ended may be
      // among them, so the ended targets wait for the next poll.
      this.slots.ring(this.index);
      return;
    }
    if (ended !== null) {
      this.lastEpoch = epoch;
      this.sweepEnded(ended);
    }
  }

  /** The joins and pending replies whose thread has ended (its handle went stale). */
  private endedTargets(): Set<object> {
    const out = new Set<object>();
    for (const j of this.joins) if (this.slots.hasEnded(j.id, j.secret)) out.add(j);
    for (const p of this.pending.values()) {
      if (p.target !== null && this.slots.hasEnded(p.target.id, p.target.secret)) out.add(p);
    }
    return out;
  }

  /**
   * This thread now waits on another's end: ask to be rung when threads end. A thread that
   * ended before the flag was up moved the epoch first, so seeing the epoch unchanged here
   * means its ring will come; otherwise ring ourselves to sweep at the next poll.
   */
  protected watchEnds(): void {
    if (this.watching) return;
    this.watching = true;
    this.slots.setWatching(this.index, true);
    if (this.slots.epoch() !== this.lastEpoch) this.slots.ring(this.index);
  }
  private watching = false;

  /** THR-MSG.6 / THR-JOIN: settle the Futures waiting on threads that have ended. */
  protected sweepEnded(ended: Set<object>): void {
    const vm = this.vm;
    if (vm === null) return;
    if (this.joins.length > 0) {
      const still: typeof this.joins = [];
      for (const j of this.joins) {
        if (ended.has(j)) settleFuture(vm, j.future, 'success', null);
        else still.push(j);
      }
      this.joins = still;
    }
    for (const [rid, p] of this.pending) {
      if (!ended.has(p) || p.target === null) continue;
      this.pending.delete(rid);
      if (p.result !== undefined) settleFuture(vm, p.future, p.result.ok ? 'success' : 'failure', p.result.value);
      else settleFuture(vm, p.future, 'failure', endedError(p.target.id, p.reason ?? EndReason.Exited, p.untilEnded === true));
    }
    this.unwatchIfIdle();
  }

  /** Lower the watching flag when nothing waits on another thread's end any more. */
  protected unwatchIfIdle(): void {
    if (!this.watching || this.joins.length > 0) return;
    for (const p of this.pending.values()) if (p.target !== null) return;
    this.watching = false;
    this.slots.setWatching(this.index, false);
  }

  /** Sleep until the doorbell rings (posting the outbox first): never a polling loop. */
  waitForEvent(wake: () => void): () => void {
    this.mesh.flush();
    return this.bell.wait(wake);
  }

  canProgress(_vm: NativeContext, _f: GFuture): boolean {
    return true;
  }

  /** Release the keep-alive handle of a pending wait (shutting down). */
  protected releaseWait(): void {
    this.bell.release();
  }

  /** THR-MSG.4/6: every request this thread received and did not answer fails ThreadExited. */
  protected failOwedRequests(): void {
    if (this.box === null) return;
    for (const msg of this.box.owed()) {
      msg.replied = true;
      this.failRequest({ id: msg.sender.id, secret: msg.sender.secret }, msg.replyId, 'ThreadExited', `${display(this.handle)} ended before replying`);
    }
  }
}

/** Bytes of the encoded form (GENE_TRACE only). */
function encodedSize(e: Encoded): number {
  try {
    return v8serialize(e).length;
  } catch {
    return -1;
  }
}
