// `gene repl`: line editing (node:readline), multi-line forms, prints each result.
import * as readline from 'node:readline';
import { readAll } from '../reader/reader.js';
import { Compiler } from '../compiler/compiler.js';
import { ParseError } from '../values/errors.js';
import { Namespace } from '../values/values.js';
import { repr } from '../values/print.js';
import { drive } from '../hosts/driver.js';
import type { Limits } from '../contract/limits.js';
import { MainThreadHost } from '../threads/main-host.js';
import { traceEnabled } from '../threads/output.js';
import { settleFuture } from '../runtime/futures.js';
import { geneError } from '../values/errors.js';
import type { VM } from '../vm/vm.js';
import { InterruptibleVM, Interrupted, withCtrlC } from './repl-interrupt.js';
import { errorLine, staticErrorLine } from './compile.js';

/** True when the text ends inside an unfinished form (so the REPL asks for more lines). */
function incomplete(text: string): boolean {
  try {
    readAll(text, '<repl>');
    return false;
  } catch (e) {
    return e instanceof ParseError && /end of (file|input)/.test(e.detail);
  }
}

export async function startRepl(limits: Limits): Promise<number> {
  // Threads work in the REPL too: one thread host for the session, one module namespace.
  const host = new MainThreadHost(limits, { trace: traceEnabled(), warm: 0 });
  const vm = new InterruptibleVM(host, limits);
  host.bind(vm);
  const module = new Namespace(vm.builtins);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: 'gene> ' });
  let buffer = '';
  // Ctrl-C at the prompt drops the line being typed (an evaluation replaces this listener's job
  // with its own, see repl-interrupt.ts); without a listener readline would pause the input.
  rl.on('SIGINT', () => {
    if (rl.listenerCount('SIGINT') > 1) return;
    buffer = '';
    rl.write(null, { ctrl: true, name: 'u' });
    process.stdout.write('\n(To exit, press Ctrl-D)\n');
    rl.setPrompt('gene> ');
    rl.prompt();
  });
  process.stdout.write('Gene REPL (gene-ref). Ctrl-D to exit.\n');
  rl.prompt();
  for await (const line of rl) {
    buffer += (buffer ? '\n' : '') + line;
    if (buffer.trim() === '') {
      rl.prompt();
      continue;
    }
    if (incomplete(buffer)) {
      rl.setPrompt('  ... ');
      rl.prompt();
      continue;
    }
    const text = buffer;
    buffer = '';
    rl.setPrompt('gene> ');
    try {
      const unit = new Compiler('<repl>').compileModule(readAll(text, '<repl>'));
      vm.load(unit, module);
      const r = await withCtrlC(rl, () => drive(vm, vm.run(), host), () => interruptWait(vm));
      if (r.kind === 'error') process.stdout.write(errorLine(r.value, r.loc) + '\n');
      else if (r.kind === 'done') process.stdout.write(repr(r.value) + '\n');
    } catch (e) {
      if (e instanceof Interrupted) {
        vm.reset(); // drop the stopped frames; `module` (the session) is kept
        process.stdout.write(`Error: ${e.message}\n`);
      } else {
        const msg = staticErrorLine(e);
        if (msg === null) throw e;
        process.stdout.write(msg + '\n');
      }
    }
    rl.prompt();
  }
  process.stdout.write('\n');
  // THR-LIFE.4: leaving the REPL ends the program: wait for threads, stop workers.
  await host.finish({ kind: 'done', value: null });
  return 0;
}

/** Ctrl-C while the evaluation awaits: fail what it waits for, so the evaluation ends now. */
function interruptWait(vm: VM): void {
  const wait = vm.wait;
  if (wait !== null && wait.future.state === 'pending') {
    settleFuture(vm, wait.future, 'failure', geneError('GeneException', 'Interrupted (Ctrl-C) while waiting').value);
  }
}
