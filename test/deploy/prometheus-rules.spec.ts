import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../support/service-process.js';

const run = promisify(execFile);
/** Debian's `prometheus` package (installed by .ci/run when missing). */
const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const RULES = resolve(REPO_ROOT, 'deploy/prometheus/alerts.yml');
const RULE_TESTS = resolve(REPO_ROOT, 'deploy/prometheus/alerts.test.yml');
const DASHBOARD = resolve(REPO_ROOT, 'deploy/grafana/flexport-webhooks.json');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
}

const rules = (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((group) => group.rules);
const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
const dashboardExprs = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));

/** The service's own metric names, as /metrics declares them (histograms with their series suffixes). */
function serviceMetricNames(): Set<string> {
  const source = readFileSync(resolve(REPO_ROOT, 'apps/api/src/metrics/metrics.service.ts'), 'utf8');
  const names = new Set<string>();
  for (const [, name] of source.matchAll(/'(flexport_[a-z0-9_]+)'/g)) {
    names.add(name);
    for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

/** Metric names an expression reads (recording rules, `flexport:…`, excepted). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(flexport_[a-z0-9_]+|process_[a-z0-9_]+)\b/g)].map(([name]) => name);
}

describe('deploy/: Prometheus alert rules and the Grafana dashboard', () => {
  it('the rules are valid (promtool check rules)', async () => {
    const { stdout } = await run(PROMTOOL, ['check', 'rules', RULES]);
    expect(stdout).toMatch(/SUCCESS/);
  });

  it('each alert fires on the input series it is meant for, and only then (promtool test rules)', async () => {
    const { stdout } = await run(PROMTOOL, ['test', 'rules', RULE_TESTS]);
    expect(stdout).toMatch(/SUCCESS/);
  });

  it('alerts on dead letters, backlogs, silence, processing and notification failures and 503s, each tested', () => {
    const alerts = rules.filter((rule) => rule.alert).map((rule) => rule.alert);
    for (const alert of [
      'FlexportDeadLettersRising',
      'FlexportQueueBacklogGrowing',
      'FlexportNoWebhookReceived',
      'FlexportProcessingFailures',
      'FlexportNotificationFailures',
      'FlexportIntakeUnavailable',
    ]) {
      expect(alerts).toContain(alert);
    }
    const tested = new Set(
      (parse(readFileSync(RULE_TESTS, 'utf8')) as { tests: { alert_rule_test: { alertname: string }[] }[] }).tests.flatMap((test) =>
        test.alert_rule_test.map((check) => check.alertname),
      ),
    );
    expect(alerts.filter((alert) => !tested.has(alert!))).toEqual([]);
  });

  it('takes the silence threshold from one recorded variable', () => {
    const threshold = rules.find((rule) => rule.record === 'flexport:webhook_silence_threshold_seconds');
    expect(threshold?.expr).toMatch(/^vector\(\d+\)$/);
    expect(rules.find((rule) => rule.alert === 'FlexportNoWebhookReceived')?.expr).toContain('flexport:webhook_silence_threshold_seconds');
  });

  it("reads only metrics the service exposes, in the rules and in the dashboard's panels", () => {
    const known = serviceMetricNames();
    const unknown = [...rules.map((rule) => rule.expr), ...dashboardExprs]
      .flatMap(metricsIn)
      .filter((name) => name.startsWith('flexport_') && !known.has(name));
    expect(unknown).toEqual([]);
    expect(dashboardExprs.length).toBeGreaterThan(10);
  });

  it("the dashboard's queries are valid PromQL", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-dashboard-'));
    try {
      const file = join(dir, 'dashboard-queries.yml');
      const asRules = dashboardExprs.map((expr, index) => ({ record: `dashboard:query_${index}`, expr }));
      writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules: asRules }] }));
      const { stdout } = await run(PROMTOOL, ['check', 'rules', file]);
      expect(stdout).toMatch(new RegExp(`SUCCESS: ${asRules.length} rules found`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
