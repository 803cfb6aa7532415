// Thread forms (THR-SPAWN, THR-MSG, THR-JOIN): spawn bodies are compiled on the spawning
// thread (THR-SPAWN.2) and their free variables captured by copy (THR-SPAWN.4).
import { GGene, GMap, Value } from '../values/values.js';
import { isSpread, type FormCompiler } from './form-compiler.js';
import { Op } from '../bytecode/opcodes.js';
import type { SpawnSpec } from '../values/values.js';

export const SPAWN_RETURNS_FUTURE = 1;

/**
 * THR-SPAWN.1: `(spawn [^^return] [^args {…}] body…)`, `(spawn_return body…)`. THR-SPAWN.2: the
 * body is compiled here, on the spawning thread. THR-SPAWN.3: `^args`. THR-SPAWN.4: the free
 * variables to capture.
 */
export function compileSpawn(c: FormCompiler, g: GGene, spawnReturn: boolean): void {
  const fn = c.fn;
  if (g.children.length === 0) c.fail('spawn expects at least 1 argument', g);
  const ret = g.props.get('return');
  const returnsFuture = spawnReturn || ret === true || (ret !== undefined && ret !== false && ret !== null);
  const args = g.props.get('args');
  if (args !== undefined && !(args instanceof GMap)) c.fail('spawn ^args expects a map literal {^name value …}', g);
  for (const k of g.props.keys()) {
    if (k !== 'return' && k !== 'args') c.fail(`spawn does not take ^${k}`, g);
  }
  // THR-SPAWN.2: compile the body here; the worker never sees source.
  const body = c.compileSeparateModule(g.children, '<thread body>', g.loc);
  const argNames = args ? [...args.entries.keys()] : [];
  // THR-SPAWN.4: free names of the body, minus what it gets from ^args.
  const free = body.globalNames.filter((n) => !argNames.includes(n));
  const lexical: string[] = [];
  const moduleNames: string[] = [];
  for (const name of free) {
    if (name.startsWith('$')) continue;
    const ref = fn.resolve(name);
    if (ref.kind === 'global') moduleNames.push(name);
    else lexical.push(name);
  }
  // ^args values are evaluated in the spawner, then lexical captures, in order.
  if (args) for (const v of args.entries.values()) c.compileExpr(v);
  for (const name of lexical) fn.emitLoad(fn.resolve(name));
  const pushed = [...argNames, ...lexical];
  const spec: SpawnSpec = { kind: 'spawn', body, pushedNames: pushed, moduleNames };
  fn.emit(Op.SpawnThread, fn.constant(spec), pushed.length, returnsFuture ? SPAWN_RETURNS_FUTURE : 0);
}

/**
 * `.send`, `.send_expect_reply` and `.join` compile to their thread instructions (THR-API.3);
 * the receiver is already on the stack. Returns false to fall back to a plain method call.
 */
export function compileThreadMethod(c: FormCompiler, method: string, g: GGene, args: Value[]): boolean {
  const fn = c.fn;
  if (args.some(isSpread)) return false;
  if (method === 'send' || method === 'send_expect_reply') {
    const extraProps = [...g.props.keys()].filter((k) => k !== 'reply');
    if (args.length !== 1 || extraProps.length > 0) return false;
    const reply = method === 'send_expect_reply' || g.props.get('reply') === true;
    c.compileExpr(args[0]!);
    fn.emit(Op.SendMessage, reply ? 1 : 0);
    return true;
  }
  if (method === 'join') {
    const timeout = g.props.get('timeout');
    if (args.length > 0 || [...g.props.keys()].some((k) => k !== 'timeout')) return false;
    if (timeout !== undefined) c.compileExpr(timeout);
    fn.emit(Op.ThreadJoin, timeout !== undefined ? 1 : 0);
    return true;
  }
  return false;
}
