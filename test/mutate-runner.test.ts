// The pure helpers of the mutation runner (tools/mutate/gene-runner.ts, docs/conformance-strength.md):
// how long a case may wait by itself, and which unit test files test which module.
import { describe, expect, it } from 'vitest';
import { facadeOf, importedModules, ownWaitMs } from '../tools/mutate/gene-runner.js';

describe('the mutation runner', () => {
  it('finds the longest wait a case bounds itself', () => {
    expect(ownWaitMs('(println 1)')).toBe(0);
    expect(ownWaitMs('(await ^timeout 3000 (recv)) (sleep 20) (sleep_async 100)')).toBe(3000);
    // A wait past a minute is a case about long timeouts, not a bound.
    expect(ownWaitMs('(await ^timeout 4294967296 f) (sleep 50)')).toBe(50);
  });
  it('names the source modules a test file imports itself', () => {
    const source = "import { x } from '../src/threads/codec.js';\nimport {\n  y,\n} from '../src/threads/protocol/words.js';\nimport fc from 'fast-check';\n";
    expect([...importedModules('test/a.test.ts', source)].sort()).toEqual(['src/threads/codec.ts', 'src/threads/protocol/words.ts']);
  });
  it('counts a part of a module as that module (codec-encoder.ts is part of codec.ts)', () => {
    expect(facadeOf('src/threads/codec-encoder.ts')).toBe('src/threads/codec.ts');
    expect(facadeOf('src/threads/mailbox.ts')).toBe('src/threads/mailbox.ts');
  });
});
