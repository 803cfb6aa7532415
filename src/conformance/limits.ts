// Implementation limits (pool size, mailbox capacity, call depth) are not assumptions of the
// suite: each host declares them in a limits record (JSON), and a case that needs more than the
// host declares says so with `## requires:` and is skipped with the reason.

import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';

/** A host's declared limits: `{"max_threads": 64, "channel_capacity": 1000, …}`. */
export type LimitsRecord = Readonly<Record<string, number | boolean>>;

export type Comparison = '>=' | '<=' | '>' | '<' | '==' | '!=';

/** One clause of `## requires:`: `name OP number`, or a bare `name` (declared and truthy). */
export type Requirement =
  | { kind: 'compare'; name: string; op: Comparison; value: number; text: string }
  | { kind: 'declared'; name: string; text: string };

const CLAUSE = /^([a-z_][a-z0-9_]*)(?:(>=|<=|==|!=|>|<)(-?\d+(?:\.\d+)?))?$/;

/** Parses `max_threads>=4 channel_capacity>=10` (clauses separated by spaces or commas). */
export function parseRequires(text: string): Requirement[] {
  const clauses = text.split(/[\s,]+/).filter(Boolean);
  return clauses.map((clause) => {
    const m = CLAUSE.exec(clause);
    if (!m) throw new Error(`"${clause}" is not "name", or "name OP number" with OP one of >= <= > < == !=`);
    const [, name, op, value] = m;
    if (op === undefined) return { kind: 'declared', name: name!, text: clause };
    return { kind: 'compare', name: name!, op: op as Comparison, value: Number(value), text: clause };
  });
}

function compare(actual: number, op: Comparison, wanted: number): boolean {
  switch (op) {
    case '>=':
      return actual >= wanted;
    case '<=':
      return actual <= wanted;
    case '>':
      return actual > wanted;
    case '<':
      return actual < wanted;
    case '==':
      return actual === wanted;
    case '!=':
      return actual !== wanted;
  }
}

/** Why `requires` is not met by `limits`, or undefined when every clause holds. */
export function unmetRequirement(requires: readonly Requirement[], limits: LimitsRecord): string | undefined {
  for (const req of requires) {
    const declared = limits[req.name];
    if (declared === undefined) return `requires ${req.text}, but the host declares no ${req.name}`;
    if (req.kind === 'declared') {
      if (declared === false || declared === 0) return `requires ${req.name}, but the host declares ${req.name}=${declared}`;
      continue;
    }
    const actual = typeof declared === 'boolean' ? Number(declared) : declared;
    if (!compare(actual, req.op, req.value)) return `requires ${req.text}, but the host declares ${req.name}=${declared}`;
  }
  return undefined;
}

/** Checks a parsed JSON value is a limits record: an object of numbers and booleans. */
export function parseLimitsRecord(value: unknown, source: string): LimitsRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${source}: a limits record must be a JSON object`);
  }
  const record: Record<string, number | boolean> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key.startsWith('$')) continue; // "$comment", "$schema": annotations, not limits
    if (typeof v !== 'number' && typeof v !== 'boolean') {
      throw new UsageError(`${source}: limit "${key}" must be a number or a boolean`);
    }
    record[key] = v;
  }
  return record;
}

/** Reads a limits file. A missing default file means "nothing declared"; a missing given file is a usage error. */
export function loadLimits(file: string, { optional }: { optional: boolean }): LimitsRecord {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (optional && (e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read limits file ${file}: ${(e as Error).message}`);
  }
  try {
    return parseLimitsRecord(JSON.parse(text), file);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
}
