// The implementation command (`--impl "node /x/bin/gene.js"`) and `# Args:` lines are split the
// way a POSIX shell splits words, but no shell ever runs: no globbing, no variables, no pipes.

import { UsageError } from './errors.js';

/**
 * Splits `text` into words like `sh` would: whitespace separates words; '…' is literal;
 * "…" is literal except for \" \\ \$ \` escapes; a backslash outside quotes escapes the next char.
 */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new UsageError(`unterminated ' quote in: ${text}`);
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i]!;
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1]!)) {
          if (text[i + 1] !== '\n') word += text[i + 1];
          i += 2;
          continue;
        }
        word += c;
        i++;
      }
      if (!closed) throw new UsageError(`unterminated " quote in: ${text}`);
      inWord = true;
    } else if (ch === '\\') {
      // A backslash-newline is a line continuation; any other escaped char is taken literally.
      if (i + 1 < text.length && text[i + 1] !== '\n') word += text[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Quotes one word so `sh` reads it back unchanged (used for repro scripts). */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_\-./:=@%+,]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
