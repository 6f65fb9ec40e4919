import { appendFileSync } from 'node:fs';

/**
 * Counts the reliability cases as they run (tried, survived), and the records any of them lost, and
 * prints them as the README's reliability table when the run ends. RELIABILITY_REPORT names a file
 * that also receives the table.
 */
const rows = new Map<string, { tried: number; survived: number }>();
let lost = 0;

export function recordLost(records: number): void {
  lost += records;
}

afterEach(function () {
  const test = this.currentTest;
  const [suite] = test?.titlePath() ?? [];
  if (!test || !suite?.startsWith('Reliability:')) return;
  const row = rows.get(suite) ?? { tried: 0, survived: 0 };
  row.tried += 1;
  if (test.state === 'passed') row.survived += 1;
  rows.set(suite, row);
});

after(() => {
  if (rows.size === 0) return;
  const lines = ['| reliability suite | cases tried | survived | records lost |', '|---|---|---|---|'];
  for (const [suite, row] of rows) lines.push(`| ${suite.replace(/^Reliability: /, '')} | ${row.tried} | ${row.survived} | ${suite.includes('crash') ? lost : 0} |`);
  const table = lines.join('\n');
  process.stdout.write(`\n${table}\n`);
  if (process.env.RELIABILITY_REPORT) appendFileSync(process.env.RELIABILITY_REPORT, `${table}\n`);
});
