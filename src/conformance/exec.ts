// Running one case: spawn the implementation in its own process group, with stdout and stderr
// both pointing at the same temp file so the merged output keeps the exact write order (two pipes
// could be read in a different order than they were written). A timeout kills the whole group,
// so grandchildren the implementation started die too.

import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface RunRequest {
  /** argv: the implementation's words, then `run`, the case's args and its file name. */
  command: readonly string[];
  cwd: string;
  timeoutMs: number;
  /** Where the merged stdout+stderr goes (created or truncated). */
  outputFile: string;
  /** A runaway printer is killed once it has written this much. */
  maxOutputBytes: number;
  env: NodeJS.ProcessEnv;
}

export interface RunOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  outputTooLarge: boolean;
  /** The implementation could not be started at all (e.g. ENOENT). */
  spawnError?: string;
  /** Merged stdout+stderr, in write order (at most maxOutputBytes). */
  output: string;
  durationMs: number;
}

/** Process groups of children still running, so an interrupted run can kill them on its way out. */
const liveGroups = new Set<number>();

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Kills every implementation process this runner still has running (used on SIGINT and exit). */
export function killLiveGroups(): void {
  for (const pid of liveGroups) killGroup(pid);
  liveGroups.clear();
}

function readOutput(fd: number, maxBytes: number): string {
  const size = Math.min(fstatSync(fd).size, maxBytes);
  const buffer = Buffer.alloc(size);
  let offset = 0;
  while (offset < size) {
    const n = readSync(fd, buffer, offset, size - offset, offset);
    if (n === 0) break;
    offset += n;
  }
  return buffer.subarray(0, offset).toString('utf8');
}

/** How often the output file's size is checked against maxOutputBytes. */
const OUTPUT_CHECK_MS = 250;

export function runCase(request: RunRequest): Promise<RunOutcome> {
  const fd = openSync(request.outputFile, 'w+');
  const started = performance.now();
  return new Promise<RunOutcome>((resolve) => {
    let timedOut = false;
    let outputTooLarge = false;
    let settled = false;
    const [program, ...args] = request.command;
    const child = spawn(program!, args, {
      cwd: request.cwd,
      env: request.env,
      // detached: the child leads a new process group, which a timeout kills as a whole.
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    const pid = child.pid;
    if (pid !== undefined) liveGroups.add(pid);

    const timer = setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) killGroup(pid);
    }, request.timeoutMs);
    const sizeCheck = setInterval(() => {
      if (fstatSync(fd).size > request.maxOutputBytes) {
        outputTooLarge = true;
        if (pid !== undefined) killGroup(pid);
      }
    }, OUTPUT_CHECK_MS);

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(sizeCheck);
      if (pid !== undefined) {
        // The case is over: whatever it left running in its group goes too.
        killGroup(pid);
        liveGroups.delete(pid);
      }
      const output = readOutput(fd, request.maxOutputBytes);
      closeSync(fd);
      resolve({
        exitCode,
        signal,
        timedOut,
        outputTooLarge,
        spawnError,
        output,
        durationMs: performance.now() - started,
      });
    };
    child.once('error', (err) => finish(null, null, err.message));
    child.once('exit', (code, signal) => finish(code, signal));
  });
}
