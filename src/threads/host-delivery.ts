// Message delivery (THR-MSG.1, THR-MSG.4, THR-MSG.5, THR-CHAN.1): sending, what arrives on the ports,
// the mailbox, recv and keep_alive.
import type { NativeContext } from '../contract/host.js';
import { geneError } from '../values/errors.js';
import { GFuture, ThreadHandle, ThreadMessageValue, Value } from '../values/values.js';
import { display } from '../values/print.js';
import { decodeRoot, encode } from './codec.js';
import { EndsHost } from './host-ends.js';
import { encodedSize } from './host-requests.js';
import { ENDED, FULL } from './protocol/table.js';
import { whoOf } from './protocol/words.js';
import { errorValueOf } from './remote-errors.js';
import { Hot, taskOf, type ControlWire, type MsgWire, type TaskSpec, type Wire } from './wire.js';

export abstract class DeliveryHost extends EndsHost {
  // ---- THR-MSG ----

  /**
   * THR-MSG.1: copy, count, post; returns at once, never blocks. THR-MSG.2: with a reply, a
   * Future of it. THR-ISO.2: what crosses is the codec's copy, never the value itself.
   */
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
    const m: MsgWire = [Hot.Msg, id, target.secret, this.slot, this.secret, rid, p.r, p.t];
    if (this.tracing) this.trace(`msg ${this.slot} -> ${id} ${expectReply ? 'send_expect_reply' : 'send'} ${encodedSize(p)} bytes`);
    if (id === this.slot) this.onWire(m);
    else this.mesh.send(id === 0 ? 0 : whoOf(word), m);
    return future;
  }

  /** Handle one message from a port (or from this thread to itself). */
  protected onWire(m: Wire): void {
    if (Array.isArray(m)) {
      if (m[0] === Hot.Reply) this.onReply(m);
      else if (m[0] === Hot.Task) this.onTask(taskOf(m));
      else if (m[1] === this.slot && m[2] === this.secret && this.vm !== null) this.deliver(m);
      else this.strayMessage(m);
      return;
    }
    switch (m.t) {
      case 'ended':
        this.noteEnd(m.slot, m.secret, m.reason);
        return;
      default:
        this.onControl(m);
    }
  }

  /**
   * THR-MSG.5: a message for the thread running here goes to its mailbox, in the order its
   * sender sent it. THR-MAIN.3: thread 0 takes this same path and dispatches like a Worker.
   */
  protected deliver(m: MsgWire): void {
    const [, , , from, fs, rid, r, t] = m;
    const vm = this.vm!;
    let payload: Value;
    try {
      payload = decodeRoot(r, t, vm.builtins);
    } catch (e) {
      this.slots.takeMail(this.slot, this.gen);
      if (rid !== 0) this.postReply({ id: from, secret: fs }, rid, false, encode(errorValueOf(e), 'reply'));
      return;
    }
    this.box!.arrive(new ThreadMessageValue(payload, new ThreadHandle(from, fs), rid));
  }

  /** A message for a thread that is not running here (it ended): its request fails. */
  protected strayMessage(m: MsgWire): void {
    const [, to, , from, fs, rid] = m;
    if (rid !== 0) this.failRequest({ id: from, secret: fs }, rid, 'ThreadExited', `<Thread ${to}> ended before replying`);
  }

  /** A thread to run here (Workers only: thread 0 is never sent one). */
  protected onTask(_task: TaskSpec): void {}

  /** Control messages (Worker start and terminate requests, ports, …). */
  protected abstract onControl(m: ControlWire): void;

  // ---- recv, keep_alive, on_message ----

  /** THR-MSG.4 */
  recv(vm: NativeContext): GFuture {
    this.attach(vm);
    return this.box!.recv();
  }
  /** THR-LIFE.1: the thread stays after its body, dispatching messages, until terminated. */
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
}
