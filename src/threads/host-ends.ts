// Ends and joins (THR-JOIN, THR-MSG.6, THR-POOL.4): what this thread waits on other threads'
// ends for, and how it learns they ended: the ended epoch, then a drain of the ports, then a
// sweep (docs/thread-protocol.md §3–4).
import type { NativeContext } from '../contract/host.js';
import { settleFuture, succeeded } from '../runtime/futures.js';
import { geneError } from '../values/errors.js';
import { GFuture, ThreadHandle } from '../values/values.js';
import { display } from '../values/print.js';
import { RequestsHost } from './host-requests.js';
import { EndReason } from './protocol/words.js';
import { endedError } from './remote-errors.js';

export abstract class EndsHost extends RequestsHost {
  protected joins: { future: GFuture; id: number; secret: number }[] = [];
  private watching = false;

  /** THR-MSG.6: thread 0 says why (slot, secret) is ending: its Futures here fail for that reason. */
  protected noteEnd(slot: number, secret: number, reason: EndReason): void {
    for (const p of this.pending.values()) {
      if (p.target !== null && p.target.id === slot && p.target.secret === secret) p.reason = reason;
    }
  }

  // ---- THR-JOIN ----

  /** THR-JOIN.1 */
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

  // ---- safepoints (THR-CHAN.2) ----

  safepoint(vm: NativeContext): void {
    this.poll(vm);
  }

  postSent(): void {
    this.mesh.postSent();
  }

  /** Take what arrived on the ports, then settle what waits on threads that ended. */
  poll(vm: NativeContext | null): void {
    if (vm !== null) this.attach(vm);
    // THR-LIFE.5: awake and acting.
    this.deadlock.running();
    this.mesh.flush();
    // The signal before the doorbell (a ring moves them in that order); a port event may deliver
    // mail before its sender moves the doorbell: look at all three.
    const signalled = this.bell.takeSignal();
    if (!this.bell.take() && !signalled && !this.mesh.hasArrivals()) return;
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
}
