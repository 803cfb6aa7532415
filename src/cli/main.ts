// The `gene` command (gene-core §9): run, eval, repl, compile --disasm, spec, conformance.
import { readFileSync } from 'node:fs';
import { readSourceFile } from '../reader/source-file.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { disassemble } from '../bytecode/disasm.js';
import { DEFAULT_LIMITS, MAX_THREADS_CEILING, type Limits } from '../contract/limits.js';
import { exitOnInternalError } from '../hosts/internal-error.js';
import { compileSource, setProgramOptions, staticErrorLine } from './compile.js';
import { runProgram } from './run-program.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const D = DEFAULT_LIMITS;
const HELP = `gene — the Gene reference implementation (gene-ref)

Usage:
  gene run FILE [options]          run a program
  gene eval CODE [options]         run a program given on the command line
  gene repl                        read-eval-print loop
  gene compile --disasm FILE       show the bytecode of a program
  gene spec QUERY | --check | --matrix
                                   look up the spec: rules, scenarios and cases
  gene conformance [DIR...] [--impl "COMMAND"] [options]
                                   run the conformance suite (gene conformance --help)
  gene --help | --version

Options for run and eval:
  --max-threads N        worker slots (1..${MAX_THREADS_CEILING}, default ${D.maxThreads})            THR-POOL.1
  --channel-capacity N   undelivered messages per mailbox (default ${D.channelCapacity}) THR-CHAN.1
  --thread-memory-mb N   heap limit of each worker thread in MiB
  --max-call-depth N     Gene call depth before StackOverflow (default ${D.maxCallDepth})
  --contracts=on|off     check ^pre/^post conditions (default on)                  LANG-CONTRACT.3
  --no-gir-cache         accepted for compatibility with upstream's runner (no effect)

Environment:
  GENE_TRACE=threads     log spawns, slot changes and messages to stderr
  GENE_TRACE=vm          print each executed instruction and the stack to stderr
  GENE_TRACE=internal    add the JavaScript stack to an InternalError (a bug in gene-ref)

Exit status: 0 on success; 1 after an uncaught error, printed as one line
  Error: <Kind> at <file>:<line>:<col>: <message>
2 for a usage error; 70 for an internal error (a bug in gene-ref, never bad input)`;

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  return `gene-ref ${pkg.version} (Node ${process.version})`;
}

class UsageError extends Error {}

function intOption(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${name} expects a whole number from ${min} to ${max}, got ${value ?? 'nothing'}`);
  }
  return n;
}

/** Parse run/eval options; returns the limits and the remaining positional arguments. */
export function parseRunOptions(argv: string[]): { limits: Limits; rest: string[]; contracts: boolean } {
  const limits = { ...DEFAULT_LIMITS };
  let contracts = true;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--max-threads':
        limits.maxThreads = intOption(flag, value(), 1, MAX_THREADS_CEILING) as never;
        break;
      case '--channel-capacity':
        limits.channelCapacity = intOption(flag, value(), 1, 1_000_000) as never;
        break;
      case '--thread-memory-mb':
        limits.threadMemoryMb = intOption(flag, value(), 8, 65536) as never;
        break;
      case '--max-call-depth':
        limits.maxCallDepth = intOption(flag, value(), 10, 10_000_000) as never;
        break;
      case '--no-gir-cache':
        break;
      case '--contracts': {
        const v = value();
        if (v !== 'on' && v !== 'off') throw new UsageError(`--contracts expects on or off, got ${v ?? 'nothing'}`);
        contracts = v === 'on';
        break;
      }
      default:
        if (a.startsWith('--')) throw new UsageError(`unknown option ${a} (see gene --help)`);
        rest.push(a);
    }
  }
  return { limits: limits as Limits, rest, contracts };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(HELP + '\n');
      return 0;
    case '--version':
    case '-v':
    case 'version':
      process.stdout.write(version() + '\n');
      return 0;
    case 'run': {
      const { limits, rest, contracts } = parseRunOptions(args);
      setProgramOptions({ contracts });
      const file = rest[0];
      if (file === undefined) throw new UsageError('gene run needs a FILE');
      const source = readSourceFile(file);
      if (!source.ok) {
        process.stderr.write(`Error: ${source.error}\n`);
        return 1;
      }
      return runProgram(source.text, file, limits);
    }
    case 'eval': {
      const { limits, rest, contracts } = parseRunOptions(args);
      setProgramOptions({ contracts });
      if (rest.length === 0) throw new UsageError('gene eval needs CODE');
      return runProgram(rest.join(' '), '<eval>', limits);
    }
    case 'compile': {
      const file = args.find((a) => !a.startsWith('--'));
      if (!args.includes('--disasm') || file === undefined) throw new UsageError('usage: gene compile --disasm FILE');
      const source = readSourceFile(file);
      if (!source.ok) {
        process.stderr.write(`Error: ${source.error}\n`);
        return 1;
      }
      try {
        process.stdout.write(disassemble(compileSource(source.text, file)) + '\n');
        return 0;
      } catch (e) {
        const line = staticErrorLine(e);
        if (line === null) throw e;
        process.stderr.write(line + '\n');
        return 1;
      }
    }
    case 'repl': {
      const { startRepl } = await import('./repl.js');
      const { limits, contracts } = parseRunOptions(args);
      setProgramOptions({ contracts });
      return startRepl(limits);
    }
    case 'spec': {
      const { specMain } = await import('../spec/cli.js');
      return specMain(args);
    }
    case 'conformance': {
      const { conformanceMain } = await import('../conformance/cli.js');
      const { ruleTitles } = await import('../spec/matrix.js');
      // The HTML report names rules by their titles; conformance and spec sit on one layer, so the root wires them.
      return conformanceMain(args, { ruleTitles });
    }
    default:
      throw new UsageError(`unknown command ${command} (see gene --help)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`Error: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    // A bug in gene-ref, never bad input: one line (the JavaScript stack only under
    // GENE_TRACE=internal), then exit 70 at once, whatever is still running.
    exitOnInternalError(e instanceof Error ? e.message : String(e), e instanceof Error ? e.stack : undefined, 0);
  },
);
