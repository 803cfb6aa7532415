// Host contract §1: every run of a case starts in a fresh scratch folder holding a copy of the case
// file and the fixtures it names, removed afterwards. Whatever a host writes where it runs (the Nim
// VM's build/*.gir caches, a program's own files) never lands in the suite's tree and never feeds
// the next run.

import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ConformanceCase } from './case-file.js';
import { SuiteError } from './errors.js';

/** Creates `dir` with the case file and its fixtures; returns the folder to run in. */
export function prepareScratch(c: ConformanceCase, dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const home = dirname(c.file);
  cpSync(c.file, join(dir, basename(c.file)));
  for (const fixture of c.fixtures) {
    const from = join(home, fixture);
    if (!existsSync(from)) throw new SuiteError(c.file, `fixture "${fixture}" (## fixtures:) does not exist beside the case`);
    const to = join(dir, fixture);
    mkdirSync(dirname(to), { recursive: true });
    cpSync(from, to, { recursive: true });
  }
  return dir;
}

export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
