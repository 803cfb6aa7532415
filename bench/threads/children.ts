// Child processes for the thread benchmarks: Gene programs (`node bin/gene.js run …`) and the
// raw-JS child (bench/threads/raw-child.js) for figures that need a fresh process (cold start,
// RSS). Both run on plain `node`, never through tsx, so neither pays a TypeScript loader.
// Every child is killed on timeout and when this process exits; none outlives the run.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');
export const PROGRAMS = join(ROOT, 'bench', 'programs');
const GENE = join(ROOT, 'bin', 'gene.js');
const RAW_CHILD = join(here, 'raw-child.js');

export type Params = Record<string, string | number | boolean>;
export type OnLine = (line: string, child: ChildProcess) => void;

export interface ChildResult {
  lines: string[];
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  pid: number | undefined;
}

const live = new Set<ChildProcess>();
let tmp: string | undefined;
let serial = 0;
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/**
 * The path of bench/programs/NAME.gene with its parameters set. A parameter is a top-level line
 * `(var NAME VALUE)  # bench-param`; the file runs as is with its defaults, and the harness writes
 * a copy with other values to a temporary directory.
 */
export function programPath(name: string, params: Params = {}): string {
  const file = join(PROGRAMS, `${name}.gene`);
  if (Object.keys(params).length === 0) return file;
  let text = readFileSync(file, 'utf8');
  for (const [k, v] of Object.entries(params)) {
    const re = new RegExp(`^\\(var ${k} [^)]*\\)(\\s*# bench-param)`, 'm');
    if (!re.test(text)) throw new Error(`${name}.gene has no bench-param ${k}`);
    text = text.replace(re, `(var ${k} ${v})$1`);
  }
  tmp ??= mkdtempSync(join(tmpdir(), 'gene-bench-'));
  const out = join(tmp, `${name}-${++serial}.gene`);
  writeFileSync(out, text);
  return out;
}

interface ChildOptions {
  timeoutMs?: number;
  onLine?: OnLine;
  env?: NodeJS.ProcessEnv;
}

/**
 * Run `node ARGS…`; resolves with its stdout lines, stderr, exit code and wall time (ms).
 * onLine(line, child) sees each stdout line as it arrives (e.g. to sample /proc/<pid>/status).
 * A child still running after timeoutMs is killed and the promise rejects.
 */
export function runChild(args: string[], { timeoutMs = 60_000, onLine, env }: ChildOptions = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // Plain node: no tsx loader in the children (process.execArgv is the harness's, not theirs).
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    live.add(child);
    const lines: string[] = [];
    let stderr = '';
    let partial = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      partial += chunk;
      let i;
      while ((i = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, i);
        partial = partial.slice(i + 1);
        lines.push(line);
        if (onLine) {
          try {
            onLine(line, child);
          } catch (e) {
            child.kill('SIGKILL');
            reject(e);
          }
        }
      }
    });
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 20_000) stderr += chunk;
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      live.delete(child);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      if (partial) lines.push(partial);
      const ms = performance.now() - t0;
      if (timedOut) {
        reject(new Error(`${args.slice(0, 3).join(' ')} timed out after ${timeoutMs} ms; stdout: ${lines.slice(-3).join(' | ').slice(0, 300)}; stderr: ${stderr.slice(0, 500)}`));
      } else resolve({ lines, stderr, code, signal, ms, pid: child.pid });
    });
  });
}

interface GeneOptions extends ChildOptions {
  flags?: string[];
  allowKill?: boolean;
}

/** Run bench/programs/NAME.gene with params and gene flags; rejects if it fails. */
export async function runGene(name: string, params: Params = {}, { flags = [], allowKill = false, ...rest }: GeneOptions = {}): Promise<ChildResult> {
  const r = await runChild([GENE, 'run', programPath(name, params), ...flags], rest);
  if (r.code !== 0 && !(allowKill && r.signal)) {
    throw new Error(`gene run ${name}.gene exited with ${r.code ?? r.signal}: ${r.stderr.trim().slice(0, 500) || r.lines.join(' | ').slice(0, 300)}`);
  }
  return r;
}

/** Run bench/threads/raw-child.js MODE ...args (plain worker_threads in a fresh process). */
export async function runRawChild(mode: string, args: (string | number)[] = [], { allowKill = false, ...rest }: GeneOptions = {}): Promise<ChildResult> {
  const r = await runChild([RAW_CHILD, mode, ...args.map(String)], rest);
  if (r.code !== 0 && !(allowKill && r.signal)) throw new Error(`raw-child ${mode} exited with ${r.code ?? r.signal}: ${r.stderr.slice(0, 500)}`);
  return r;
}

/**
 * Lines `tag n1 n2 …` → { tag: [[n1, n2, …], …] }. Lines whose first word is not followed only by
 * numbers are ignored (a program may print other things).
 */
export function parseTagged(lines: readonly string[]): Record<string, number[][]> {
  const out: Record<string, number[][]> = {};
  for (const line of lines) {
    const words = line.trim().split(/\s+/);
    if (words.length < 2) continue;
    const nums = words.slice(1).map(Number);
    if (nums.some((n) => !Number.isFinite(n))) continue;
    (out[words[0]!] ??= []).push(nums);
  }
  return out;
}

/** Every `tag` line's numbers; throws naming the program output when there is none. */
export function tagged(r: ChildResult, tag: string): number[][] {
  const rows = parseTagged(r.lines)[tag];
  if (!rows) throw new Error(`no "${tag}" line in output: ${r.lines.join(' | ').slice(0, 300)} ${r.stderr.slice(0, 300)}`);
  return rows;
}

/** VmRSS (bytes) and thread count of a live process, from /proc/<pid>/status. */
export function procStatus(pid: number): { rss: number; threads: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)\s+kB/.exec(s)?.[1] ?? NaN) * 1024;
  const threads = Number(/Threads:\s+(\d+)/.exec(s)?.[1] ?? NaN);
  return { rss, threads };
}
