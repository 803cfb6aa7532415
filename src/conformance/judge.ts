// Judging one run against its case (Host contract §6; gene-core §10):
//   1. the implementation ran, ended by itself in time, and was not killed by a signal;
//   2. its exit status is the expected one (`# ExitCode:`, else 1 with `## error:`, else 0);
//   3. with `## error: Kind`, the output holds an uncaught-error line of that kind;
//   4. with `# Expected:` lines, the output (minus that error line) equals them, whitespace-insensitively.

import type { ConformanceCase } from './case-file.js';
import { diffLines, normalizeActual, normalizeExpected, outputLines, sameLines } from './compare.js';
import type { RunOutcome } from './exec.js';
import type { Failure, FailureType } from './results.js';

/**
 * `Error: <Kind> at <file>:<line>:<col>: <message>`, or without the location. Lines are already
 * normalised. For GeneException (a thrown plain value) upstream's spelling `Gene exception` also counts.
 */
export function errorLinePattern(kind: string): RegExp {
  const escaped = kind.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const name = kind === 'GeneException' ? `(?:${escaped}|Gene exception)` : escaped;
  return new RegExp(`^Error: ${name}(?: at \\S.*?:\\d+:\\d+)?(?::.*)?$`);
}

function exitProblem(c: ConformanceCase, outcome: RunOutcome): { text: string; type: FailureType } | undefined {
  if (outcome.exitCode === c.exitCode) return undefined;
  const code = outcome.exitCode;
  // Host contract §2: 0 = ok, 1 = uncaught error, anything else = the implementation crashed.
  if (code !== 0 && code !== 1) return { text: `crashed (exit code ${code}), expected exit code ${c.exitCode}`, type: 'crash' };
  return { text: `exit code ${code}, expected ${c.exitCode}`, type: 'fail' };
}

export interface JudgeContext {
  timeoutMs: number;
  maxOutputBytes: number;
}

/** Undefined when the run passes; otherwise what went wrong. */
export function judgeRun(c: ConformanceCase, outcome: RunOutcome, context: JudgeContext): Failure | undefined {
  let actualLines = normalizeActual(outputLines(outcome.output));
  const expectedLines = c.expected === undefined ? undefined : normalizeExpected(c.expected);
  const problems: string[] = [];
  let type: FailureType = 'fail';

  // Step 1: the run itself.
  if (outcome.spawnError !== undefined) {
    problems.push(`cannot start the implementation: ${outcome.spawnError}`);
    type = 'crash';
  } else if (outcome.timedOut) {
    problems.push(`timeout (${formatSeconds(context.timeoutMs)}, class ${c.timeout})`);
    type = 'timeout';
  } else if (outcome.outputTooLarge) problems.push(`output limit exceeded (more than ${context.maxOutputBytes} bytes)`);
  else if (outcome.signal !== null) {
    problems.push(`crashed (${outcome.signal})`);
    type = 'crash';
  } else {
    // Step 2: exit status.
    const exit = exitProblem(c, outcome);
    if (exit !== undefined) {
      problems.push(exit.text);
      type = exit.type;
    }
  }

  // Step 3: the uncaught-error line, which is then left out of the output comparison.
  if (c.error !== undefined) {
    const pattern = errorLinePattern(c.error);
    const index = actualLines.findIndex((line) => pattern.test(line));
    if (index < 0) {
      const other = actualLines.find((line) => line.startsWith('Error: '));
      // After a crash or timeout a missing error line is no news; say only the first problem.
      if (problems.length === 0) {
        problems.push(`no uncaught-error line for ${c.error}${other === undefined ? '' : ` (got "${other}")`}`);
      }
    } else {
      actualLines = [...actualLines.slice(0, index), ...actualLines.slice(index + 1)];
    }
  }

  // Step 4: the output.
  let diff: string[] = [];
  if (expectedLines !== undefined && outcome.spawnError === undefined) {
    if (!sameLines(expectedLines, actualLines)) {
      diff = diffLines(expectedLines, actualLines);
      if (!outcome.timedOut && !outcome.outputTooLarge) problems.push('output differs');
    }
  }

  if (problems.length === 0) return undefined;
  return { type, reason: problems.join('; '), expectedLines, actualLines, diff };
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(s < 1 ? 3 : 1)} s`;
}
