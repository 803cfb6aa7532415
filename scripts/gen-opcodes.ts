// Writes src/bytecode/op.generated.ts — the `Op` enum — from the instruction table
// (src/bytecode/instruction-set.ts). `npm run build` and vitest's global setup run it. A const
// enum cannot be computed from a table in TypeScript, and the dispatch `switch` needs one: tsc
// inlines its members as number literals, which V8 turns into a jump table.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeGenerated } from './write-generated.js';
import { INSTRUCTION_SET } from '../src/bytecode/instruction-set.js';

export const GENERATED_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bytecode', 'op.generated.ts');

/** The text of op.generated.ts for the current table. */
export function renderOpEnum(): string {
  const members = Object.keys(INSTRUCTION_SET).map((name, code) => `  ${name} = ${code},`);
  return [
    '// Generated from instruction-set.ts by scripts/gen-opcodes.ts (run by `npm run build`); do not edit.',
    '',
    '/** Opcode numbers, in the order of the instruction table. */',
    'export const enum Op {',
    ...members,
    '}',
    '',
  ].join('\n');
}

/** Rewrite the file when the table changed; returns whether it did. */
export function writeOpEnum(): boolean {
  return writeGenerated(GENERATED_FILE, renderOpEnum());
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) writeOpEnum();
