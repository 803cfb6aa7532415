// THR-MSG-COPY.5: user-defined classes and their instances crossing threads. The codec calls
// this module; it keeps the part of a message that describes classes (`Tables.k`).
//
// A class travels like a function: its name, its parent, and its methods and constructor as
// functions (code plus copies of what they use). Each class gets a random identity the first time
// it is sent; every thread keeps a registry from identity to its class object, so a class that
// arrives where it already exists (it was defined there, or arrived before and is still in use) is
// that same object: an instance sent to a worker and back is `is` its original class again.
import { GClass, GFunction } from '../values/values.js';

/** One class of a message: identity, name, parent, methods and constructor (function indices). */
export interface EncClass {
  id: string;
  name: string;
  /** Builtin parent by name (`Object`, an error kind), or a user class by index into `Tables.k`. */
  parent: { builtin: string } | { k: number };
  methods: [string, number][];
  ctor: number;
}

/** What the class encoder needs from the codec's encoder. */
export interface ClassEncoderHost {
  /** The function's index in the message (encoding its captures and globals once). */
  fn(f: GFunction): number;
  isBuiltinClass(c: GClass): boolean;
  /** Note that the message has tables. */
  useTables(): EncClass[];
}

/** Classes by identity in this thread (weakly held: a class nothing uses may go). */
const registry = new Map<string, WeakRef<GClass>>();
const identities = new WeakMap<GClass, string>();

function identityOf(c: GClass): string {
  let id = identities.get(c);
  if (id === undefined) {
    // The global `crypto`, not node:crypto: it loads Node's crypto modules at first use, so only
    // threads that send a class pay for them (THR-PERF: a Worker's start-up and memory).
    id = globalThis.crypto.randomUUID();
    identities.set(c, id);
    registry.set(id, new WeakRef(c));
  }
  return id;
}

/** Encodes the classes of one message, each once. */
export class ClassEncoder {
  private readonly index = new Map<GClass, number>();
  constructor(private readonly host: ClassEncoderHost) {}

  /** THR-MSG-COPY.5: the class's index in `Tables.k`; its parent first, then its methods. */
  cls(c: GClass): number {
    const known = this.index.get(c);
    if (known !== undefined) return known;
    const parent = c.parent;
    const parentRef: EncClass['parent'] =
      parent === null ? { builtin: 'Object' } : this.host.isBuiltinClass(parent) ? { builtin: parent.name } : { k: this.cls(parent) };
    const table = this.host.useTables();
    const entry: EncClass = { id: identityOf(c), name: c.name, parent: parentRef, methods: [], ctor: -1 };
    const i = table.length;
    table.push(entry);
    this.index.set(c, i); // before the methods: a method that names its own class refers to it
    for (const [name, m] of c.methods) entry.methods.push([name, this.host.fn(m)]);
    if (c.ctor !== null) entry.ctor = this.host.fn(c.ctor);
    return i;
  }
}

/**
 * Rebuilds the classes of a message in the receiving thread, parents before children (the order
 * they were encoded in). A class this thread already has (same identity) is reused as it is.
 */
export function decodeClasses(entries: readonly EncClass[], fns: readonly GFunction[], builtinClass: (name: string) => GClass): GClass[] {
  const out: GClass[] = [];
  for (const e of entries) {
    const existing = registry.get(e.id)?.deref();
    if (existing !== undefined) {
      out.push(existing);
      continue;
    }
    const parent = 'builtin' in e.parent ? builtinClass(e.parent.builtin) : out[e.parent.k]!;
    const c = new GClass(e.name, parent);
    identities.set(c, e.id);
    registry.set(e.id, new WeakRef(c));
    for (const [name, i] of e.methods) {
      const m = fns[i]!;
      m.owner = c;
      c.methods.set(name, m);
    }
    if (e.ctor >= 0) {
      const ctor = fns[e.ctor]!;
      ctor.owner = c;
      c.ctor = ctor;
    }
    out.push(c);
  }
  return out;
}
