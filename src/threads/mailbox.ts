// The receiving side of one thread's mailbox (THR-MSG.3, THR-MSG.4, THR-MSG.5, THR-CHAN.1, THR-CHAN.2): messages that arrived,
// on_message callbacks, recv waiters, and the requests still owed a reply.
import { Fifo } from '../runtime/fifo.js';
import { settleFuture } from '../runtime/futures.js';
import { preludeFunction } from '../runtime/prelude.js';
import { GFuture, ThreadMessageValue, Value } from '../values/values.js';
import type { NativeContext } from '../contract/host.js';

export class Mailbox {
  /** Messages that arrived and were not yet handed to a callback or taken by recv (FIFO). */
  private readonly queue = new Fifo<ThreadMessageValue>();
  private readonly callbacks: Value[] = [];
  /**
   * Pending `(recv)` Futures, oldest first. Bounded by the program's own data: one per recv
   * Future it made that has neither taken a message nor failed (a recv whose wait failed is
   * withdrawn, THR-MSG.4), like the elements of an array it builds.
   */
  private readonly waiters: GFuture[] = [];
  /** The message whose callbacks are running: the next waits until it is done (THR-CHAN.2). */
  private inflight: ThreadMessageValue | null = null;
  /** Requests received and not answered yet: answered ThreadExited when the thread ends (THR-MSG.6). */
  readonly unanswered = new Set<ThreadMessageValue>();

  constructor(
    private readonly vm: NativeContext,
    /** A message left the mailbox: one more fits (THR-CHAN.1). */
    private readonly taken: () => void,
  ) {}

  get size(): number {
    return this.queue.length;
  }

  /** THR-MSG.3, THR-MSG.5: a message arrived; deliver it now if someone takes it, else keep it in order. */
  arrive(msg: ThreadMessageValue): void {
    if (msg.replyId !== 0) this.unanswered.add(msg);
    this.queue.push(msg);
    this.pump();
  }

  /** THR-MSG.4: `(recv)` — a Future of the next message. */
  recv(): GFuture {
    const f = new GFuture('recv');
    f.onSettle.push(() => {
      const i = this.waiters.indexOf(f);
      if (i >= 0) this.waiters.splice(i, 1);
    });
    this.waiters.push(f);
    this.pump();
    return f;
  }

  /** `($thread .on_message f)`: messages waiting so far go to the callbacks (THR-MSG.4). */
  register(cb: Value): void {
    this.callbacks.push(cb);
    this.pump();
  }

  /** The prelude's dispatcher finished with `msg` (its auto-reply hook ran). */
  dispatched(msg: ThreadMessageValue): void {
    if (this.inflight === msg) {
      this.inflight = null;
      this.pump();
    }
  }

  replied(msg: ThreadMessageValue): void {
    this.unanswered.delete(msg);
  }

  /** Hand out what can be handed out: recv waiters first, then one message to the callbacks. */
  pump(): void {
    while (this.queue.length > 0 && this.waiters.length > 0) {
      const w = this.waiters.shift()!;
      if (w.state !== 'pending') continue;
      const msg = this.queue.shift()!;
      this.taken();
      settleFuture(this.vm, w, 'success', msg);
    }
    if (this.queue.length > 0 && this.callbacks.length > 0 && this.inflight === null) {
      const msg = this.queue.shift()!;
      this.taken();
      this.inflight = msg;
      // The live list: callbacks registered before the dispatch runs see this message too.
      this.vm.scheduleCallback(preludeFunction(this.vm, 'dispatch_message'), [this.callbacks, msg]);
    }
  }

  /** Everything still owed a reply: the queued requests and those taken but not answered. */
  owed(): ThreadMessageValue[] {
    const out = [...this.unanswered].filter((m) => !m.replied);
    this.unanswered.clear();
    this.queue.clear();
    return out;
  }
}
