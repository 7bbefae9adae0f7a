// A strict parser for the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-details), written for the
// tests: it throws on anything Prometheus would reject or that the format says must not happen
// (unknown escapes, samples before their TYPE, split families, duplicate series, broken histograms).
// No npm package parses this format strictly; the scrapers that exist live in Go.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  type: string;
  help: string;
  readonly samples: Sample[];
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const types = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parseExposition(text: string): Map<string, Family> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('exposition must end with a line feed');
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  let current: Family | undefined;
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    const where = `line ${i + 1}: ${line}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest] = m as unknown as [string, 'HELP' | 'TYPE', string, string];
      if (!metricName.test(name)) throw new Error(`bad metric name, ${where}`);
      const f = families.get(name) ?? { name, type: 'untyped', help: '', samples: [] };
      if (f.samples.length > 0) throw new Error(`${kind} after samples, ${where}`);
      if (kind === 'TYPE') {
        if (!types.has(rest)) throw new Error(`unknown type, ${where}`);
        if (families.has(name) && f.type !== 'untyped') throw new Error(`second TYPE, ${where}`);
        f.type = rest;
      } else {
        f.help = unescape(rest, false, where);
      }
      families.set(name, f);
      current = f;
      return;
    }
    const sample = parseSample(line, where);
    const family = familyOf(sample.name, families);
    if (family === undefined) throw new Error(`sample without a TYPE or HELP for its family, ${where}`);
    if (family !== current) throw new Error(`family ${family.name} is split, ${where}`);
    const key = sample.name + JSON.stringify(Object.entries(sample.labels).sort());
    if (seen.has(key)) throw new Error(`duplicate series, ${where}`);
    seen.add(key);
    family.samples.push(sample);
  });
  for (const f of families.values()) check(f);
  return families;
}

function familyOf(name: string, families: Map<string, Family>): Family | undefined {
  const exact = families.get(name);
  if (exact !== undefined) return exact;
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (!m) return undefined;
  const f = families.get(m[1]!);
  if (f === undefined) return undefined;
  if (f.type === 'histogram' || (f.type === 'summary' && m[2] !== 'bucket')) return f;
  return undefined;
}

function parseSample(line: string, where: string): Sample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? ([^ ]+)( -?\d+)?$/.exec(line);
  if (!m) throw new Error(`malformed sample, ${where}`);
  const labels = m[2] === undefined ? {} : parseLabels(m[2].slice(1, -1), where);
  return { name: m[1]!, labels, value: parseValue(m[3]!, where) };
}

function parseLabels(s: string, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < s.length) {
    const eq = s.indexOf('=', i);
    if (eq === -1) throw new Error(`label without value, ${where}`);
    const name = s.slice(i, eq);
    if (!labelName.test(name) || name.startsWith('__')) throw new Error(`bad label name ${name}, ${where}`);
    if (name in out) throw new Error(`label ${name} twice, ${where}`);
    if (s[eq + 1] !== '"') throw new Error(`unquoted label value, ${where}`);
    let j = eq + 2;
    let raw = '';
    for (; j < s.length && s[j] !== '"'; j++) {
      raw += s[j];
      if (s[j] === '\\') raw += s[++j] ?? '';
    }
    if (j >= s.length) throw new Error(`unterminated label value, ${where}`);
    out[name] = unescape(raw, true, where);
    i = j + 1;
    if (i < s.length) {
      if (s[i] !== ',') throw new Error(`expected , between labels, ${where}`);
      i++;
    }
  }
  return out;
}

function unescape(raw: string, quoted: boolean, where: string): string {
  return raw.replace(/\\(.?)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === '"' && quoted) return '"';
    throw new Error(`invalid escape \\${c}, ${where}`);
  });
}

// Prometheus reads values with Go's strconv.ParseFloat, which takes NaN and Inf in any case (prom-client
// writes "Nan" for an event-loop lag not measured yet).
function parseValue(v: string, where: string): number {
  if (/^\+?inf$/i.test(v)) return Infinity;
  if (/^-inf$/i.test(v)) return -Infinity;
  if (/^nan$/i.test(v)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) throw new Error(`bad value ${v}, ${where}`);
  return Number(v);
}

function check(f: Family): void {
  if (f.type === 'counter') {
    for (const s of f.samples) if (!(s.value >= 0)) throw new Error(`counter ${s.name} is ${s.value}`);
  }
  if (f.type === 'histogram') checkHistogram(f);
}

// Per label set: buckets in ascending le ending in +Inf, cumulative counts, +Inf equal to _count, a _sum.
function checkHistogram(f: Family): void {
  const groups = new Map<string, { les: number[]; counts: number[]; sum?: number; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const g = groups.get(key) ?? { les: [], counts: [] };
    groups.set(key, g);
    if (s.name === `${f.name}_bucket`) {
      if (le === undefined) throw new Error(`${s.name} without le`);
      g.les.push(parseValue(le, s.name));
      g.counts.push(s.value);
    } else if (s.name === `${f.name}_sum`) g.sum = s.value;
    else if (s.name === `${f.name}_count`) g.count = s.value;
    else throw new Error(`unexpected ${s.name} in histogram ${f.name}`);
  }
  for (const [key, g] of groups) {
    const at = `${f.name}${key}`;
    if (g.les.at(-1) !== Infinity) throw new Error(`${at}: no +Inf bucket`);
    for (let i = 1; i < g.les.length; i++) {
      if (!(g.les[i]! > g.les[i - 1]!)) throw new Error(`${at}: le not ascending`);
      if (g.counts[i]! < g.counts[i - 1]!) throw new Error(`${at}: buckets not cumulative`);
    }
    if (g.count !== g.counts.at(-1)) throw new Error(`${at}: +Inf bucket ${g.counts.at(-1)} != _count ${g.count}`);
    if (g.sum === undefined) throw new Error(`${at}: no _sum`);
  }
}

/** The value of the one sample of `name` whose labels include `labels`; 0 when there is none. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = familyOf(name, families);
  const matches = (family?.samples ?? []).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (matches.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${matches.length} series`);
  return matches[0]?.value ?? 0;
}

/** Sum over every sample of `name` whose labels include `labels`. */
export function sumOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = familyOf(name, families);
  return (family?.samples ?? [])
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);
}
