// Thread 0 reads the Worker bundle and V8's code cache of it once, for every Worker it starts
// (THR-PERF cold spawn, terminate then respawn): a Worker compiles the bundle from the cache
// instead of compiling the VM, the codec and the hosts lazily as its warm-up and first task call them.
//
// The cache file sits beside the bundle (dist/threads/worker-bundle.v8cache): the build makes
// it, and the first Worker of a process writes it again if it is missing or V8 refused it (another
// Node). V8 itself checks its version and flags but of the source only its length, and of its
// own bytes nothing, so the file starts with a header naming the bundle it was made from by the
// SHA-256 of its text (a bundle rebuilt or edited by hand, even to the same size and time, does
// not run with another bundle's compiled code; a copy with other file times still fits), then the
// length and SHA-256 of V8's data: V8 checks none of its data's bytes in release builds and
// crashes on damaged ones ("Fatal error … unreachable code"), so a damaged file is not used.
// (Thread 0 has Node's crypto loaded already; hashing the bundle and the data takes ≈ 0.2 ms.)
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkerCode } from './wire.js';

const MAGIC = 'gene-ref worker code cache 2\n';
/** The header naming the bundle: MAGIC and the SHA-256 of the bundle's text. */
export const HEADER_BYTES = MAGIC.length + 32;

/** The header a code cache of the bundle with this text starts with. */
function headerFor(bundleText: Buffer): Uint8Array {
  return Buffer.concat([Buffer.from(MAGIC, 'latin1'), createHash('sha256').update(bundleText).digest()]);
}

/** What follows the header: the data's length (uint32, little-endian) and SHA-256, then the data. */
export const CHECK_BYTES = 4 + 32;

/**
 * The V8 data in `file`, on shared memory: after `header`, its length and SHA-256 (worker-boot.cts
 * writes them). Undefined when absent, made from another bundle or damaged.
 */
function cacheAfter(file: string, header: Uint8Array): Uint8Array | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const at = HEADER_BYTES + CHECK_BYTES;
  if (bytes.length <= at || !bytes.subarray(0, HEADER_BYTES).equals(header)) return undefined;
  const data = bytes.subarray(at);
  if (bytes.readUInt32LE(HEADER_BYTES) !== data.length) return undefined;
  if (!createHash('sha256').update(data).digest().equals(bytes.subarray(HEADER_BYTES + 4, at))) return undefined;
  const shared = new Uint8Array(new SharedArrayBuffer(data.length));
  shared.set(data);
  return shared;
}

/**
 * The Worker bundle at `bundle` with its code cache, and where to write the cache (for the
 * first Worker: worker-boot.cts writes it if it has to); undefined when there is no bundle (the
 * Workers then load the modules themselves).
 */
export function readWorkerCode(bundle: URL): { code: WorkerCode; writeTo: NonNullable<WorkerCode['writeTo']> } | undefined {
  let text: Buffer;
  try {
    text = readFileSync(bundle);
  } catch {
    return undefined;
  }
  const file = fileURLToPath(bundle);
  const cacheFile = file.replace(/\.js$/, '.v8cache');
  const header = headerFor(text);
  const cache = cacheAfter(cacheFile, header);
  return { code: { file, source: text.toString('utf8'), ...(cache ? { cache } : {}) }, writeTo: { file: cacheFile, header } };
}
