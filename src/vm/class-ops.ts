// The class instructions (spec/language/classes.md): DefineClass, DefineMethod, New, CallSuper.
// The dispatch loop saves its state into the frame and `vm.sp` before New and CallSuper (they may
// push a frame) and reloads it after.
import { InternalError, geneError } from '../values/errors.js';
import { BUILTIN_CLASSES, allClasses } from '../ops/classes.js';
import { settleFuture } from '../runtime/futures.js';
import { GClass, GFunction, GFuture, GInstance, NativeFn, VOID, Value, kindName } from '../values/values.js';
import { display } from '../values/print.js';
import { FrameMode, type Frame } from './frame.js';
import type { Machine as VM } from './machine.js';

/** classes.md#class: a user class; without `< Parent` its parent is Object. */
export function defineClass(name: string, parent: Value | undefined): GClass {
  if (parent === undefined) return new GClass(name, BUILTIN_CLASSES.Object);
  if (!(parent instanceof GClass)) {
    throw geneError('TypeError', `class ${name} < expects a class, got ${kindName(parent)}`);
  }
  return new GClass(name, parent);
}

/** classes.md#methods: a later definition of the same name replaces the earlier one. */
export function defineMethod(cls: Value, fn: Value, name: string, isCtor: boolean): void {
  if (!(cls instanceof GClass) || !(fn instanceof GFunction)) throw new InternalError('DefineMethod needs a class and a function');
  fn.owner = cls;
  if (isCtor) cls.ctor = fn;
  else cls.methods.set(name, fn);
}

/** Call `fn` as a method: `self` sits in slot `receiverSlot`, its `argc` arguments above it. */
export function callAsMethod(vm: VM, fn: GFunction, receiverSlot: number, argc: number, kw: Map<string, Value> | null): void {
  vm.bindArguments(fn.unit, receiverSlot, argc + 1, kw);
  vm.pushFrame(fn, receiverSlot, receiverSlot, FrameMode.Normal);
}

/**
 * classes.md#new: [class a1..an] -> [instance]. The instance replaces the class on the stack and
 * is `self` of the constructor (the nearest one up the parent chain), whose value is `self`.
 */
export function newInstance(vm: VM, argc: number, kw: Map<string, Value> | null): void {
  const slot = vm.sp - argc - 1;
  const cls = vm.stack[slot]!;
  if (cls === BUILTIN_CLASSES.Future) {
    // gene-core §7: (new gene/Future) is pending, (new gene/Future v) already succeeded.
    const f = new GFuture();
    if (argc > 0) settleFuture(vm, f, 'success', vm.stack[slot + 1]!);
    vm.sp = slot;
    vm.stack[vm.sp++] = f;
    return;
  }
  if (!(cls instanceof GClass) || isBuiltinClass(cls)) {
    throw geneError('TypeError', `new expects a class that can be instantiated, got ${display(cls)}`);
  }
  const instance = new GInstance(cls);
  vm.stack[slot] = instance;
  const ctor = cls.findCtor();
  if (ctor === null) {
    if (argc > 0 || (kw !== null && kw.size > 0)) {
      throw geneError('ArgumentError', `${cls.name} has no ctor, so new takes no arguments (got ${argc})`);
    }
    vm.sp = slot + 1;
    return;
  }
  callAsMethod(vm, ctor, slot, argc, kw);
}

/** Builtin types and error kinds have no user constructor. */
let builtinClasses: ReadonlySet<GClass> | null = null;
function isBuiltinClass(cls: GClass): boolean {
  builtinClasses ??= new Set(allClasses().map(([, c]) => c));
  return builtinClasses.has(cls);
}

/**
 * classes.md#super: [self a1..an] -> [r]. The method is looked up from the parent of the class
 * that defines the running method, not from self's class, so overriding chains terminate.
 */
export function callSuper(vm: VM, frame: Frame, name: string, argc: number, kw: Map<string, Value> | null): void {
  const owner = frame.fn.owner;
  if (owner === null) throw geneError('TypeError', `super .${name} is only allowed directly inside a method or ctor`);
  const parent = owner.parent;
  const fn = parent === null ? undefined : name === 'ctor' ? parent.findCtor() ?? undefined : parent.findMethod(name);
  if (fn === undefined) {
    if (name === 'ctor') {
      vm.sp -= argc; // a parent without a constructor: super .ctor does nothing and yields self
      return;
    }
    throw geneError('MethodNotFound', `Method ${name} not found above class ${owner.name} (super .${name})`);
  }
  callAsMethod(vm, fn, vm.sp - argc - 1, argc, kw);
}

/** A call whose head is a path: a missing member is void; say which path, not just "VkVoid". */
export function checkCallable(callee: Value, path: string): void {
  if (callee instanceof GFunction || callee instanceof NativeFn || callee instanceof GInstance) return;
  if (callee === VOID) throw geneError('TypeError', `Cannot call ${path}: it is not defined (the path gives void)`);
  throw geneError('TypeError', `Cannot call ${path}: it is a value of type ${kindName(callee)}, not a function`);
}
