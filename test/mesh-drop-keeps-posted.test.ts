// A Worker's 'exit' event can reach thread 0 before the messages the Worker posted just before it
// exited (two events of thread 0's loop, in either order). Thread 0 then drops the Worker's port
// (Mesh.drop): what the port still holds must not be lost with it (an internal error reported
// just before the exit read as a plain crash, exit 0 instead of 70, in 2–9 runs of 150 under
// load). This drives that order on purpose with two real Mesh objects over a real
// MessageChannel in one thread: the Worker posts, thread 0 drops the port before it drains.
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Mesh } from '../src/threads/mesh.js';
import type { SlotTable } from '../src/threads/protocol/table.js';
import { Hot, type MsgWire, type Wire } from '../src/threads/wire.js';

function pair() {
  const slots = { gen: () => 1, ringForMail: () => {} } as unknown as SlotTable;
  const counts = { sent: 0, taken: 0 };
  const flight = { sent: () => void counts.sent++, taken: () => void counts.taken++ };
  const main = new Mesh(slots, 0, 256, flight, () => {});
  const worker = new Mesh(slots, 1, 256, flight, () => {});
  const control = new MessageChannel();
  main.install(1, 1, control.port1);
  worker.install(0, 1, control.port2);
  return { main, worker, counts, close: () => control.port2.close(), closeAll: () => (main.closeAll(), worker.closeAll()) };
}

const mail = (n: number): MsgWire => [Hot.Msg, 0, 0, 1, 0, 0, n, undefined];
const internal: Wire = { t: 'internal', slot: 1, message: 'a bug', stack: '' };

describe('Mesh.drop: a Worker that exits right after posting', () => {
  it('keeps what the port still held, in order, for the next drain (the exit handled first)', () => {
    const { main, worker, counts, close } = pair();
    worker.post(0, mail(1));
    worker.post(0, mail(2));
    worker.post(0, internal);
    close(); // the Worker has exited
    const left = main.drop(1);
    expect(left).toEqual([mail(1), mail(2), internal]);
    expect(main.hasArrivals()).toBe(true);
    const got: Wire[] = [];
    main.drain((m) => got.push(m));
    expect(got).toEqual([mail(1), mail(2), internal]);
    // THR-LIFE.5: nothing stays counted as in flight to thread 0.
    expect(counts.taken).toBe(counts.sent);
  });

  it('keeps only what was not taken yet (a drain before the exit)', () => {
    const { main, worker, counts, close } = pair();
    worker.post(0, mail(1));
    const got: Wire[] = [];
    main.drain((m) => got.push(m));
    worker.post(0, mail(2));
    close();
    expect(main.drop(1)).toEqual([mail(2)]);
    main.drain((m) => got.push(m));
    expect(got).toEqual([mail(1), mail(2)]);
    expect(counts.taken).toBe(counts.sent);
  });

  it('returns nothing for a Worker it had no port to', () => {
    const { main, closeAll } = pair();
    expect(main.drop(5)).toEqual([]);
    expect(main.hasArrivals()).toBe(false);
    closeAll();
  });
});
