// LANG-MOD.1: which file `(import … from "path")` names: `path.gene`, else `path` as written,
// relative to the directory of the importing file (absolute paths as they are). Here, below the
// reader, so that a Worker resolves imports without loading the reader.
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** A module's file as the program names it (`file`, for messages) and its absolute path (`abs`, its identity). */
export type ModuleFile = { abs: string; file: string } | { missing: string };

export function findModuleFile(path: string, importer: string): ModuleFile {
  const dir = dirname(importer);
  const candidates = (path.endsWith('.gene') ? [path] : [`${path}.gene`, path]).map((c) => (isAbsolute(c) ? c : join(dir, c)));
  for (const file of candidates) if (isFile(file)) return { abs: resolve(file), file };
  return { missing: `Module "${path}" not found: no file ${candidates.join(' or ')} (imported by ${importer})` };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
