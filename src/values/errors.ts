// THR-ERR.3: every runtime error has a kind from one closed list. Each kind is a class under
// GeneException, so `(try … catch ThreadPoolExhausted …)` works and `$ex/kind` names it.
import { repr } from './print.js';
import { GClass, GInstance, GString, Loc, Value, setErrorRootClass, str } from './values.js';

/** The closed list of error kinds, with what each means. The spec's error table is generated from it. */
export const ERROR_KINDS = {
  GeneException: 'the root of every runtime error; also the kind of a thrown plain value',
  ParseError: 'the source text is malformed',
  CompileError: 'a form is well-formed text but not a valid program',
  ImportError: 'a module cannot be imported: its file is missing, imports form a cycle, or it does not define an imported name',
  UndefinedVariable: 'a name is bound nowhere: not in scope, module or builtins',
  TypeError: 'a value of the wrong kind was given to an operator, method or builtin',
  ArgumentError: 'wrong number of arguments, a missing keyword argument, or a bad argument value',
  IndexError: 'an index is outside the bounds of an array',
  DivisionByZero: 'integer modulo by zero',
  IntegerOverflow: 'an integer result is outside the 48-bit range',
  MethodNotFound: 'the receiver has no method of that name',
  AssertionFailed: 'an assert condition was false',
  ContractViolation: 'a ^pre or ^post condition of a function or method was false',
  ControlFlowError: 'break or continue outside a loop',
  StackOverflow: 'the call depth limit was exceeded',
  OutOfMemory: 'a String or Array would grow past the size limit of the implementation',
  AsyncTimeout: 'an await, join or recv with ^timeout did not finish in time',
  ThreadPoolExhausted: 'every worker slot is in use',
  ThreadInvalid: 'the thread handle is stale, or the operation cannot apply to that thread',
  NotSendable: 'a value that cannot be copied to another thread was sent or captured',
  ChannelFull: "the receiver's mailbox is at capacity",
  ThreadExited: 'the thread ended before replying',
  ThreadTerminated: 'the thread was terminated before replying',
  ThreadCrashed: 'the worker hosting the thread died',
  Deadlock: 'a wait that nothing can ever complete',
  InternalError: 'a bug in the implementation ("cannot happen")',
} as const;

export type ErrorKind = keyof typeof ERROR_KINDS;

export const ROOT_ERROR_CLASS = new GClass('GeneException', null);
setErrorRootClass(ROOT_ERROR_CLASS);

export const ERROR_CLASSES: ReadonlyMap<ErrorKind, GClass> = new Map(
  (Object.keys(ERROR_KINDS) as ErrorKind[]).map((k) => [
    k,
    k === 'GeneException' ? ROOT_ERROR_CLASS : new GClass(k, ROOT_ERROR_CLASS),
  ]),
);

export function isErrorKind(name: string): name is ErrorKind {
  return Object.prototype.hasOwnProperty.call(ERROR_KINDS, name);
}

/**
 * A Gene exception in flight through JavaScript code (natives, the VM's unwinder).
 * `value` is what Gene code sees in `catch`: an error instance, or any thrown plain value.
 */
export class GeneThrow extends Error {
  constructor(
    readonly value: Value,
    public loc?: Loc,
  ) {
    // A Gene error carries its Gene trace, never the host's: capturing the JavaScript stack was
    // most of the cost of a caught Gene error (a sender retrying on ChannelFull spent ~40% of its
    // time there). Internal errors keep theirs.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super();
    Error.stackTraceLimit = limit;
    // The message is made when read: for a thrown plain value it prints the whole value, which
    // was most of the cost of throwing (and catching) a 100,000-deep one.
    Object.defineProperty(this, 'message', { get: () => describeThrown(this.value), configurable: true });
  }
}

/** A runtime error object: an instance of the kind's class with `kind` and `message`. */
export function makeErrorValue(kind: ErrorKind, message: string, extra?: Record<string, Value>): GInstance {
  const props = new Map<string, Value>([
    ['kind', str(kind)],
    ['message', str(message)],
  ]);
  if (extra) for (const [k, v] of Object.entries(extra)) props.set(k, v);
  return new GInstance(ERROR_CLASSES.get(kind)!, props);
}

export function geneError(kind: ErrorKind, message: string, extra?: Record<string, Value>): GeneThrow {
  return new GeneThrow(makeErrorValue(kind, message, extra));
}

/** The kind of a thrown value: its error kind, or GeneException for a thrown plain value. */
export function kindOf(v: Value): ErrorKind {
  if (v instanceof GInstance) {
    const k = v.props.get('kind');
    if (k instanceof GString && isErrorKind(k.s)) return k.s;
  }
  return 'GeneException';
}

export function messageOf(v: Value): string {
  if (v instanceof GInstance) {
    const m = v.props.get('message');
    if (m instanceof GString) return m.s;
  }
  return repr(v);
}

export function describeThrown(v: Value): string {
  return `${kindOf(v)}: ${messageOf(v)}`;
}

/** A parse error raised by the reader: always carries file:line:col and what was expected. */
export class ParseError extends Error {
  constructor(
    readonly detail: string,
    readonly loc: Loc,
  ) {
    super(`${loc.file}:${loc.line}:${loc.col}: ${detail}`);
  }
}

/** A compile error: a well-formed form that is not a valid program. */
export class CompileError extends Error {
  constructor(
    readonly detail: string,
    readonly loc?: Loc,
  ) {
    super(loc ? `${loc.file}:${loc.line}:${loc.col}: ${detail}` : detail);
  }
}

/** A "cannot happen" condition inside the implementation. */
export class InternalError extends Error {}

export function formatLoc(loc: Loc | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.col}` : '<unknown>';
}
