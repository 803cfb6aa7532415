// The mesh of MessageChannels (DESIGN §2): a message goes straight from its sender's OS thread
// to its receiver's, never through thread 0. Thread 0 holds a port to every Worker (its control
// port). A port between two Workers is made lazily: the first time one has a message for the
// other it holds the message and asks thread 0 (`link`), which sends each of the two its end;
// the held messages go out, in order, when the port arrives. Idle threads that never talk hold
// no ports to each other (a port costs ≈ 8 KiB on each side: THR-PERF RSS per thread).
// Two ways in, one order: a running VM reads its ports with receiveMessageOnPort at safepoints
// when its doorbell has moved (THR-CHAN.2); an idle thread is woken by the port itself (a
// 'message' listener, unref'd so it never keeps the event loop alive), the way a raw Worker is,
// with no Atomics.notify for mail (THR-PERF idle wake-up). Both take from the same per-port
// queue, so a sender's messages keep their order (THR-MSG.5).
import { MessageChannel, receiveMessageOnPort, type MessagePort, type TransferListItem } from 'node:worker_threads';
import type { Wire } from './wire.js';
import type { SlotTable } from './protocol/table.js';
import { MAX_WORKERS } from './protocol/words.js';
import { settledPromise } from './doorbell.js';

const isPort = (m: Wire): m is Extract<Wire, { t: 'port' }> => !Array.isArray(m) && m.t === 'port';

/** THR-LIFE.5: counts what is in flight (see deadlock.ts). */
export interface InFlight {
  sent(to: number): void;
  taken(): void;
}

interface Peer {
  port: MessagePort;
  gen: number;
}

/** One number for the unordered pair of Workers a, b. */
const pairOf = (a: number, b: number): number => (a < b ? a * MAX_WORKERS + b : b * MAX_WORKERS + a);

/** At most this many messages wait in the outbox for one target. */
const OUTBOX_BATCH = 128;

export class Mesh {
  private readonly peers: (Peer | undefined)[] = new Array(MAX_WORKERS);
  /**
   * Messages for a Worker we have no port to yet (asked of thread 0, or it is being started):
   * kept in order. Bounded: what is here is tasks (each for a slot this thread claimed: at most
   * the slots), messages to threads placed on that Worker (each counted against the thread's
   * mailbox: at most --channel-capacity, THR-CHAN.1), replies to their requests (at most one a
   * request) and, on thread 0, ports (one per other Worker). An entry goes when the port arrives
   * or the Worker index is dropped.
   */
  private readonly held = new Map<number, Wire[]>();
  /** A Worker: the peers whose port it asked thread 0 for, with the generation asked about. */
  private readonly asked = new Map<number, number>();
  /** Thread 0: the pairs of live Workers that have a port between them (pairOf). */
  private readonly linked = new Set<number>();
  /**
   * Messages taken from the ports but not handled yet, in the order taken: delivered by a port's
   * 'message' event while this thread idled, or set aside while looking for a port. Handled first
   * at the next drain, and counted as taken only then (THR-LIFE.5: until handled they are in
   * flight). Bounded by what may be in flight to this thread at once: its mail (THR-CHAN.1), replies
   * to its own pending requests, and from thread 0 one port per Worker and one task.
   */
  private readonly inbox: Wire[] = [];
  /** Messages sent by the running VM, per target, not posted yet (see `send`). */
  private readonly outbox = new Map<number, Wire[]>();
  /** Something waits in the outbox: the next safepoint (or microtask) posts it. */
  pendingOut = false;
  private flushQueued = false;
  /** A message went out directly since the last flush: the next ones wait in the outbox. */
  private burst = false;

  constructor(
    private readonly slots: SlotTable,
    /** This OS thread's index: 0 for thread 0. */
    readonly self: number,
    /** Messages taken from one port before the others get a turn (Limits.mailDrainBatch). */
    private readonly drainBatch: number,
    /** THR-LIFE.5: counts what is in flight. */
    private readonly flight: InFlight,
    /** A port delivered a message while this thread idled: wake it. */
    private readonly onArrival: () => void,
  ) {}

  /** A port's 'message' event: keep the message in order, wake the idle thread. */
  private readonly arrive = (m: unknown): void => {
    this.inbox.push(m as Wire);
    this.onArrival();
  };

  /** Messages delivered by a port event (or set aside) wait for the next drain. */
  hasArrivals(): boolean {
    return this.inbox.length > 0;
  }

  install(peer: number, gen: number, port: MessagePort): void {
    const old = this.peers[peer];
    if (old !== undefined && old.gen >= gen) {
      port.close();
      return;
    }
    old?.port.close();
    port.on('message', this.arrive);
    // After the listener: adding the first one refs the port, and a port must not keep its
    // thread alive (thread 0's program ends when its own work does; Workers are stopped).
    port.unref();
    this.peers[peer] = { port, gen };
    if (this.asked.get(peer) === gen) this.asked.delete(peer);
    const held = this.held.get(peer);
    if (held !== undefined && gen === this.slots.gen(peer)) {
      this.held.delete(peer);
      for (const m of held) {
        this.flight.sent(peer);
        port.postMessage(m);
      }
      this.slots.ringForMail(peer);
    }
  }

  /**
   * Forget the port to a Worker that has exited, and the ports made for it (thread 0). What the
   * Worker posted before it exited and was not taken yet is kept, in order, for the next drain:
   * its 'exit' event may come before the port's messages (nothing lost). Returns those messages.
   */
  // THR-MSG.5
  drop(peer: number): readonly Wire[] {
    const p = this.peers[peer];
    const left: Wire[] = [];
    if (p !== undefined) for (let r = receiveMessageOnPort(p.port); r !== undefined; r = receiveMessageOnPort(p.port)) left.push(r.message as Wire);
    this.inbox.push(...left);
    p?.port.close();
    this.peers[peer] = undefined;
    this.held.delete(peer);
    for (let x = 0; x < MAX_WORKERS; x++) this.linked.delete(pairOf(peer, x));
    return left;
  }

  /**
   * Thread 0: make the port between Workers a and b that one of them asked for (`link`), once
   * however many times the two ask while they live (a second pair of ends would leave each
   * posting to a port the other closed). b's end goes first: when a's first message rings b, b
   * finds its end on its control port, which it drains before any other. Returns whether a port
   * was made.
   */
  // THR-MSG.5
  link(a: number, b: number): boolean {
    const pair = pairOf(a, b);
    if (this.linked.has(pair)) return false;
    this.linked.add(pair);
    const ch = new MessageChannel();
    this.post(b, { t: 'port', peer: a, gen: this.slots.gen(a), port: ch.port2 }, [ch.port2]);
    this.post(a, { t: 'port', peer: b, gen: this.slots.gen(b), port: ch.port1 }, [ch.port1]);
    return true;
  }

  has(peer: number): boolean {
    const p = this.peers[peer];
    return p !== undefined && p.gen === this.slots.gen(peer);
  }

  /**
   * Post to OS thread `w` and ring its doorbell. Messages to one thread keep their order
   * (THR-MSG.5): when there is no port yet, they are held and flushed in order when it arrives.
   */
  post(w: number, m: Wire, transfer?: TransferListItem[]): void {
    if (!this.held.has(w)) {
      if (!this.has(w) && this.self !== 0) this.lookForPorts();
      const p = this.peers[w];
      if (p !== undefined && p.gen === this.slots.gen(w)) {
        this.flight.sent(w);
        p.port.postMessage(m, transfer);
        this.slots.ringForMail(w);
        return;
      }
    }
    let q = this.held.get(w);
    if (q === undefined) this.held.set(w, (q = []));
    q.push(m);
    if (this.self !== 0) this.askFor(w);
  }

  /** A Worker with a message for Worker w and no port to it: ask thread 0 for one, once. */
  // THR-MSG.5
  private askFor(w: number): void {
    const gen = this.slots.gen(w);
    if (this.asked.get(w) === gen) return;
    this.asked.set(w, gen);
    this.post(0, { t: 'link', from: this.self, peer: w });
  }

  /**
   * Send to OS thread `w` in order with everything else this thread sends there, batched: the
   * messages a running VM sends between two safepoints go out as one postMessage and one ring
   * (THR-PERF throughput). The outbox is posted at the next safepoint, before this thread idles,
   * or at the latest in a microtask (when the send came from an event-loop callback).
   */
  send(w: number, m: Wire): void {
    let q = this.outbox.get(w);
    if (!this.burst && (q === undefined || q.length === 0)) {
      // The first message since the last flush goes out at once (latency); the ones that
      // follow it before the next safepoint are batched (throughput).
      this.burst = true;
      this.post(w, m);
      this.queueFlush();
      return;
    }
    if (q === undefined) this.outbox.set(w, (q = []));
    q.push(m);
    this.pendingOut = true;
    if (q.length >= OUTBOX_BATCH) this.flushTo(w, q);
    this.queueFlush();
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    void settledPromise.then(this.flushQueuedNow);
  }

  private readonly flushQueuedNow = (): void => {
    this.flushQueued = false;
    this.flush();
  };

  /**
   * Post what this thread has sent, inside a callback (where nothing is taken from the ports,
   * THR-CHAN.2): the outbox, and what is held for a Worker whose port has arrived on the control
   * port since. Without the second, a thread sending from inside a long callback to a Worker it
   * had no port to would hold its messages until the callback ended, and one that retries a
   * refused send (ChannelFull) would wait for ever: its held messages fill the mailbox.
   */
  // THR-CHAN.2
  postSent(): void {
    this.flush();
    if (this.held.size > 0 && this.self !== 0) this.lookForPorts();
  }

  /** Post everything in the outbox now. */
  flush(): void {
    this.burst = false;
    if (!this.pendingOut) return;
    this.pendingOut = false;
    for (const [w, q] of this.outbox) if (q.length > 0) this.flushTo(w, q);
  }

  private flushTo(w: number, q: Wire[]): void {
    const ms = q.splice(0, q.length);
    this.post(w, ms.length === 1 ? ms[0]! : { t: 'batch', ms });
  }

  /**
   * A Worker: install the ports that arrived (in the inbox or still on the control port); the
   * rest waits in the inbox, in order.
   */
  private lookForPorts(): void {
    const control = this.peers[0];
    if (control === undefined) return;
    for (let i = 0; i < this.inbox.length; ) {
      const m = this.inbox[i]!;
      if (isPort(m)) {
        this.inbox.splice(i, 1);
        this.takePort(m);
      } else i++;
    }
    for (;;) {
      const r = receiveMessageOnPort(control.port);
      if (r === undefined) return;
      const m = r.message as Wire;
      if (isPort(m)) this.takePort(m);
      else this.inbox.push(m);
    }
  }

  /**
   * Take what arrived: the inbox first (it was taken from the ports earlier), then the control
   * port, then every other port. Returns true when a port still had messages (the caller should
   * come back).
   */
  drain(handle: (m: Wire) => void): boolean {
    let more = false;
    this.takeInbox(handle);
    for (let w = 0; w < MAX_WORKERS; w++) {
      const p = this.peers[w];
      if (p === undefined) continue;
      let n = 0;
      for (;;) {
        if (this.inbox.length > 0) {
          // A handler looked for ports: what it set aside comes first.
          this.takeInbox(handle);
          continue;
        }
        if (n++ >= this.drainBatch) {
          more = true;
          break;
        }
        const r = receiveMessageOnPort(p.port);
        if (r === undefined) break;
        this.flight.taken();
        this.take(r.message as Wire, handle);
      }
    }
    return more;
  }

  private takePort(m: Extract<Wire, { t: 'port' }>): void {
    this.flight.taken();
    this.install(m.peer, m.gen, m.port);
  }

  private takeInbox(handle: (m: Wire) => void): void {
    while (this.inbox.length > 0) {
      this.flight.taken();
      this.take(this.inbox.shift()!, handle);
    }
  }

  private take(m: Wire, handle: (m: Wire) => void): void {
    if (Array.isArray(m)) handle(m);
    else if (isPort(m)) this.install(m.peer, m.gen, m.port);
    else if (m.t === 'batch') for (const x of m.ms) handle(x);
    else handle(m);
  }

  closeAll(): void {
    this.outbox.clear();
    this.inbox.length = 0;
    this.pendingOut = false;
    for (let w = 0; w < MAX_WORKERS; w++) {
      this.peers[w]?.port.close();
      this.peers[w] = undefined;
    }
    this.held.clear();
    this.asked.clear();
    this.linked.clear();
  }
}
