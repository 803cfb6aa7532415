// Vitest global setup: build dist/ before any test runs. Workers (and the CLI the tests start)
// load dist/, so without this a bare `npx vitest` after editing src/ would test stale Worker
// code. tsc is incremental (dist/.tsbuildinfo), so an unchanged tree builds quickly.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export default function buildDist(): void {
  // `npm run build` itself, so the tests run exactly what the package ships (tsc, worker bundle).
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the build failed, so no test can run:\n${r.stdout}${r.stderr}`);
}
