// THR-MSG-COPY: the only door between threads. `encode` turns a sendable value into a plain,
// structured-cloneable form (a flat token array); `decode` rebuilds fresh values in the receiving
// VM. Copy semantics and the NotSendable check live here and nowhere else. Neither direction
// recurses on the host's stack (THR-MSG-COPY.4).
//
// The parts: codec-format.ts (the tokens and tables of a message), codec-encoder.ts,
// codec-decoder.ts, and class-codec.ts (user classes).
import type { Namespace, Value } from '../values/values.js';
import type { VM } from '../vm/vm.js';
import { Decoder } from './codec-decoder.js';
import { Encoder } from './codec-encoder.js';
import type { Enc, Encoded, Tables } from './codec-format.js';

export { Decoder, decodeUnit } from './codec-decoder.js';
export { Encoder, encodeUnit } from './codec-encoder.js';
export type { Enc, EncConst, EncUnit, Encoded, Tables } from './codec-format.js';

/** THR-MSG-COPY: encode one value; throws NotSendable naming its type and path from `where`. */
export function encode(value: Value, where: string, builtins?: Namespace): Encoded {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return { r: value };
  const e = new Encoder(builtins);
  return e.finish(e.value(value, where));
}

/** Rebuild a value encoded by `encode` in `vm` (fresh copies, nothing shared). */
export function decode(e: Encoded, vm: VM): Value {
  return decodeIn(e, vm.builtins);
}

export function decodeIn(e: Encoded, builtins: Namespace, home?: Namespace): Value {
  return decodeRoot(e.r, e.t, builtins, home);
}

/** The same, from an Encoded's two parts (a message on the wire carries them apart: wire.ts). */
export function decodeRoot(r: Enc, t: Tables | undefined, builtins: Namespace, home?: Namespace): Value {
  if (r === null || typeof r === 'number' || typeof r === 'boolean') return r;
  return new Decoder(builtins, t, home).value(r);
}
