// Global builtins (gene-core §6) and the `gene/…` and `time/…` namespaces, installed into each
// VM's builtins namespace. Operators are bound names too (gene-core §3.1).
import { makeGenerator, NOT_FOUND, yieldValue } from './generators.js';
import type { NativeContext } from '../contract/host.js';
import { add, compare, div, mod, mul, neg, sub } from '../ops/arith.js';
import { allClasses, BUILTIN_CLASSES } from '../ops/classes.js';
import { codePoints } from '../ops/strings.js';
import { geneError } from '../values/errors.js';
import { durationMs } from '../ops/durations.js';
import { makeNone, makeVariant } from '../ops/variants.js';
import { installMath } from './math.js';
import { systemNamespace } from './system.js';
import { base64Functions } from './encoding.js';
import { settleFuture } from './futures.js';
import {
  GFloat, GFuture, GMap, GRange, GString, NativeFn, NativeImpl, ThreadHandle, ThreadMessageValue, Value, kindName, str, truthy, typeOf,
} from '../values/values.js';
import { equals } from '../values/equality.js';
import { display } from '../values/print.js';


function fold(name: string, f: (a: Value, b: Value) => Value, empty?: Value, one?: (a: Value) => Value): NativeImpl {
  return (args) => {
    if (args.length === 0) {
      if (empty === undefined) throw geneError('ArgumentError', `${name} needs at least one argument`);
      return empty;
    }
    if (args.length === 1 && one) return one(args[0]!);
    return args.reduce((a, b) => f(a, b));
  };
}

function binary(name: string, f: (a: Value, b: Value) => Value): NativeImpl {
  return (args) => {
    if (args.length !== 2) throw geneError('ArgumentError', `${name} requires exactly 2 arguments`);
    return f(args[0]!, args[1]!);
  };
}

type Define = (name: string, impl: NativeImpl) => void;

/** Every builtin of a VM, in its builtins namespace (shared parent of its module namespaces). */
export function installBuiltins(vm: NativeContext): void {
  const ns = vm.builtins;
  const def: Define = (name, impl) => ns.define(name, new NativeFn(name, impl));
  const io = installOutput(vm, def);
  installValueFunctions(def);
  installOperators(def);
  installMath(def);
  ns.define('system', systemNamespace());
  const threads = installTimeAndThreads(vm, def);
  installPreludeHooks(vm, def);
  for (const [name, cls] of allClasses()) ns.define(name, cls);
  ns.define('None', makeNone()); // LANG-VARIANT.1
  installNamespaces(vm, { ...io, ...threads });
}

function installOutput(vm: NativeContext, def: Define): { println: NativeImpl; print: NativeImpl } {
  const out = (fd: 1 | 2, args: Value[], nl: boolean) => {
    vm.host.write(fd, args.map(display).join(' ') + (nl ? '\n' : ''));
    return null;
  };

  const println: NativeImpl = (args) => out(1, args, true);
  const print: NativeImpl = (args) => out(1, args, false);
  def('println', println);
  def('print', print);
  def('eprintln', (args) => out(2, args, true));
  return { println, print };
}

function installValueFunctions(def: Define): void {
  def('assert', (args) => {
    if (truthy(args[0] ?? null)) return null;
    const msg = args[1];
    if (msg === undefined) throw geneError('AssertionFailed', 'Assertion failed');
    throw geneError('AssertionFailed', msg instanceof GString ? msg.s : `${display(msg)} is not a string.`);
  });

  def('typeof', (args) => str(typeOf(args[0] ?? null)));
  for (const name of ['Ok', 'Err', 'Some']) def(name, (args) => makeVariant(name, args[0] ?? null)); // LANG-VARIANT.1
  def('len', (args) => {
    const v = args[0] ?? null;
    if (Array.isArray(v)) return v.length;
    if (v instanceof GString) return codePoints(v).length;
    if (v instanceof GMap) return v.entries.size; // [rule] §5.4: entry count
    throw geneError('TypeError', `len expects an Array, String or Map, got ${kindName(v)}`);
  });
  def('range', (args) => {
    const [a, b, step] = args;
    if (typeof a !== 'number' || typeof b !== 'number' || (step !== undefined && typeof step !== 'number')) {
      throw geneError('TypeError', 'range expects Int arguments: (range start end [step])');
    }
    if (step === 0) throw geneError('ArgumentError', 'range step must not be 0');
    return new GRange(a, b, step ?? 1, step !== undefined);
  });
}

/** Operators as values: `(arr .reduce 0 +)`. */
function installOperators(def: Define): void {
  def('+', fold('+', add, 0));
  def('-', fold('-', sub, undefined, neg));
  def('*', fold('*', mul, 1));
  def('/', fold('/', div, undefined, (a) => div(1, a)));
  def('%', binary('%', mod));
  def('<', binary('<', (a, b) => compare(a, b, '<') < 0));
  def('<=', binary('<=', (a, b) => compare(a, b, '<=') <= 0));
  def('>', binary('>', (a, b) => compare(a, b, '>') > 0));
  def('>=', binary('>=', (a, b) => compare(a, b, '>=') >= 0));
  def('==', binary('==', (a, b) => equals(a, b)));
  def('!=', binary('!=', (a, b) => !equals(a, b)));
  def('&&', (args) => args.reduce((a, b) => (truthy(a) ? b : a), true as Value));
  def('||', (args) => args.reduce((a, b) => (truthy(a) ? a : b), false as Value));
}

type ThreadFunctions = Record<'sleep' | 'sleepAsync' | 'now' | 'nowUs' | 'keepAlive' | 'recv' | 'sendExpectReply', NativeImpl>;

/** Time and sleeping (gene-core §6), futures and threads (THR-API). */
function installTimeAndThreads(vm: NativeContext, def: Define): ThreadFunctions {
  const ns = vm.builtins;
  const sleep: NativeImpl = (args) => {
    const ms = durationMs(args[0], 'sleep');
    const f = vm.host.timer(vm, ms);
    return vm.suspend({ future: f, timeoutMs: null, what: 'sleep' });
  };
  def('sleep', sleep);
  const sleepAsync: NativeImpl = (args) => vm.host.timer(vm, durationMs(args[0], 'sleep_async'));
  const now: NativeImpl = () => new GFloat(Date.now() / 1000);
  // Upstream returns epochTime() * 1e6, a Float: microseconds since the epoch do not fit 48 bits.
  const nowUs: NativeImpl = () => new GFloat(Math.round((performance.timeOrigin + performance.now()) * 1000));

  // ---- futures and threads ----
  const newFn: NativeImpl = (args) => {
    const [cls, v] = args;
    if (cls === BUILTIN_CLASSES.Future) {
      const f = new GFuture();
      if (args.length > 1) settleFuture(vm, f, 'success', v ?? null);
      return f;
    }
    throw geneError('TypeError', `new expects a class that can be instantiated, got ${display(cls ?? null)}`);
  };
  def('new', newFn);
  const keepAlive: NativeImpl = (args) => {
    if (args.length > 0) return sleep(args, null);
    vm.host.keepAlive(vm);
    return null;
  };
  def('keep_alive', keepAlive);
  const recv: NativeImpl = (args, kw) => {
    const f = vm.host.recv(vm);
    const t = kw?.get('timeout');
    if (t !== undefined && f.state === 'pending') vm.host.timeoutFuture(vm, f, durationMs(t, 'recv ^timeout'));
    return f;
  };
  def('recv', recv);
  const sendExpectReply: NativeImpl = (args) => {
    const [t, payload] = args;
    if (!(t instanceof ThreadHandle)) throw geneError('TypeError', `send_expect_reply expects a Thread, got ${kindName(t ?? null)}`);
    return vm.host.send(vm, t, payload ?? null, true);
  };
  def('send_expect_reply', sendExpectReply);
  ns.define('thread', vm.host.currentThread());
  def('yield', yieldValue); // generators.md
  def('__generator', makeGenerator);
  ns.define('not_found', NOT_FOUND);
  ns.define('__is_main__', true); // modules.md#is-main: an imported module shadows it with false
  ns.define('main_thread', vm.host.mainThread());
  vm.dollar.set('thread', vm.host.currentThread());
  vm.dollar.set('main_thread', vm.host.mainThread());
  return { sleep, sleepAsync, now, nowUs, keepAlive, recv, sendExpectReply };
}

/** Prelude hooks (THR-MSG.3, THR-ERR.1). */
function installPreludeHooks(vm: NativeContext, def: Define): void {
  def('__auto_reply', ([msg]) => {
    if (msg instanceof ThreadMessageValue) vm.host.autoReply(vm, msg);
    return null;
  });
  def('__callback_failed', ([msg, ex]) => {
    if (msg instanceof ThreadMessageValue && msg.replyId !== 0 && !msg.replied) {
      vm.host.failReply(vm, msg, ex ?? null);
    } else vm.reportCallbackError(ex ?? null);
    return null;
  });
}

/** The read-only builtin namespaces `time` and `gene` (THR-RESET.1). */
function installNamespaces(vm: NativeContext, fns: ThreadFunctions & { println: NativeImpl; print: NativeImpl }): void {
  const ns = vm.builtins;
  const { println, print, sleep, sleepAsync, now, nowUs, keepAlive, recv, sendExpectReply } = fns;
  const nsMap = (name: string, entries: Record<string, Value>) => new GMap(new Map(Object.entries(entries)), name);
  const time = nsMap('time', { now: new NativeFn('time/now', now), now_us: new NativeFn('time/now_us', nowUs) });
  ns.define('time', time);
  ns.define(
    'gene',
    nsMap('gene', {
      println: new NativeFn('gene/println', println),
      print: new NativeFn('gene/print', print),
      assert: ns.lookup('assert')!.v,
      sleep: new NativeFn('gene/sleep', sleep),
      sleep_async: new NativeFn('gene/sleep_async', sleepAsync),
      time,
      Future: BUILTIN_CLASSES.Future,
      Thread: BUILTIN_CLASSES.Thread,
      ThreadMessage: BUILTIN_CLASSES.ThreadMessage,
      send_expect_reply: new NativeFn('gene/send_expect_reply', sendExpectReply),
      keep_alive: new NativeFn('gene/keep_alive', keepAlive),
      recv: new NativeFn('gene/recv', recv),
      typeof: ns.lookup('typeof')!.v,
      len: ns.lookup('len')!.v,
      ...base64Functions(), // LANG-BUILTIN.11
    }),
  );
}

