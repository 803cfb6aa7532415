// Finding the cases: every `.gene` file under the given folders (or a `.gene` file given
// directly), parsed, checked against the feature registry, with ids unique across the run.
// Names starting with `.` or `_` are not cases (helper modules a case may import live there).

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parseCaseText, type ConformanceCase } from './case-file.js';
import { SuiteError } from './errors.js';
import { findFeatureRegistry, loadFeatureRegistry, type FeatureRegistry } from './features.js';

export interface Suite {
  cases: ConformanceCase[];
  /** Every registry used by some root; a tag is known when any of them lists it. */
  registries: FeatureRegistry[];
}

function isHidden(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_');
}

/** All case files under `dir`, as paths relative to it with `/` separators, sorted. */
function listCaseFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (absDir: string): void => {
    let entries;
    try {
      entries = readdirSync(absDir, { withFileTypes: true });
    } catch (e) {
      throw new SuiteError(absDir, `cannot read directory: ${(e as Error).message}`);
    }
    for (const entry of entries) {
      if (isHidden(entry.name)) continue;
      const abs = join(absDir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else if (entry.name.endsWith('.gene')) found.push(relative(dir, abs).split(sep).join('/'));
    }
  };
  walk(dir);
  return found.sort();
}

function readCase(file: string, relPath: string): ConformanceCase {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SuiteError(file, `cannot read case: ${(e as Error).message}`);
  }
  const c = parseCaseText(text, file, relPath);
  for (const fixture of c.fixtures) {
    if (!existsSync(join(dirname(file), fixture))) throw new SuiteError(file, `fixture "${fixture}" (## fixtures:) does not exist beside the case`);
  }
  return c;
}

/**
 * Loads the suite from folders or single files. `defaultRegistry` is used for a root that has no
 * features.txt of its own (see findFeatureRegistry). Throws SuiteError on the first problem.
 */
export function loadSuite(paths: readonly string[], defaultRegistry: string): Suite {
  const cases: ConformanceCase[] = [];
  const registries = new Map<string, FeatureRegistry>();
  const byId = new Map<string, string>();

  for (const given of paths) {
    const abs = resolve(given);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch (e) {
      throw new SuiteError(given, `cannot read: ${(e as Error).message}`);
    }
    const root = isDir ? abs : dirname(abs);
    const relPaths = isDir ? listCaseFiles(abs) : [basename(abs)];

    const registryFile = findFeatureRegistry(root, defaultRegistry);
    let registry = registries.get(registryFile);
    if (!registry) {
      registry = loadFeatureRegistry(registryFile);
      registries.set(registryFile, registry);
    }

    for (const relPath of relPaths) {
      const file = join(root, ...relPath.split('/'));
      const c = readCase(file, relPath);
      for (const tag of c.features) {
        if (!registry.tags.has(tag)) {
          throw new SuiteError(file, `unknown feature tag "${tag}" (not in ${registry.file})`, c.featuresLine);
        }
      }
      const other = byId.get(c.id);
      if (other !== undefined) throw new SuiteError(file, `duplicate case id "${c.id}" (also ${other})`);
      byId.set(c.id, file);
      cases.push(c);
    }
  }
  return { cases, registries: [...registries.values()] };
}

export function isKnownFeature(suite: Suite, tag: string): boolean {
  return suite.registries.some((r) => r.tags.has(tag));
}
