// The runner's defaults live in its own package (conformance/cases, features.txt, limits.json,
// bin/gene.js), found from this module's location, so `gene conformance` works from any cwd and
// from both src/ (tests) and dist/ (the published package).

import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './errors.js';
import { splitShellWords } from './shell-words.js';

const PACKAGE_NAME = 'gene-ref';

export function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
      } catch {
        // not our manifest; keep looking
      }
    }
    if (dirname(dir) === dir) break;
  }
  // src/conformance/x.ts and dist/conformance/x.js both sit two levels below the root.
  return resolve(here, '..', '..');
}

export interface PackageDefaults {
  root: string;
  cases: string;
  features: string;
  limits: string;
  /** `node <root>/bin/gene.js`, for reports. */
  implText: string;
  implWords: string[];
}

export function packageDefaults(root: string = packageRoot()): PackageDefaults {
  const bin = join(root, 'bin', 'gene.js');
  return {
    root,
    cases: join(root, 'conformance', 'cases'),
    features: join(root, 'conformance', 'features.txt'),
    limits: join(root, 'conformance', 'limits.json'),
    implText: `node ${bin}`,
    // The running node, so the default works without `node` on PATH.
    implWords: [process.execPath, bin],
  };
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Splits `--impl` like a shell and makes it independent of the case's cwd: relative paths that
 * exist (`./gene`, `node bin/gene.js`) become absolute. Fails early when the program is not found.
 */
export function resolveImplCommand(text: string, cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string[] {
  const words = splitShellWords(text);
  if (words.length === 0) throw new UsageError('--impl is empty');
  const resolved = words.map((word) => {
    if (word.startsWith('-') || !word.includes('/') || isAbsolute(word)) return word;
    const abs = resolve(cwd, word);
    return existsSync(abs) ? abs : word;
  });
  const program = resolved[0]!;
  if (program.includes('/')) {
    if (!isExecutableFile(program)) throw new UsageError(`implementation not found or not executable: ${words[0]}`);
  } else {
    const found = (env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && isExecutableFile(join(dir, program)));
    if (!found) throw new UsageError(`implementation not found on PATH: ${program}`);
  }
  return resolved;
}
