// gene/base64_encode and gene/base64_decode as upstream's stdlib has them (LANG-BUILTIN.11):
// Strings are encoded as their UTF-8 bytes.
import { geneError } from '../values/errors.js';
import { GString, NativeFn, kindName, str, type Value } from '../values/values.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function stringArg(fn: string, v: Value | undefined): string {
  if (v instanceof GString) return v.s;
  throw geneError('TypeError', `${fn} requires a string argument, got ${kindName(v ?? null)}`);
}

/** LANG-BUILTIN.11: the two functions, for the `gene` namespace. */
export function base64Functions(): Record<'base64_encode' | 'base64_decode', NativeFn> {
  return {
    base64_encode: new NativeFn('gene/base64_encode', ([v]) => str(Buffer.from(stringArg('base64_encode', v), 'utf8').toString('base64'))),
    base64_decode: new NativeFn('gene/base64_decode', ([v]) => {
      const text = stringArg('base64_decode', v);
      // Padding is optional (as upstream); anything else outside the alphabet is an error.
      const bad = text.search(/[^A-Za-z0-9+/=]|=[^=]/);
      if (bad >= 0) throw geneError('ArgumentError', `Invalid base64 string: character ${JSON.stringify(text[bad])} at ${bad}`);
      if (!BASE64.test(text) || text.replace(/=+$/, '').length % 4 === 1) throw geneError('ArgumentError', 'Invalid base64 string: bad length or padding');
      try {
        return str(utf8.decode(Buffer.from(text, 'base64')));
      } catch {
        throw geneError('ArgumentError', 'base64_decode: the decoded bytes are not UTF-8 text');
      }
    }),
  };
}
