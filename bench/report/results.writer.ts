import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchResults } from './bench-results.interface.js';
import { markdownReport } from './markdown.report.js';
import { svgChart } from './svg-chart.report.js';

/** Writes `latest.json`, `latest.md` and `latest.svg` into `dir`; returns the markdown. */
export async function writeResults(dir: string, results: BenchResults): Promise<string> {
  await mkdir(dir, { recursive: true });
  const markdown = markdownReport(results);
  await writeFile(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(dir, 'latest.md'), markdown);
  await writeFile(join(dir, 'latest.svg'), svgChart(results));
  return markdown;
}
