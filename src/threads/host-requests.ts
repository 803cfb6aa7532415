// Requests and replies (THR-MSG.2, THR-MSG.3, THR-MSG.6, THR-ERR.1): the Futures this thread waits on
// for an answer, and the answers it owes to others.
import { createRequire } from 'node:module';
import type { NativeContext } from '../contract/host.js';
import { settleFuture } from '../runtime/futures.js';
import { makeErrorValue, type ErrorKind } from '../values/errors.js';
import { GFuture, ThreadMessageValue, Value } from '../values/values.js';
import { display } from '../values/print.js';
import { decodeRoot, encode, type Encoded } from './codec.js';
import { ThreadHostBase } from './host-base.js';
import { ENDED } from './protocol/table.js';
import { EndReason, whoOf } from './protocol/words.js';
import { errorValueOf, remoteError } from './remote-errors.js';
import { Hot, type ReplyWire, type Who } from './wire.js';

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

const senderOf = (msg: ThreadMessageValue): Who => ({ id: msg.sender.id, secret: msg.sender.secret });

export abstract class RequestsHost extends ThreadHostBase {
  protected readonly pending = new Map<number, Pending>();

  /** Send a reply (or a failure) to the thread that asked; dropped if it has ended. */
  protected postReply(to: Who, rid: number, ok: boolean, v: Encoded): void {
    const m: ReplyWire = [Hot.Reply, to.id, to.secret, rid, ok, v.r, v.t];
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

  /** A reply, a spawn_return result or an acknowledgement arrived: settle what waits for it. */
  protected onReply(m: ReplyWire): void {
    const [, to, ts, rid, sentOk, r, t] = m;
    if (to !== this.slot || ts !== this.secret || this.vm === null) return;
    const p = this.pending.get(rid);
    if (p === undefined || p.result !== undefined) return;
    let ok = sentOk;
    let v: Value;
    try {
      v = decodeRoot(r, t, this.vm.builtins);
    } catch (e) {
      v = errorValueOf(e);
      ok = false;
    }
    // THR-POOL.4: a spawn_return Future settles once its thread has ended.
    if (p.untilEnded && p.target !== null && !this.slots.hasEnded(p.target.id, p.target.secret)) {
      p.result = { ok, value: v };
      return;
    }
    this.pending.delete(rid);
    settleFuture(this.vm, p.future, ok ? 'success' : 'failure', v);
  }

  /** THR-MSG.3: `(msg .reply v)`: the first reply counts; later ones are ignored. */
  reply(vm: NativeContext, msg: ThreadMessageValue, value: Value): void {
    this.attach(vm);
    if (msg.replied) return;
    if (msg.replyId === 0) {
      msg.replied = true;
      return;
    }
    const v = encode(value, 'reply', vm.builtins);
    msg.replied = true;
    this.box?.replied(msg);
    this.postReply(senderOf(msg), msg.replyId, true, v);
  }

  /** THR-MSG.3: the callbacks are done with `msg` and none replied: a request gets nil. */
  autoReply(vm: NativeContext, msg: ThreadMessageValue): void {
    this.attach(vm);
    this.box?.dispatched(msg);
    if (msg.replyId !== 0 && !msg.replied) {
      msg.replied = true;
      this.box?.replied(msg);
      this.postReply(senderOf(msg), msg.replyId, true, { r: null });
    }
  }

  /** THR-ERR.1: a callback's error fails the reply, as if it had happened in the sender. */
  failReply(vm: NativeContext, msg: ThreadMessageValue, error: Value): void {
    this.attach(vm);
    if (msg.replyId !== 0 && !msg.replied) {
      msg.replied = true;
      this.box?.replied(msg);
      this.postReply(senderOf(msg), msg.replyId, false, this.remoteError(error, vm.lastThrowTrace));
    }
  }

  /** THR-ERR.1: an error as it crosses to another thread (with `thread` and `trace`). */
  protected remoteError(value: Value, traceText: string): Encoded {
    return remoteError(value, this.slot, traceText, this.vm?.builtins);
  }

  /**
   * THR-MSG.6: every request this thread received and did not answer fails ThreadExited.
   * THR-MSG.4: a message taken with recv is answered only by an explicit reply, so it is owed too.
   */
  protected failOwedRequests(): void {
    if (this.box === null) return;
    for (const msg of this.box.owed()) {
      msg.replied = true;
      this.failRequest({ id: msg.sender.id, secret: msg.sender.secret }, msg.replyId, 'ThreadExited', `${display(this.handle)} ended before replying`);
    }
  }
}

/** Bytes of the encoded form (GENE_TRACE only). */
export function encodedSize(e: Encoded): number {
  try {
    // node:v8 only when tracing: not loaded by every Worker (THR-PERF memory and start-up).
    const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
    return v8.serialize(e).length;
  } catch {
    return -1;
  }
}
