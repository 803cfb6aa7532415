// Errors that cross between threads (THR-ERR.1, THR-MSG.6).
import { kindOf, makeErrorValue, messageOf } from '../values/errors.js';
import { GInstance, Namespace, Value, kindName, str } from '../values/values.js';
import { repr } from '../values/print.js';
import { encode, type Encoded } from './codec.js';
import { EndReason } from './protocol/words.js';

/**
 * THR-ERR.1: an error crossing to another thread keeps its kind and message and gains `thread`
 * (where it happened) and `trace` (the remote stack as text); a thrown plain value crosses as a
 * copy of itself, or, if it cannot be copied, as a NotSendable error that describes it.
 */
export function remoteError(value: Value, thread: number, trace: string, builtins?: Namespace): Encoded {
  if (value instanceof GInstance) {
    const props = new Map(value.props);
    if (!props.has('thread')) props.set('thread', thread);
    if (!props.has('trace')) props.set('trace', str(trace));
    try {
      return encode(new GInstance(value.cls, props), 'error', builtins);
    } catch {
      return encode(makeErrorValue(kindOf(value), messageOf(value), { thread, trace: str(trace) }), 'error');
    }
  }
  try {
    return encode(value, 'thrown value', builtins);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    const text = `thread ${thread} threw ${kindName(value)} ${repr(value)}, which cannot be copied: ${why}`;
    return encode(makeErrorValue('NotSendable', text, { thread, trace: str(trace) }), 'error');
  }
}

/** THR-MSG.6: the error of a Future whose thread ended without answering. */
export function endedError(id: number, reason: EndReason, spawnReturn: boolean): Value {
  const what = spawnReturn ? 'before returning its result' : 'before replying';
  switch (reason) {
    case EndReason.Crashed:
      return makeErrorValue('ThreadCrashed', `<Thread ${id}> crashed ${what}: its Worker died`, { thread: id });
    case EndReason.Terminated:
      return makeErrorValue('ThreadTerminated', `<Thread ${id}> was terminated ${what}`, { thread: id });
    default:
      return makeErrorValue('ThreadExited', `<Thread ${id}> ended ${what}`, { thread: id });
  }
}

/**
 * The Gene value of an error thrown in JavaScript (a GeneThrow's value). Any other exception is
 * a bug in gene-ref, never a Gene error: it is thrown on, to end the process (hosts/internal-error.ts).
 */
export function errorValueOf(e: unknown): Value {
  if (e instanceof Error && 'value' in e) return (e as { value: Value }).value;
  // A value nested too deeply to copy overflows the codec's JavaScript stack.
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return makeErrorValue('NotSendable', 'the value is nested too deeply to be copied to another thread');
  }
  throw e;
}
