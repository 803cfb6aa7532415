// Run metadata (Host contract §11): what a report needs so two runs can be compared — the suite's
// version and commit, the host contract, the implementation and its `--version`, the options and
// the times. Every reporter writes it.

import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_CONTRACT_VERSION } from './report-json.js';
import type { RunMeta } from './results.js';

function packageVersion(root: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function gitCommit(root: string): string {
  try {
    const out = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    return out.trim() || 'unknown';
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** First non-empty line of `<impl> --version`, or why there is none. */
export function implVersion(implWords: readonly string[]): string {
  const [program, ...args] = implWords;
  const result = spawnSync(program!, [...args, '--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'], killSignal: 'SIGKILL' });
  if (result.error) return `unknown (${result.error.message})`;
  const line = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '');
  if (result.status !== 0) return `unknown (--version exited ${result.status ?? result.signal}${line ? `: ${line}` : ''})`;
  return line ?? 'unknown (--version printed nothing)';
}

export interface MetaInput {
  root: string;
  impl: string;
  implWords: readonly string[];
  options: readonly string[];
  startedAt: Date;
  endedAt: Date;
}

export function collectMeta(input: MetaInput): RunMeta {
  return {
    suiteVersion: packageVersion(input.root),
    suiteCommit: gitCommit(input.root),
    hostContract: HOST_CONTRACT_VERSION,
    impl: input.impl,
    implVersion: implVersion(input.implWords),
    options: [...input.options],
    startedAt: input.startedAt.toISOString(),
    endedAt: input.endedAt.toISOString(),
  };
}

/** The metadata as `name: value` pairs, in one order for every reporter. */
export function metaPairs(meta: RunMeta): [string, string][] {
  const pairs: [string, string][] = [
    ['suiteVersion', meta.suiteVersion],
    ['suiteCommit', meta.suiteCommit],
    ['hostContract', String(meta.hostContract)],
    ['impl', meta.impl],
    ['implVersion', meta.implVersion],
    ['options', JSON.stringify(meta.options)],
    ['startedAt', meta.startedAt],
    ['endedAt', meta.endedAt],
  ];
  if (meta.mergedFrom !== undefined) pairs.push(['mergedFrom', String(meta.mergedFrom)]);
  return pairs;
}
