// How values print (gene-core §2.3, §2.4): display (println) and repr (the REPL, nested values).
import { GFloat, GString, Sym, GChar, GMap, GGene, GRange, NativeFn, GFuture, ThreadHandle, VOID, type Value, kindName } from './values.js';

/** gene-core §2.4: Nim's shortest round-trip float format. */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant, expStr] = Math.abs(x).toExponential().split('e');
  const digits = mant!.replace('.', '');
  const p = Number(expStr) + 1; // value = 0.D × 10^P
  if (p >= -6 && p <= 17) {
    if (p <= 0) return `${sign}0.${'0'.repeat(-p)}${digits}`;
    if (digits.length <= p) return `${sign}${digits}${'0'.repeat(p - digits.length)}.0`;
    return `${sign}${digits.slice(0, p)}.${digits.slice(p)}`;
  }
  const e = p - 1;
  const rest = digits.length > 1 ? `.${digits.slice(1)}` : '';
  return `${sign}${digits[0]}${rest}e${e < 0 ? '-' : '+'}${Math.abs(e)}`;
}

/** `println` form: strings and chars raw, containers show their elements in display form. */
export function display(v: Value): string {
  if (v instanceof GString) return v.s;
  if (v instanceof GChar) return v.c;
  return render(v, true);
}

/** Repr form: strings quoted, chars in single quotes; used inside genes and errors. */
export function repr(v: Value): string {
  return render(v, false);
}

/** A piece of text `render` emits as it is. */
class Text {
  constructor(readonly s: string) {}
}
const SPACE = new Text(' ');
const CLOSE_ARRAY = new Text(']');
const CLOSE_MAP = new Text('}');
const CLOSE_GENE = new Text(')');
/** `render`'s work item modes: a value in display or repr form, text, or a container to leave. */
const enum Mode {
  Repr,
  Display,
  Text,
  Leave,
}

/**
 * THR-MSG-COPY.4: printing never recurses on the host's stack, so any value the VM can build
 * prints, however deep. A container met again inside itself prints as `...`.
 */
function render(root: Value, asDisplay: boolean): string {
  let out = '';
  // Work items, taken from the end: (item, mode) pairs.
  const todo: unknown[] = [root, asDisplay ? Mode.Display : Mode.Repr];
  const onPath = new Set<object>();
  while (todo.length > 0) {
    const mode = todo.pop() as Mode;
    const item = todo.pop();
    if (mode === Mode.Text) {
      out += (item as Text).s;
      continue;
    }
    if (mode === Mode.Leave) {
      onPath.delete(item as object);
      continue;
    }
    const v = item as Value;
    const d = mode === Mode.Display;
    if (d && v instanceof GString) out += v.s;
    else if (d && v instanceof GChar) out += v.c;
    else if (Array.isArray(v) || v instanceof GMap || v instanceof GGene) {
      if (onPath.has(v)) {
        out += '...';
        continue;
      }
      onPath.add(v);
      // Pushed in reverse: the last part first.
      todo.push(v, Mode.Leave);
      if (Array.isArray(v)) {
        todo.push(CLOSE_ARRAY, Mode.Text);
        for (let i = v.length - 1; i >= 0; i--) {
          todo.push(v[i], mode);
          if (i > 0) todo.push(SPACE, Mode.Text);
        }
        out += '[';
      } else if (v instanceof GMap) {
        todo.push(CLOSE_MAP, Mode.Text);
        const entries = [...v.entries];
        for (let i = entries.length - 1; i >= 0; i--) {
          todo.push(entries[i]![1], mode, new Text(`${i > 0 ? ' ' : ''}^${entries[i]![0]} `), Mode.Text);
        }
        out += '{';
      } else {
        todo.push(CLOSE_GENE, Mode.Text);
        for (let i = v.children.length - 1; i >= 0; i--) todo.push(v.children[i], Mode.Repr, SPACE, Mode.Text);
        const props = [...v.props];
        for (let i = props.length - 1; i >= 0; i--) todo.push(props[i]![1], Mode.Repr, new Text(` ^${props[i]![0]} `), Mode.Text);
        todo.push(v.type, Mode.Repr);
        out += '(';
      }
    } else out += scalarRepr(v);
  }
  return out;
}

/** The repr of a value that has no parts. */
function scalarRepr(v: Value): string {
  if (v === null) return 'nil';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return String(v);
  }
  if (v instanceof GFloat) return formatFloat(v.v);
  if (v instanceof GString) return `"${v.s}"`;
  if (v instanceof Sym) return v.name;
  if (v instanceof GChar) return `'${v.c}'`;
  if (v instanceof GRange)
    return v.explicitStep ? `${v.start}..${v.end} step ${v.step}` : `${v.start}..${v.end}`;
  if (v instanceof GFuture)
    return `<Future ${v.state === 'pending' ? 'FsPending' : v.state === 'success' ? 'FsSuccess' : 'FsFailure'}>`;
  if (v instanceof ThreadHandle) return `<Thread ${v.id}>`; // THR-API.1
  if (v === VOID) return 'void';
  if (v instanceof NativeFn) return 'VkFunction';
  return kindName(v);
}

/** `#"…"` parts: strings raw; nil/bool/numbers/chars as println shows them; the rest in repr (gene-core §1.3). */
export function interpolationText(v: Value): string {
  if (v instanceof GString) return v.s;
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || v instanceof GFloat || v instanceof GChar) return display(v);
  return repr(v);
}
