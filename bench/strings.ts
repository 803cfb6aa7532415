// String scanning cost (issue 12, LANG-CORE.9): a `.substr`/`.char_at`/`.length` loop over a
// string of n characters must take time linear in n (O(1) per call). Before the fix each call
// rebuilt a code-point array (a 30,000-character substr loop took 26.6 s, 60,000 took 71 s).
//   npm run build && npx tsx bench/strings.ts
// Runs the built VM (dist/) as `gene run` does; prints ms per run and µs per call for each size.
import { timeGene } from './built-vm.js';

/** Build a string of n characters (one astral character in it when `astral`), then scan it. */
function program(n: number, astral: boolean, method: string): string {
  const seed = astral ? '"😀"' : '"x"';
  const call = method === 'substr' ? '(s .substr i i)' : method === 'char_at' ? '(s .char_at i)' : '(s .length)';
  return `(var s ${seed}) (repeat ${n - 1} (s .append "a")) (var i 0) (var k 0)
          (while (i < ${n}) (var c ${call}) (i += 1)) i`;
}

for (const astral of [false, true]) {
  for (const method of ['substr', 'char_at', 'length']) {
    for (const n of [30_000, 60_000]) {
      const runs = [];
      for (let r = 0; r < 3; r++) runs.push(await timeGene(program(n, astral, method)));
      runs.sort((a, b) => a - b);
      const ms = runs[1]!;
      console.log(`${method.padEnd(8)} ${astral ? 'astral' : 'ascii '} n=${String(n).padStart(6)}: ${ms.toFixed(1).padStart(8)} ms  ${((ms * 1000) / n).toFixed(2)} µs/call (build + scan, median of 3)`);
    }
  }
}
