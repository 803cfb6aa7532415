// The pure helpers of the mutation runner (tools/mutate/gene-runner.ts, docs/conformance-strength.md):
// how long a case may wait by itself, and which unit test files test which module; and what the
// ignorer (tools/mutate/ignore-message-text.ts) relies on where it skips whole functions.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { facadeOf, importedModules, ownWaitMs } from '../tools/mutate/gene-runner.js';
import { MESSAGE_ARGUMENT, WORDING_FUNCTIONS } from '../tools/mutate/ignore-message-text.js';

/** Every line of src/ that names `name`, as `file: line text`. */
function linesNaming(name: string): string[] {
  const out: string[] = [];
  const files = (readdirSync('src', { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
  for (const f of files) {
    for (const line of readFileSync(join('src', f), 'utf8').split('\n')) {
      if (new RegExp(`\\b${name}\\b`).test(line) && !/^\s*(\/\/|\*|\/\*\*)/.test(line)) out.push(`${f}: ${line.trim()}`);
    }
  }
  return out;
}

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
  it('skips only functions whose result is wording: every use is where the ignorer says', () => {
    expect(Object.keys(WORDING_FUNCTIONS).sort()).toEqual(['describeWait', 'encodedSize']);
    // describeWait: one call, its text straight into the Deadlock report.
    const wait = linesNaming('describeWait').filter((l) => !l.includes('protected describeWait('));
    expect(wait).toEqual(['threads/host-base.ts: this.deadlockReport = this.deadlock.block(f, this.describeWait(f, what));']);
    // encodedSize: called only inside a trace guard's text.
    const size = linesNaming('encodedSize').filter((l) => !/export function encodedSize\(|import \{ encodedSize \}/.test(l));
    expect(size.length).toBeGreaterThan(0);
    for (const l of size) expect(l).toMatch(/: if \(this\.tracing\) this\.trace\(`[^`]*\$\{encodedSize\([a-z]+\)\}[^`]*`\);$/);
  });
  it('skips only arguments that are wording: failRequest\'s message, endedError\'s spawnReturn, staleError\'s what', () => {
    expect(MESSAGE_ARGUMENT).toEqual({ geneError: 1, makeErrorValue: 1, trace: 0, failRequest: 3, endedError: 2, staleError: 0 });
    const requests = readFileSync('src/threads/host-requests.ts', 'utf8');
    expect(requests).toContain('protected failRequest(to: Who, rid: number, kind: ErrorKind, message: string): void {\n    this.postReply(to, rid, false, encode(makeErrorValue(kind, message), \'reply\'));\n  }');
    const errors = readFileSync('src/threads/remote-errors.ts', 'utf8');
    expect(errors).toContain('export function endedError(id: number, reason: EndReason, spawnReturn: boolean): Value {\n  const what = spawnReturn ?');
    expect(errors.match(/\bspawnReturn\b/g)).toHaveLength(2);
    const host = readFileSync('src/threads/thread-host.ts', 'utf8');
    expect(host).toContain("const staleError = (what: string) =>\n      geneError('ThreadInvalid', `Cannot ${what} ${display(target)}: the thread has ended (the handle is stale)`);");
  });
});
