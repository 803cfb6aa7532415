// Feature tags come from one registry file (conformance/features.txt), so an implementation can
// exclude what it lacks and a typo in a case header is caught instead of silently excluding it.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SuiteError } from './errors.js';

export interface FeatureRegistry {
  file: string;
  /** tag → one-line description, in file order. */
  tags: ReadonlyMap<string, string>;
}

const TAG = /^[a-z][a-z0-9-]*$/;

/** Parses `tag  description` lines; `#` starts a comment line; blank lines are ignored. */
export function parseFeatureRegistry(text: string, file: string): FeatureRegistry {
  const tags = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(\S+)\s*(.*)$/.exec(line)!;
    const [, tag, description] = m;
    if (!TAG.test(tag!)) throw new SuiteError(file, `bad feature tag "${tag}" (want lower-case letters, digits, -)`, index + 1);
    if (tags.has(tag!)) throw new SuiteError(file, `feature tag "${tag}" listed twice`, index + 1);
    tags.set(tag!, description!.trim());
  });
  return { file, tags };
}

export function loadFeatureRegistry(file: string): FeatureRegistry {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SuiteError(file, `cannot read the feature registry: ${(e as Error).message}`);
  }
  return parseFeatureRegistry(text, file);
}

/**
 * The registry for a suite root: `<root>/features.txt`, else `<root>/../features.txt` (the
 * `conformance/cases` + `conformance/features.txt` layout), else `fallback`.
 */
export function findFeatureRegistry(suiteRoot: string, fallback: string): string {
  for (const candidate of [join(suiteRoot, 'features.txt'), join(dirname(suiteRoot), 'features.txt')]) {
    if (existsSync(candidate)) return candidate;
  }
  return fallback;
}

/** Parses `a,b c` option values into tags, rejecting tags the registries do not know. */
export function parseFeatureList(value: string, known: (tag: string) => boolean, option: string): string[] {
  const tags = value.split(/[\s,]+/).filter(Boolean);
  for (const tag of tags) {
    if (!known(tag)) throw new SuiteError(option, `unknown feature tag "${tag}"`);
  }
  return tags;
}
