/**
 * docs/dashboard.md and docs/grafana-dashboard.json stay true to the code: the metrics table lists exactly the
 * metrics InferenceMetrics registers, with their types and labels; the Grafana dashboard queries each of them and
 * nothing the node does not export; the screenshot the page shows exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { InferenceMetrics } from '../../../src/cluster/inference-metrics.js';
import { fedRegistry } from './registry-feed.js';

const doc = readFileSync('docs/dashboard.md', 'utf8');
const grafana = JSON.parse(readFileSync('docs/grafana-dashboard.json', 'utf8')) as {
  uid: string;
  panels: { id: number; type: string; datasource?: { uid: string }; targets?: { expr: string }[] }[];
  templating: { list: { name: string }[] };
};

/** The metrics an InferenceMetrics with a registry of workers registers: name -> type and label names. */
async function exported(): Promise<Map<string, { type: string; labels: string[] }>> {
  const registry = new Registry();
  new InferenceMetrics({ registry, workers: fedRegistry() }).close();
  const out = new Map<string, { type: string; labels: string[] }>();
  for (const metric of await registry.getMetricsAsJSON()) {
    const labels = (registry.getSingleMetric(metric.name) as unknown as { labelNames: string[] }).labelNames;
    out.set(metric.name, { type: String(metric.type), labels: [...labels].sort() });
  }
  return out;
}

/** The rows of the metrics table of docs/dashboard.md: name, type and labels as written. */
function documented(): Map<string, { type: string; labels: string[] }> {
  const section = doc.slice(doc.indexOf('## The inference metrics'));
  const rows = section.split('\n').filter((line) => /^\| `(gen_ai|mlx_distributed)_[a-z_]+` \| (counter|gauge|histogram) \|/.test(line));
  return new Map(
    rows.map((row) => {
      const [, name = '', type = '', labels = ''] = row.split('|').map((cell) => cell.trim());
      return [name.replaceAll('`', ''), { type, labels: [...labels.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!).sort() }];
    }),
  );
}

describe('docs/dashboard.md and docs/grafana-dashboard.json', () => {
  it('the metrics table lists every inference metric, with its type and labels, and nothing else', async () => {
    const actual = await exported();
    const written = documented();
    expect([...written.keys()].sort()).toEqual([...actual.keys()].sort());
    for (const [name, { type, labels }] of actual) expect(written.get(name), name).toEqual({ type, labels });
  });

  it('the Grafana dashboard queries every inference metric and only those', async () => {
    const actual = await exported();
    const exprs = grafana.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    const names = exprs.flatMap((expr) =>
      [...expr.matchAll(/\b(gen_ai_[a-z_]+|mlx_distributed_[a-z_]+)\b/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, '')),
    );
    // gen_ai_request_model is a label, not a metric.
    const queried = new Set(names.filter((name) => name !== 'gen_ai_request_model'));
    expect([...queried].sort()).toEqual([...actual.keys()].sort());
  });

  it('the Grafana dashboard: unique panel ids, one data source variable used by every panel, the model and worker variables', () => {
    const ids = grafana.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of grafana.panels.filter((p) => p.type !== 'row')) expect(panel.datasource?.uid, String(panel.id)).toBe('${datasource}');
    expect(grafana.templating.list.map((v) => v.name)).toEqual(['datasource', 'model', 'worker']);
    expect(grafana.uid).toBe('mlx-serving-inference');
  });

  it('the screenshot the page shows exists and is small', () => {
    const image = /!\[[^\]]*\]\((images\/[^)]+\.png)\)/.exec(doc)?.[1];
    expect(image).toBe('images/dashboard.png');
    expect(existsSync(`docs/${image}`)).toBe(true);
    expect(readFileSync(`docs/${image}`).length).toBeLessThan(200 * 1024);
  });
});
