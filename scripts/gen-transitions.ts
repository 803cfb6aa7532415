// Writes src/threads/protocol/transitions.generated.ts — the protocol's transitions as plain
// functions — from transitions.ts, where each is a generator that yields after every atomic
// operation so the tests can interleave them (test/protocol-interleavings.test.ts). Taking out the
// yields changes no atomic operation and no branch: the runtime runs exactly the steps the tests
// explored, without a generator object per transition. `npm run build` and vitest's global setup
// run it; test/protocol-interleavings.test.ts checks the file is current.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeGenerated } from './write-generated.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'threads', 'protocol');
export const SOURCE_FILE = join(DIR, 'transitions.ts');
export const GENERATED_FILE = join(DIR, 'transitions.generated.ts');

/** The plain-function form of the transitions source `text`. */
export function renderDirectTransitions(text: string): string {
  const body = text.slice(text.indexOf('\nimport ') + 1);
  const out = body
    .split('\n')
    // A step marker on a line of its own: `yield 'cas Free→Claimed';`
    .filter((line) => !/^\s*yield '[^']*';\s*$/.test(line))
    .join('\n')
    .replace(/^export function\* /gm, 'export function ')
    .replace(/\): Step<(.*)> \{$/gm, '): $1 {')
    .replace(/yield\* /g, '')
    .replace(', type Step }', ' }');
  const left = /\byield\b|Step<|function\*/.exec(out);
  if (left !== null) {
    const line = out.slice(0, left.index).split('\n').length;
    throw new Error(`gen-transitions: cannot take the yields out of transitions.ts (line ${line} of the output: '${left[0]}'); keep each yield on a line of its own`);
  }
  return [
    '// Generated from transitions.ts by scripts/gen-transitions.ts (run by `npm run build`); do not edit.',
    '// The same transitions without their yields: what the runtime runs (table.ts).',
    out,
  ].join('\n');
}

/** Rewrite the file when the source changed; returns whether it did. */
export function writeDirectTransitions(): boolean {
  return writeGenerated(GENERATED_FILE, renderDirectTransitions(readFileSync(SOURCE_FILE, 'utf8')));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) writeDirectTransitions();
