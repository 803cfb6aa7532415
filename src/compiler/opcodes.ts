// The one instruction table (DESIGN §1): name, operands, stack effect and meaning of every
// instruction. The compiler emits from it, the VM's dispatch switch is keyed by it, and the
// disassembler prints from it. `effect` is the net change in operand-stack depth; `null` means
// the compiler computes it from the operands (calls, array building).

export type OperandKind =
  | 'const' // index into unit.consts
  | 'name' // index into unit.names (global / member / method names)
  | 'local' // local slot
  | 'upval' // index into the closure's captured cells
  | 'int' // immediate integer
  | 'jump' // absolute code offset
  | 'count'; // argument / element count

export interface OpInfo {
  readonly code: Op;
  readonly name: string;
  readonly operands: readonly OperandKind[];
  readonly effect: number | null;
  readonly doc: string;
}

function op(code: Op, name: string, operands: OperandKind[], effect: number | null, doc: string): OpInfo {
  return { code, name, operands, effect, doc };
}

/** Opcode numbers. A const enum so that the VM's `switch` compiles to a jump table. */
export const enum Op {
  Const,
  Str,
  Int,
  Nil,
  True,
  False,
  Pop,
  PopN,
  Dup,
  Swap,
  Over,
  LoadLocal,
  StoreLocal,
  NewCell,
  LoadCell,
  StoreCell,
  LoadUpval,
  StoreUpval,
  LoadGlobal,
  LoadGlobalOpt,
  StoreGlobal,
  DefineGlobal,
  LoadDollar,
  StoreDollar,
  LoadEx,
  Jump,
  JumpIfFalse,
  JumpIfTrue,
  AndJump,
  OrJump,
  Loop,
  CheckChannel,
  IterInit,
  IterNext,
  IterNext2,
  Return,
  Call,
  CallArgs,
  CallMethod,
  CallMethodArgs,
  Closure,
  BindDefault,
  Throw,
  TryBegin,
  TryEnd,
  EnterCatch,
  ExitCatch,
  Rethrow,
  IsInstance,
  ThrowError,
  Add,
  Sub,
  Mul,
  Div,
  Mod,
  Neg,
  Lt,
  Le,
  Gt,
  Ge,
  Eq,
  Ne,
  Not,
  AddInt,
  SubInt,
  LtInt,
  LeInt,
  GtInt,
  GeInt,
  MakeArray,
  ArrayPush,
  ArraySpread,
  MakeMap,
  MakeGene,
  MakeRange,
  Interpolate,
  GetMember,
  GetMemberVar,
  GetIndex,
  SetMember,
  SetMemberDyn,
  SetIndex,
  DestructIndex,
  DestructKey,
  FutureOk,
  FutureFail,
  Await,
  SpawnThread,
  SendMessage,
  ThreadJoin,
  DefineClass,
  DefineMethod,
  New,
  NewArgs,
  CallSuper,
  CallSuperArgs,
}

export const OPS: readonly OpInfo[] = [
  // ---- constants and the operand stack ----
  op(Op.Const, 'Const', ['const'], 1, 'push a constant'),
  op(Op.Str, 'Str', ['const'], 1, 'push a fresh copy of a string literal (strings are mutable)'),
  op(Op.Int, 'Int', ['int'], 1, 'push a small integer'),
  op(Op.Nil, 'Nil', [], 1, 'push nil'),
  op(Op.True, 'True', [], 1, 'push true'),
  op(Op.False, 'False', [], 1, 'push false'),
  op(Op.Pop, 'Pop', [], -1, 'discard the top of the stack'),
  op(Op.PopN, 'PopN', ['count'], null, 'discard n values'),
  op(Op.Dup, 'Dup', [], 1, 'duplicate the top of the stack'),
  op(Op.Swap, 'Swap', [], 0, 'swap the two top values'),
  op(Op.Over, 'Over', [], 1, 'push a copy of the value below the top'),

  // ---- variables (gene-core §3.1, §3.2) ----
  op(Op.LoadLocal, 'LoadLocal', ['local'], 1, 'push a local slot'),
  op(Op.StoreLocal, 'StoreLocal', ['local'], 0, 'store the top into a local slot (value stays)'),
  op(Op.NewCell, 'NewCell', ['local'], 0, 'give a captured local a fresh cell (scope entry)'),
  op(Op.LoadCell, 'LoadCell', ['local'], 1, 'push the value of a captured local'),
  op(Op.StoreCell, 'StoreCell', ['local'], 0, 'store the top into a captured local (value stays)'),
  op(Op.LoadUpval, 'LoadUpval', ['upval'], 1, "push a value captured by the running closure"),
  op(Op.StoreUpval, 'StoreUpval', ['upval'], 0, 'store the top into a captured variable (value stays)'),
  op(Op.LoadGlobal, 'LoadGlobal', ['name'], 1, 'push a module variable or builtin; UndefinedVariable if none'),
  op(Op.LoadGlobalOpt, 'LoadGlobalOpt', ['name'], 1, 'push a module variable, or void when none (path keys)'),
  op(Op.StoreGlobal, 'StoreGlobal', ['name'], 0, 'assign a module variable, creating it if absent (value stays)'),
  op(Op.DefineGlobal, 'DefineGlobal', ['name'], 0, 'declare a module variable (value stays)'),
  op(Op.LoadDollar, 'LoadDollar', ['name'], 1, 'push $name from the global namespace'),
  op(Op.StoreDollar, 'StoreDollar', ['name'], 0, 'store into $name (value stays)'),
  op(Op.LoadEx, 'LoadEx', [], 1, 'push $ex, the exception being handled (nil outside a catch)'),

  // ---- control flow ----
  op(Op.Jump, 'Jump', ['jump'], 0, 'jump'),
  op(Op.JumpIfFalse, 'JumpIfFalse', ['jump'], -1, 'pop; jump if falsy'),
  op(Op.JumpIfTrue, 'JumpIfTrue', ['jump'], -1, 'pop; jump if truthy'),
  op(Op.AndJump, 'AndJump', ['jump'], null, 'if the top is falsy jump keeping it, else pop it (&&)'),
  op(Op.OrJump, 'OrJump', ['jump'], null, 'if the top is truthy jump keeping it, else pop it (||)'),
  op(Op.Loop, 'Loop', ['jump'], 0, 'jump back to a loop head (a safepoint)'),
  op(Op.CheckChannel, 'CheckChannel', [], 0, "safepoint: look at this thread's mailbox every few checks (THR-CHAN.2)"),
  op(Op.IterInit, 'IterInit', [], 0, 'replace a collection with an iterator over it'),
  op(Op.IterNext, 'IterNext', ['jump'], 1, 'push the next element, or pop the iterator and jump when done'),
  op(Op.IterNext2, 'IterNext2', ['jump'], 2, 'push the next key/index and element, or pop the iterator and jump when done'),
  op(Op.Return, 'Return', [], -1, 'return the top of the stack from the current function'),

  // ---- calls and functions (gene-core §3.6) ----
  op(Op.Call, 'Call', ['count'], null, 'call callee with n positional arguments: [f a1..an] -> [r]'),
  op(Op.CallArgs, 'CallArgs', [], -2, 'call with an argument array and keyword map: [f args kw] -> [r]'),
  op(Op.CallMethod, 'CallMethod', ['name', 'count'], null, 'call a method: [obj a1..an] -> [r]'),
  op(Op.CallMethodArgs, 'CallMethodArgs', ['name'], -2, 'call a method with an argument array and keyword map: [obj args kw] -> [r]'),
  op(Op.Closure, 'Closure', ['const'], 1, 'make a function from a code unit, capturing cells'),
  op(Op.BindDefault, 'BindDefault', ['local', 'jump'], 0, 'jump over a default-value expression when the parameter was passed'),

  // ---- exceptions (gene-core §3.7) ----
  op(Op.Throw, 'Throw', [], -1, 'throw the top of the stack'),
  op(Op.TryBegin, 'TryBegin', ['jump'], 0, 'install a handler that jumps to the catch code'),
  op(Op.TryEnd, 'TryEnd', [], 0, 'remove the innermost handler'),
  op(Op.EnterCatch, 'EnterCatch', [], -1, 'pop the caught exception and make it $ex'),
  op(Op.ExitCatch, 'ExitCatch', [], 0, 'restore $ex to the outer exception'),
  op(Op.Rethrow, 'Rethrow', [], 0, 'throw $ex again, leaving its catch'),
  op(Op.IsInstance, 'IsInstance', [], -1, '[value class] -> [bool]: class check as in catch clauses and `is`'),
  op(Op.ThrowError, 'ThrowError', ['const', 'const'], 0, 'throw a runtime error of a kind with a message'),

  // ---- operators (gene-core §4) ----
  op(Op.Add, 'Add', [], -1, 'a + b'),
  op(Op.Sub, 'Sub', [], -1, 'a - b'),
  op(Op.Mul, 'Mul', [], -1, 'a * b'),
  op(Op.Div, 'Div', [], -1, 'a / b (always a Float)'),
  op(Op.Mod, 'Mod', [], -1, 'a % b (sign of the dividend)'),
  op(Op.Neg, 'Neg', [], 0, '-a'),
  op(Op.Lt, 'Lt', [], -1, 'a < b'),
  op(Op.Le, 'Le', [], -1, 'a <= b'),
  op(Op.Gt, 'Gt', [], -1, 'a > b'),
  op(Op.Ge, 'Ge', [], -1, 'a >= b'),
  op(Op.Eq, 'Eq', [], -1, 'a == b (structural, kind-strict)'),
  op(Op.Ne, 'Ne', [], -1, 'a != b'),
  op(Op.Not, 'Not', [], 0, 'not a (by truthiness)'),
  // Fused forms of `Int k` followed by an operator (a peephole in the emitter makes them).
  op(Op.AddInt, 'AddInt', ['int'], 0, 'a + k'),
  op(Op.SubInt, 'SubInt', ['int'], 0, 'a - k'),
  op(Op.LtInt, 'LtInt', ['int'], 0, 'a < k'),
  op(Op.LeInt, 'LeInt', ['int'], 0, 'a <= k'),
  op(Op.GtInt, 'GtInt', ['int'], 0, 'a > k'),
  op(Op.GeInt, 'GeInt', ['int'], 0, 'a >= k'),

  // ---- building values ----
  op(Op.MakeArray, 'MakeArray', ['count'], null, 'pop n values into a new array'),
  op(Op.ArrayPush, 'ArrayPush', [], -1, '[arr v] -> [arr] with v appended'),
  op(Op.ArraySpread, 'ArraySpread', [], -1, '[arr xs] -> [arr] with the elements of xs appended'),
  op(Op.MakeMap, 'MakeMap', ['const'], null, 'pop values for the keys listed in a constant into a new map'),
  op(Op.MakeGene, 'MakeGene', ['const', 'count'], null, '[type props-values.. children..] -> gene; constant lists prop keys'),
  op(Op.MakeRange, 'MakeRange', [], -1, '[a b] -> range a..b'),
  op(Op.Interpolate, 'Interpolate', ['count'], null, 'pop n parts and join them into a new String (#"…")'),

  // ---- paths (gene-core §5.1, §3.2) ----
  op(Op.GetMember, 'GetMember', ['name'], 0, 'obj/name: map key, gene prop, instance field; void when missing'),
  op(Op.GetMemberVar, 'GetMemberVar', ['name'], -1, "[obj var] -> obj/name, falling back to the local variable's value as key/index"),
  op(Op.GetIndex, 'GetIndex', ['int'], 0, 'obj/i: array or gene child; negative counts from the end'),
  op(Op.SetMember, 'SetMember', ['name'], -1, '[obj v] -> [v] obj/name = v'),
  op(Op.SetMemberDyn, 'SetMemberDyn', [], -2, '[obj key v] -> [v] obj/key = v'),
  op(Op.SetIndex, 'SetIndex', ['int'], -1, '[obj v] -> [v] obj/i = v'),
  op(Op.DestructIndex, 'DestructIndex', ['int'], 1, '[arr] -> [arr arr/i], nil when absent'),
  op(Op.DestructKey, 'DestructKey', ['name'], 1, '[map] -> [map map/name], nil when absent'),

  // ---- async (gene-core §7, THR-API.2) ----
  op(Op.FutureOk, 'FutureOk', [], 0, 'wrap the top in a Future that succeeded'),
  op(Op.FutureFail, 'FutureFail', [], 0, 'wrap the top (a thrown value) in a Future that failed'),
  op(Op.Await, 'Await', ['count'], null, 'await n futures (with a timeout in ms below them when count < 0)'),

  // ---- threads (THR-API.3) ----
  op(Op.SpawnThread, 'SpawnThread', ['const', 'count', 'int'], null, 'start a thread running a compiled body with n captured values; flag 1 = return a Future'),
  op(Op.SendMessage, 'SendMessage', ['int'], null, '[thread payload] -> [nil | Future]; flag 1 = expect a reply'),
  op(Op.ThreadJoin, 'ThreadJoin', ['int'], null, '[thread (timeout)] -> [nil]: wait until the thread has ended; flag 1 = with timeout'),

  // ---- classes (spec/language/classes.md) ----
  op(Op.DefineClass, 'DefineClass', ['name', 'int'], null, '[(parent)] -> [class]: a new class; flag 1 = a parent is on the stack'),
  op(Op.DefineMethod, 'DefineMethod', ['name', 'int'], -1, '[class fn] -> [class]: add a method; flag 1 = the constructor'),
  op(Op.New, 'New', ['count'], null, '[class a1..an] -> [instance]: make an instance and run its constructor'),
  op(Op.NewArgs, 'NewArgs', [], -2, '[class args kw] -> [instance]: new with an argument array and keyword map'),
  op(Op.CallSuper, 'CallSuper', ['name', 'count'], null, "[self a1..an] -> [r]: call the defining class's parent's method"),
  op(Op.CallSuperArgs, 'CallSuperArgs', ['name'], -2, '[self args kw] -> [r]: super call with an argument array and keyword map'),
];

// The table and the enum must agree entry for entry.
OPS.forEach((o, i) => {
  if (o.code !== i) throw new Error(`opcode table out of order at ${o.name}`);
});

export function opInfo(code: number): OpInfo {
  return OPS[code]!;
}

/** Width of an instruction in code words (opcode + operands). */
export function opWidth(code: number): number {
  return 1 + OPS[code]!.operands.length;
}
