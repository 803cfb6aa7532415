// The lazy mesh (src/threads/mesh.ts): two Workers that have never talked get a port between them
// from thread 0 when one first has a message for the other. This drives three real Mesh objects
// (thread 0, Workers 1 and 2) over real MessageChannels in one thread, in orders fast-check
// chooses: sends both ways before, while and after the ports are asked for, thread 0 taking the
// two requests in either order, each side draining at any time. In every order, each Worker
// must receive the other's messages all and in order (THR-MSG.5), thread 0 must make exactly one
// port (a second pair of ends would leave each side posting to a port the other closed), and every
// message counted as sent must be counted as taken (THR-LIFE.5's in-flight counts).
import fc from 'fast-check';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Mesh } from '../src/threads/mesh.js';
import type { SlotTable } from '../src/threads/protocol/table.js';
import { Hot, type MsgWire, type Wire } from '../src/threads/wire.js';

type Step = { t: 'send'; from: 1 | 2 } | { t: 'drain'; who: 0 | 1 | 2 };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ t: fc.constant('send' as const), from: fc.constantFrom(1 as const, 2 as const) }),
  fc.record({ t: fc.constant('drain' as const), who: fc.constantFrom(0 as const, 1 as const, 2 as const) }),
);

function runSteps(steps: Step[], gens: number[]): void {
  // Only what Mesh reads of the slot table: generations and the doorbell (rung, never waited on here).
  const slots = { gen: (w: number) => gens[w]!, ringForMail: () => {} } as unknown as SlotTable;
  let sent = 0;
  let taken = 0;
  const flight = { sent: () => void sent++, taken: () => void taken++ };
  const mesh = [0, 1, 2].map((self) => new Mesh(slots, self, 4, flight, () => {}));
  for (const w of [1, 2]) {
    const control = new MessageChannel();
    mesh[0]!.install(w, gens[w]!, control.port1);
    mesh[w]!.install(0, gens[0]!, control.port2);
  }
  let ports = 0;
  const got: number[][] = [[], [], []];
  const next = [0, 0, 0];
  const handle = (who: number) => (m: Wire): void => {
    if (Array.isArray(m)) {
      got[who]!.push(m[6] as number);
    } else if (who === 0 && m.t === 'link') {
      if (mesh[0]!.link(m.from, m.peer)) ports++;
    } else throw new Error(`unexpected message at ${who}: ${JSON.stringify(m)}`);
  };
  const send = (from: 1 | 2): void => {
    const to = from === 1 ? 2 : 1;
    const msg: MsgWire = [Hot.Msg, to, 0, from, 0, 0, next[from]!++, undefined];
    mesh[from]!.post(to, msg);
  };
  try {
    for (const s of steps) {
      if (s.t === 'send') send(s.from);
      else while (mesh[s.who]!.drain(handle(s.who)));
    }
    // One more message each way (the first, when the steps sent none), then everyone drains
    // until nothing moves: each round thread 0, then the Workers.
    send(1);
    send(2);
    for (let round = 0; round < 4; round++) for (const who of [0, 1, 2]) while (mesh[who]!.drain(handle(who)));
    const inOrder = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(got[2]).toEqual(inOrder(next[1]!));
    expect(got[1]).toEqual(inOrder(next[2]!));
    expect(ports).toBe(1);
    expect(taken).toBe(sent);
  } finally {
    for (const m of mesh) m.closeAll();
  }
}

/** Worker 1's Mesh alone, with its control port; thread 0's end is `control.port1`. */
function workerOne(): { worker: Mesh; control: MessageChannel } {
  const slots = { gen: () => 1, ringForMail: () => {} } as unknown as SlotTable;
  const worker = new Mesh(slots, 1, 4, { sent: () => {}, taken: () => {} }, () => {});
  const control = new MessageChannel();
  worker.install(0, 1, control.port2);
  return { worker, control };
}

describe('the lazy mesh (mesh.ts)', () => {
  it('makes one port between two Workers that first send to each other, and loses or reorders nothing', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => runSteps(steps, [1, 1, 1])),
      { seed: 7401, numRuns: 400 },
    );
  });

  it('the two first sends at once: both ask, thread 0 takes both requests, one port is made', () => {
    runSteps([{ t: 'send', from: 1 }, { t: 'send', from: 2 }, { t: 'drain', who: 0 }, { t: 'drain', who: 1 }, { t: 'drain', who: 2 }], [1, 1, 1]);
  });

  it('a Worker asks once per peer, however many messages it holds for it', () => {
    const { worker, control } = workerOne();
    try {
      for (let i = 0; i < 5; i++) worker.post(2, [Hot.Msg, 2, 0, 1, 0, 0, i, undefined]);
      const asks: Wire[] = [];
      for (let r = receiveMessageOnPort(control.port1); r !== undefined; r = receiveMessageOnPort(control.port1)) {
        asks.push(r.message as Wire);
      }
      expect(asks).toEqual([{ t: 'link', from: 1, peer: 2 }]);
    } finally {
      worker.closeAll();
      control.port1.close();
    }
  });

  it('postSent (a safepoint inside a callback, where nothing is drained) installs a port that arrived and posts what was held for it', () => {
    const { worker, control } = workerOne();
    const link = new MessageChannel();
    try {
      for (let i = 0; i < 3; i++) worker.post(2, [Hot.Msg, 2, 0, 1, 0, 0, i, undefined]);
      // Thread 0 answers the request with the port (on the control port, as a Worker gets it).
      control.port1.postMessage({ t: 'port', peer: 2, gen: 1, port: link.port1 }, [link.port1]);
      worker.postSent();
      const got: unknown[] = [];
      for (let r = receiveMessageOnPort(link.port2); r !== undefined; r = receiveMessageOnPort(link.port2)) got.push((r.message as MsgWire)[6]);
      expect(got).toEqual([0, 1, 2]);
    } finally {
      worker.closeAll();
      control.port1.close();
      link.port2.close();
    }
  });
});
