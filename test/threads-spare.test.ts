// THR-PERF terminate then respawn: thread 0 replaces a Worker lost to `terminate` (or a crash)
// in the background, so a program enforcing deadlines keeps a warm Worker. The replacement must
// change nothing a program can see: every round's thread runs and answers, with one slot
// (--max-threads 1) reused again and again, and the process still exits by itself (the
// replacement's timer and Worker never keep it alive). Speed is measured by `npm run bench`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'gene-spare-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function gene(source: string, args: string[]): { out: string; err: string; status: number | null } {
  const file = join(scratch, 'p.gene');
  writeFileSync(file, source);
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/gene.js'), 'run', ...args, file], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, GENE_TRACE: '' } });
  expect(r.signal, `the program did not exit by itself:\n${r.stdout}\n${r.stderr}`).toBeNull();
  return { out: r.stdout, err: r.stderr, status: r.status };
}

describe('a Worker lost to terminate is replaced', () => {
  it('keeps running terminate-then-spawn_return rounds on one slot, and exits by itself', () => {
    const r = gene(`
      (var got [])
      (repeat 12
        (var busy (spawn ($main_thread .send 1) (while true nil)))
        (await (recv))
        (busy .terminate)
        (got .add (await (spawn_return (($thread .id) * 10)))))
      (println got)`, ['--max-threads', '1']);
    expect([r.status, r.out, r.err]).toEqual([0, '[10 10 10 10 10 10 10 10 10 10 10 10]\n', '']);
  });

  it('does the same after threads crash, and when the program ends right after a terminate', () => {
    const r = gene(`
      (fn down [n] (down (n + 1)))
      (repeat 4
        (try (await (spawn_return (down 0))) catch ThreadCrashed nil catch StackOverflow nil)
        (println (await (spawn_return "ok"))))
      (var last (spawn (while true nil)))
      (last .terminate)`, ['--max-threads', '1']);
    expect([r.status, r.out]).toEqual([0, 'ok\nok\nok\nok\n']);
  });
});

describe('a new Worker warms up before its first task', () => {
  it('the warm-up body runs to its end on a VM, prints nothing and leaves no frames', async () => {
    const { compiledWarmUp } = await import('../src/hosts/prelude.js');
    const { LocalHost } = await import('../src/hosts/local-host.js');
    const { VM } = await import('../src/vm/vm.js');
    const { DEFAULT_LIMITS } = await import('../src/contract/limits.js');
    const { drive } = await import('../src/hosts/driver.js');
    const { decodeUnit, encodeUnit } = await import('../src/threads/codec.js');
    const { Namespace } = await import('../src/values/values.js');
    const { repr } = await import('../src/values/print.js');
    const printed: string[] = [];
    const host = new LocalHost((_fd, text) => printed.push(text));
    const vm = new VM(host, DEFAULT_LIMITS);
    // As a Worker gets it: encoded by thread 0, decoded there.
    vm.load(decodeUnit(structuredClone(encodeUnit(compiledWarmUp())), vm.builtins), new Namespace(vm.builtins));
    const r = await drive(vm, vm.run(), host);
    expect(r.kind).toBe('done');
    expect(r.kind === 'done' && repr(r.value)).toBe('{^name "warm" ^n [1 2.5] ^k [[1 2.5] sym \'c\' "ab" 0..3 nil true]}');
    expect(printed).toEqual([]);
    expect(vm.resetAfterTask()).toBeNull();
  });

  it('a task on a new Worker sees nothing of the warm-up (THR-RESET.1)', () => {
    const r = gene(`
      (println (await (spawn_return
        [(try pair catch UndefinedVariable "no pair") (try m catch UndefinedVariable "no m")])))`,
      ['--max-threads', '1']);
    expect([r.status, r.out, r.err]).toEqual([0, '[no pair no m]\n', '']);
  });
});
