// deploy/grafana/rws-edge-dashboard.json is a well-formed Grafana dashboard, and every PromQL expression
// in it (panel targets and template queries) refers only to series a live /metrics exposes, with label
// names those series carry (plus the target labels Prometheus adds when it scrapes).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/package-root.js';
import type { TestServer } from '../support/start-server.js';
import type { Family } from './exposition.js';
import { edgeFor, testOrigin, type TestOrigin } from './origin.js';
import { closeAll, protocolClients, scrape, send } from './support.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string }[];
  panels?: Panel[];
}

const dashboard = JSON.parse(readFileSync(join(packageRoot, 'deploy', 'grafana', 'rws-edge-dashboard.json'), 'utf8')) as {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: unknown; datasource?: unknown }[] };
};

/** Labels Prometheus attaches to every scraped series (target labels), which /metrics itself never carries. */
const targetLabels = new Set(['job', 'instance', 'namespace', 'pod']);
const functions = new Set(['sum', 'rate', 'irate', 'increase', 'histogram_quantile', 'max', 'min', 'avg', 'count', 'topk', 'bottomk', 'label_values', 'clamp_min', 'abs', 'delta', 'deriv']);
const keywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset']);

interface PromRefs {
  /** Metric name → label names used in its matchers. */
  metrics: Map<string, Set<string>>;
  /** Label names in by/without/on/ignoring clauses and label_values(). */
  grouping: Set<string>;
}

// Enough of PromQL for the dashboard's own queries (checked by the tests below to find at least one
// metric in each): selectors with matchers, ranges, aggregations with grouping, functions, arithmetic.
function promRefs(expr: string): PromRefs {
  const metrics = new Map<string, Set<string>>();
  const grouping = new Set<string>();
  let e = expr.replace(/\[[^\]]*\]/g, ' ');
  e = e.replace(/label_values\(\s*([a-zA-Z_:][\w:]*)\s*,\s*(\w+)\s*\)/g, (_, m: string, l: string) => {
    metrics.set(m, metrics.get(m) ?? new Set());
    grouping.add(l);
    return ' ';
  });
  e = e.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_, _k: string, labels: string) => {
    for (const l of labels.split(',').map((x) => x.trim()).filter(Boolean)) grouping.add(l);
    return ' ';
  });
  e = e.replace(/([a-zA-Z_:][\w:]*)?\s*\{([^}]*)\}/g, (_, name: string | undefined, matchers: string) => {
    if (name === undefined) throw new Error(`selector without a metric name in ${expr}`);
    const labels = metrics.get(name) ?? new Set<string>();
    for (const m of matchers.matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"/g)) labels.add(m[1]!);
    metrics.set(name, labels);
    return ' ';
  });
  e = e.replace(/"(?:[^"\\]|\\.)*"/g, ' ');
  for (const m of e.matchAll(/([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, word, call] = m;
    if (call !== undefined) {
      if (!functions.has(word!)) throw new Error(`unknown function ${word} in ${expr}`);
      continue;
    }
    if (keywords.has(word!)) continue;
    metrics.set(word!, metrics.get(word!) ?? new Set());
  }
  return { metrics, grouping };
}

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

function expressions(): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const p of allPanels(dashboard.panels)) for (const t of p.targets ?? []) out.push({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr });
  for (const v of dashboard.templating.list) {
    const q = v.query as { query?: string } | string | undefined;
    if (v.type === 'query') out.push({ where: `variable ${v.name}`, expr: typeof q === 'string' ? q : q!.query! });
  }
  return out;
}

/** Sample names /metrics exposes (histograms as _bucket/_sum/_count) → their label names. */
function exposed(families: Map<string, Family>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const f of families.values()) {
    const names = f.type === 'histogram' ? [`${f.name}_bucket`, `${f.name}_sum`, `${f.name}_count`] : [f.name];
    for (const n of names) out.set(n, new Set());
    for (const s of f.samples) for (const l of Object.keys(s.labels)) out.get(s.name)?.add(l);
  }
  return out;
}

describe('Grafana dashboard', () => {
  let origin: TestOrigin;
  let s: TestServer;
  before(async () => {
    origin = await testOrigin();
    s = await edgeFor(origin);
  });
  after(async () => {
    await s.close();
    await origin.close();
  });

  it('is a well-formed dashboard: uid, unique panel ids, layout on the 24-column grid, templated data source', () => {
    assert.equal(dashboard.uid, 'rws-edge');
    assert.equal(typeof dashboard.schemaVersion, 'number');
    const panels = allPanels(dashboard.panels);
    assert.equal(new Set(panels.map((p) => p.id)).size, panels.length);
    for (const p of panels) {
      assert.ok(p.gridPos.x >= 0 && p.gridPos.x + p.gridPos.w <= 24, p.title);
      if (p.type === 'row') continue;
      assert.deepEqual(p.datasource, { type: 'prometheus', uid: '${datasource}' }, p.title);
      assert.ok((p.targets ?? []).length > 0, `${p.title} has queries`);
    }
    assert.ok(dashboard.templating.list.some((v) => v.name === 'datasource' && v.type === 'datasource'));
  });

  it('covers the required views', () => {
    const all = expressions().map((x) => x.expr).join('\n');
    for (const needle of [
      'rate(http_requests_total',
      'rate(http_request_errors_total',
      'histogram_quantile(0.5, sum by (protocol, le) (rate(http_request_duration_seconds_bucket',
      'histogram_quantile(0.99, sum by (protocol, le) (rate(http_request_duration_seconds_bucket',
      'http_active_connections',
      'rws_ready',
      'rws_draining',
      'rws_upstream_requests_total',
    ]) {
      assert.ok(all.includes(needle), needle);
    }
  });

  it('every expression uses only exposed series and their labels', async () => {
    const clients = protocolClients();
    for (const c of clients) await send(c, s, '/ok');
    await closeAll(clients);
    const series = exposed((await scrape(s.h1)).families);
    for (const { where, expr } of expressions()) {
      const refs = promRefs(expr);
      assert.ok(refs.metrics.size > 0, `${where}: no metric found in ${expr}`);
      const available = new Set(targetLabels);
      for (const [name, labels] of refs.metrics) {
        const known = series.get(name);
        assert.ok(known !== undefined, `${where}: ${name} is not exposed by /metrics`);
        for (const l of known) available.add(l);
        for (const l of labels) assert.ok(known.has(l) || targetLabels.has(l), `${where}: ${name} has no label ${l}`);
      }
      for (const l of refs.grouping) assert.ok(available.has(l), `${where}: grouping label ${l} is on none of its series`);
    }
  });

  it('the reference extractor finds misspelt series and labels', () => {
    assert.deepEqual([...promRefs('sum by (protocol) (rate(http_requests_totl{job=~"$job"}[5m]))').metrics.keys()], ['http_requests_totl']);
    assert.deepEqual([...promRefs('sum by (protocl, le) (rate(x_bucket[1m]))').grouping], ['protocl', 'le']);
    assert.deepEqual([...promRefs('a{reasn="x"} / b').metrics.entries()].map(([k, v]) => [k, [...v]]), [['a', ['reasn']], ['b', []]]);
    assert.throws(() => promRefs('sum(nonesuch_fn(a))'));
  });
});
