// A Stryker ignorer: mutants inside the wording of an error message or a debug trace line, and in
// the step names the protocol's transitions yield, are not generated. Conformance cases match
// error kinds and stable prefixes, never gene-ref's wording (HOST-CONTRACT §3), so a changed
// message is not a wrong result; the few texts the spec fixes (the `^args` hint, NotSendable's
// location, the crash line) are checked by cases all the same.
//
// Also not generated: mutants of a trace guard, `if (this.tracing) this.trace(…)` (or a block of
// such calls and `const` declarations, nothing else, no `else`). `this.trace` checks the flag
// itself (host-base.ts), so with tracing off `→ true` only evaluates a trace line's text, and with
// tracing on `→ false` or `{}` only leaves a trace line out: such a mutant changes nothing but
// GENE_TRACE's debug output, which is gene-ref's and no rule (the guard exists to skip building the
// text). A `const` in such a block is used only by its trace lines (block scope); its initializer
// must only read: reviewed at each guard (docs/conformance-strength.md, sixth session, lists them).
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';
import type { NodePath } from '@stryker-mutator/api/ignore';

/** The part of Babel's NodePath this needs. */
interface Path {
  node: object;
  parent?: object;
  parentPath: Path | null;
  isCallExpression(): boolean;
}

/** Calls whose argument at the index given is message text. */
export const MESSAGE_ARGUMENT: Record<string, number> = {
  geneError: 1,
  makeErrorValue: 1,
  trace: 0,
  // host-requests.ts: failRequest(to, rid, kind, message) passes message to makeErrorValue.
  failRequest: 3,
  // remote-errors.ts: endedError(id, reason, spawnReturn) uses spawnReturn only to word the message.
  endedError: 2,
  // thread-host.ts: staleError(what) puts what into a ThreadInvalid message.
  staleError: 0,
};

function calleeName(callee: { type: string; name?: string; property?: { type: string; name?: string } }): string | undefined {
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression' && callee.property?.type === 'Identifier') return callee.property.name;
  return undefined;
}

/**
 * Functions whose result is only wording: every mutant in their body is. Each name is unique in
 * src/, and test/mutate-runner.test.ts checks that every call is where the doc says.
 */
export const WORDING_FUNCTIONS: Record<string, string> = {
  // host-base.ts: its text goes only to DeadlockWatch.block, which writes it into the Deadlock report.
  describeWait: 'the text of a wait in the Deadlock report (cases match the kind)',
  // host-requests.ts: called only inside trace guards.
  encodedSize: 'a size printed only by GENE_TRACE',
};

type Node = { type: string; [k: string]: unknown };

function isThisMember(n: Node | undefined, name: string): boolean {
  const p = n?.property as Node | undefined;
  return n?.type === 'MemberExpression' && (n.object as Node).type === 'ThisExpression' && p?.type === 'Identifier' && p.name === name && n.computed !== true;
}

/** `this.trace(…);` */
function isTraceCall(st: Node): boolean {
  const e = st.expression as Node | undefined;
  return st.type === 'ExpressionStatement' && e?.type === 'CallExpression' && isThisMember(e.callee as Node, 'trace');
}

/** `if (this.tracing) <this.trace(…) calls and const declarations>` with no `else` (see the top of this file). */
export function isTraceGuard(node: object): boolean {
  const n = node as Node;
  if (n.type !== 'IfStatement' || n.alternate != null || !isThisMember(n.test as Node, 'tracing')) return false;
  const body = n.consequent as Node;
  const statements = body.type === 'BlockStatement' ? (body.body as Node[]) : [body];
  return statements.some(isTraceCall) && statements.every((st) => isTraceCall(st) || (st.type === 'VariableDeclaration' && st.kind === 'const'));
}

export function messageTextReason(start: NodePath): string | undefined {
  const fn = (start as unknown as Path).node as Node;
  const fnName = ((fn.type === 'ClassMethod' ? fn.key : fn.type === 'FunctionDeclaration' ? fn.id : undefined) as Node | undefined)?.name;
  if (typeof fnName === 'string' && Object.hasOwn(WORDING_FUNCTIONS, fnName)) return `wording only: ${WORDING_FUNCTIONS[fnName]}`;
  if (isTraceGuard(fn)) {
    return 'trace guard: changes only GENE_TRACE debug output (this.trace checks the flag itself)';
  }
  // The protocol's transitions yield the name of each atomic step (protocol/transitions.ts); only
  // the interleaving tests' scheduler reads it, as a label. `run` drops it.
  const here = start as unknown as Path;
  const node = here.node as { type: string };
  const parent = here.parentPath?.node as { type: string; delegate?: boolean } | undefined;
  if (node.type === 'StringLiteral' && parent?.type === 'YieldExpression' && !parent.delegate) {
    return 'name of an atomic step (a label for the interleaving tests; the runtime drops it)';
  }
  for (let p = start as unknown as Path; p.parentPath; p = p.parentPath) {
    const parent = p.parentPath;
    if (!parent.isCallExpression()) continue;
    const call = parent.node as { callee: Parameters<typeof calleeName>[0]; arguments: object[] };
    const name = calleeName(call.callee);
    if (name !== undefined && MESSAGE_ARGUMENT[name] === call.arguments.indexOf(p.node)) {
      return `wording of a ${name === 'trace' ? 'debug trace line' : 'error message'} (cases match kinds, not wording)`;
    }
  }
  return undefined;
}

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'gene-message-text', { shouldIgnore: messageTextReason })];
