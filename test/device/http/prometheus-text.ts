/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests: it refuses anything
 * a Prometheus server would refuse, and a few things it merely tolerates (a family split in two,
 * a TYPE after its samples, duplicate series), naming the line.
 */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

export interface PromFamily {
  name: string;
  help?: string;
  type?: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  samples: PromSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'] as const;
const FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|Inf|inf)$/;

function parseValue(s: string, line: number): number {
  if (s === 'NaN') return NaN;
  if (!FLOAT.test(s)) throw new Error(`line ${line}: '${s}' is not a sample value`);
  return /inf$/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : Number(s);
}

/** `{a="x",b="y"}` at `text[start]`; returns the labels and the index after `}`. */
function parseLabels(text: string, start: number, line: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let i = start + 1;
  for (;;) {
    if (text[i] === '}') return [labels, i + 1];
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${line}: label without '='`);
    const name = text.slice(i, eq).trim();
    if (!LABEL_NAME.test(name)) throw new Error(`line ${line}: bad label name '${name}'`);
    if (name in labels) throw new Error(`line ${line}: label '${name}' twice`);
    if (text[eq + 1] !== '"') throw new Error(`line ${line}: label '${name}' value is not quoted`);
    let value = '';
    let j = eq + 2;
    for (;; j++) {
      const c = text[j];
      if (c === undefined) throw new Error(`line ${line}: unterminated label value of '${name}'`);
      if (c === '"') break;
      if (c === '\\') {
        const n = text[++j];
        if (n === '\\') value += '\\';
        else if (n === '"') value += '"';
        else if (n === 'n') value += '\n';
        else throw new Error(`line ${line}: bad escape '\\${n ?? ''}' in label '${name}'`);
      } else value += c;
    }
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new Error(`line ${line}: expected ',' or '}' after label '${name}'`);
  }
}

function familyOf(name: string, families: Map<string, PromFamily>): PromFamily | undefined {
  const direct = families.get(name);
  if (direct) return direct;
  for (const suffix of ['_sum', '_count', '_bucket']) {
    if (!name.endsWith(suffix)) continue;
    const f = families.get(name.slice(0, -suffix.length));
    if (f && (f.type === 'summary' || f.type === 'histogram') && (suffix !== '_bucket' || f.type === 'histogram')) return f;
  }
  return undefined;
}

export function parsePrometheusText(text: string): Map<string, PromFamily> {
  if (text.length && !text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, PromFamily>();
  const finished = new Set<string>();
  const series = new Set<string>();
  let current: string | null = null;
  const enter = (name: string, line: number) => {
    if (current === name) return;
    if (finished.has(name)) throw new Error(`line ${line}: metric family '${name}' appears in two separate groups`);
    if (current) finished.add(current);
    current = name;
  };
  const lines = text.split('\n').slice(0, -1);
  lines.forEach((raw, idx) => {
    const line = idx + 1;
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(raw);
      if (!m) return; // an ordinary comment
      const [, kind, name, rest = ''] = m;
      if (!METRIC_NAME.test(name!)) throw new Error(`line ${line}: bad metric name '${name}'`);
      enter(name!, line);
      const fam = families.get(name!) ?? { name: name!, samples: [] };
      families.set(name!, fam);
      if (kind === 'HELP') {
        if (fam.help !== undefined) throw new Error(`line ${line}: second HELP for '${name}'`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) throw new Error(`line ${line}: bad escape in HELP of '${name}'`);
        fam.help = rest.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
      } else {
        if (fam.type !== undefined) throw new Error(`line ${line}: second TYPE for '${name}'`);
        if (fam.samples.length) throw new Error(`line ${line}: TYPE of '${name}' after its samples`);
        if (!(TYPES as readonly string[]).includes(rest.trim())) throw new Error(`line ${line}: unknown type '${rest}' for '${name}'`);
        fam.type = rest.trim() as PromFamily['type'];
      }
      return;
    }
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(raw);
    if (!nameMatch) throw new Error(`line ${line}: not a sample: '${raw}'`);
    const name = nameMatch[0];
    let i = name.length;
    let labels: Record<string, string> = {};
    if (raw[i] === '{') [labels, i] = parseLabels(raw, i, line);
    const rest = raw.slice(i);
    if (!/^[ \t]/.test(rest)) throw new Error(`line ${line}: expected a space before the value of '${name}'`);
    const parts = rest.trim().split(/[ \t]+/);
    if (parts.length > 2) throw new Error(`line ${line}: trailing text after the value of '${name}'`);
    const value = parseValue(parts[0]!, line);
    const sample: PromSample = { name, labels, value };
    if (parts[1] !== undefined) {
      if (!/^-?\d+$/.test(parts[1])) throw new Error(`line ${line}: bad timestamp '${parts[1]}'`);
      sample.timestamp = Number(parts[1]);
    }
    let fam = familyOf(name, families);
    if (!fam) {
      fam = { name, type: 'untyped', samples: [] };
      families.set(name, fam);
    }
    enter(fam.name, line);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (series.has(key)) throw new Error(`line ${line}: duplicate series ${name}${JSON.stringify(labels)}`);
    series.add(key);
    if (fam.type === 'counter' && !(value >= 0)) throw new Error(`line ${line}: counter '${name}' is ${value}`);
    fam.samples.push(sample);
  });
  return families;
}

/** The one sample of a family with these labels (a subset), or undefined. */
export function sampleValue(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number | undefined {
  return families.get(name)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
