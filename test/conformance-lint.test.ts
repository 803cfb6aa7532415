// The feature-tag lint (`gene conformance --lint`): derived features, the message, --fix, and
// the suite itself passing it.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCaseText } from '../src/conformance/case-file.js';
import { cli } from './conformance-cli.js';
import { addMissingTags, codeOnly, FEATURE_USES, lintCase, lintCases, removeUnusedTags, usedFeatures } from '../src/conformance/feature-lint.js';
import { loadFeatureRegistry } from '../src/conformance/features.js';
import { packageDefaults } from '../src/conformance/package-root.js';
import { loadSuite } from '../src/conformance/suite.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'conformance-lint-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const caseOf = (text: string) => parseCaseText(text, '/suite/t.gene', 't.gene');

describe('deriving used features', () => {
  it('ignores strings and comments but reads interpolations', () => {
    const code = codeOnly('(println ".join (recv)") # t .join\n#< (keep_alive) >#\n(println #"#{(t .id)}")');
    expect(code).not.toMatch(/\.join|recv|keep_alive/);
    expect(code).toMatch(/\.id/);
    expect(code.split('\n')).toHaveLength(3);
  });

  it('an interpolated string ends at its own closing quote, so the code after it is still read', () => {
    const code = codeOnly('(println #"#{(m .payload)} + #{(f "x")}")\n(t .join)\n(println "recv")');
    expect(code).toMatch(/\.join/);
    expect(code).toMatch(/\.payload/);
    expect(code).not.toMatch(/recv/);
  });

  it('finds each API with the line of its first use', () => {
    const text = '## features: threads\n(var t (spawn (keep_alive)))\n(t .join)\n(println (await (recv)))\n';
    const used = usedFeatures(caseOf(text), text);
    expect([...used.keys()].sort()).toEqual(['async', 'join', 'keep-alive', 'recv', 'threads']);
    expect(used.get('join')!.line).toBe(3);
  });

  it('reads flags from # Args: and error kinds from ## error:', () => {
    const text = '## features: threads\n## error: ThreadPoolExhausted\n# Args: --max-threads 2\n(spawn 1)\n';
    const used = usedFeatures(caseOf(text), text);
    expect(used.has('flag-max-threads')).toBe(true);
    expect(used.has('error-kinds')).toBe(true);
    const plain = '## error: GeneException\n(throw "x")\n';
    expect(usedFeatures(caseOf(plain), plain).has('error-kinds')).toBe(false);
  });

  it('every derivable tag is in the registry', () => {
    const registry = loadFeatureRegistry(packageDefaults(ROOT).features);
    expect(FEATURE_USES.map((u) => u.tag).filter((t) => !registry.tags.has(t))).toEqual([]);
  });
});

describe('lint problems', () => {
  it('names the file line, the use and exactly which tag to add', () => {
    const text = '## id: x\n## features: threads\n(var t (spawn 1))\n(t .join)\n';
    const [problem, ...rest] = lintCase(caseOf(text), text);
    expect(rest).toEqual([]);
    expect(problem!.line).toBe(4);
    expect(problem!.message).toBe('uses .join but its "## features:" (line 2) lacks "join": add "join" to "## features:"');
  });

  it('wants ## requires: max_threads>=N with --max-threads N', () => {
    const text = '## features: threads flag-max-threads\n# Args: --max-threads 3\n(spawn 1)\n';
    expect(lintCase(caseOf(text), text).map((p) => p.message)).toEqual([
      'passes --max-threads 3 but lacks "## requires: max_threads>=3": add that line',
    ]);
    const ok = '## features: threads flag-max-threads\n## requires: max_threads>=3\n# Args: --max-threads 3\n(spawn 1)\n';
    expect(lintCase(caseOf(ok), ok)).toEqual([]);
  });

  it('names an API tag the case carries but never uses, since it would exclude the case for nothing', () => {
    const text = '## id: x\n## features: threads join recv\n(var t (spawn 1))\n(t .join)\n';
    const problems = lintCase(caseOf(text), text);
    expect(problems.map((p) => [p.line, p.unusedTag, p.message])).toEqual([
      [2, 'recv', '"## features:" carries "recv" but the case never uses (recv …), so a host lacking it would skip the case for nothing: remove "recv"'],
    ]);
  });

  it('lets area tags (threads, messaging, async) stand without their syntax', () => {
    const text = '## features: threads messaging async recv timeouts\n(println (recv ^timeout 10))\n';
    expect(lintCase(caseOf(text), text)).toEqual([]);
  });

  it('an unused flag tag is named too', () => {
    const text = '## features: threads flag-max-threads\n(spawn 1)\n';
    expect(lintCase(caseOf(text), text).map((p) => p.unusedTag)).toEqual(['flag-max-threads']);
  });

  it('--fix removes unused tags from every features line, dropping a line left empty', () => {
    expect(removeUnusedTags('## features: threads recv join\n(x)', ['recv'])).toBe('## features: threads join\n(x)');
    expect(removeUnusedTags('## features: threads\n## features: recv\n(x)', ['recv'])).toBe('## features: threads\n(x)');
    expect(removeUnusedTags('## features: threads\n(x)', [])).toBe('## features: threads\n(x)');
  });

  it('--fix adds the tags to the features line, or a new line', () => {
    expect(addMissingTags('## features: threads\n(x)', ['join'])).toBe('## features: threads join\n(x)');
    expect(addMissingTags('## id: a\n(x)', ['join', 'recv'])).toBe('## id: a\n## features: join recv\n(x)');
  });

  it('the CLI reports, fixes and then passes', async () => {
    const dir = join(scratch, 'suite');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'features.txt'), readFileSync(packageDefaults(ROOT).features, 'utf8'));
    const file = join(dir, 'a.gene');
    writeFileSync(file, '## id: a\n## features: threads join\n(var t (spawn (keep_alive)))\n(t .terminate)\n# Expected: x\n');
    const before = await cli(dir, '--lint');
    expect(before.status).toBe(1);
    expect(before.stderr).toContain('a.gene:3: uses (keep_alive …)');
    expect(before.stderr).toContain('add "terminate" to "## features:"');
    expect(before.stderr).toContain('a.gene:2: "## features:" carries "join" but the case never uses .join');
    expect((await cli(dir, '--lint', '--fix')).status).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('## features: threads terminate keep-alive\n');
    expect(readFileSync(file, 'utf8')).not.toContain('join');
    expect((await cli(dir, '--lint')).status).toBe(0);
  });
});

describe('the suite', () => {
  it('tags every feature its cases use (gene conformance --lint)', () => {
    const defaults = packageDefaults(ROOT);
    const suite = loadSuite([defaults.cases], defaults.features);
    const { problems } = lintCases(suite.cases, { fix: false });
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([]);
  });
});
