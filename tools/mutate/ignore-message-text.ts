// A Stryker ignorer: mutants inside the wording of an error message or a debug trace line, and in
// the step names the protocol's transitions yield, are not generated. Conformance cases match
// error kinds and stable prefixes, never gene-ref's wording (HOST-CONTRACT §3), so a changed
// message is not a wrong result; the few texts the spec fixes (the `^args` hint, NotSendable's
// location, the crash line) are checked by cases all the same.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';
import type { NodePath } from '@stryker-mutator/api/ignore';

/** The part of Babel's NodePath this needs. */
interface Path {
  node: object;
  parentPath: Path | null;
  isCallExpression(): boolean;
}

/** Calls whose argument at the index given is message text. */
const MESSAGE_ARGUMENT: Record<string, number> = { geneError: 1, makeErrorValue: 1, trace: 0 };

function calleeName(callee: { type: string; name?: string; property?: { type: string; name?: string } }): string | undefined {
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression' && callee.property?.type === 'Identifier') return callee.property.name;
  return undefined;
}

export function messageTextReason(start: NodePath): string | undefined {
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
