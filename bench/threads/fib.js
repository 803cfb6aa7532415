// The CPU-bound task of the raw-JS speedup figure (the Gene side runs the same recursion).
// Plain JavaScript on purpose: raw Workers import it, and they measure hand-written JS.
export function fibJs(n) {
  return n < 2 ? n : fibJs(n - 1) + fibJs(n - 2);
}
