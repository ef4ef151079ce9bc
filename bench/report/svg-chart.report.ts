import type { BenchResults, VariantResult } from './bench-results.interface.js';
import { ratio } from './summarize.util.js';

const WIDTH = 980;
const LABEL_RIGHT = 350;
const BAR_LEFT = 360;
const BAR_MAX = 330;
const ROW = 34;
const HEADING = 28;
const COLORS: Record<VariantResult['family'], string> = {
  floor: '#9aa0a6',
  ours: '#1b873f',
  'express-session': '#3b6fd8',
  'fastify-session': '#8e44ad',
};
const SHORT_NAMES: Record<string, string> = {
  'es-default': 'express-session defaults',
  'es-notouch': 'express-session disableTouch',
  'fs-default': '@fastify/session defaults',
  'fs-norolling': '@fastify/session rolling: false',
};

const escape = (text: string): string =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * A horizontal bar chart of median req/s per variant, grouped by adapter (each group on its own
 * scale: the Fastify floor is several times the Express one), each bar labelled with its ratio
 * to the floor and, for ours, to the alternatives on the same adapter. Plain SVG.
 */
export function svgChart(results: BenchResults): string {
  const body: string[] = [];
  let y = 48;
  for (const adapter of ['express', 'fastify'] as const) {
    const group = results.variants.filter((v) => v.adapter === adapter && v.transport === 'http');
    if (group.length === 0) continue;
    const max = Math.max(1, ...group.map((v) => v.rps ?? 0));
    body.push(
      `<text x="12" y="${y + 18}" class="heading">${adapter === 'express' ? 'Express' : 'Fastify'}</text>`,
    );
    y += HEADING;
    for (const variant of group) {
      body.push(...row(variant, group, y, max));
      y += ROW;
    }
    y += 8;
  }
  const { config } = results;
  const title =
    `GET /me with a signed-in session: req/s, median of ${config.rounds} interleaved rounds ` +
    `(${config.connections} connections; higher is better)`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y + 24}" viewBox="0 0 ${WIDTH} ${y + 24}" font-family="Helvetica, Arial, sans-serif">`,
    '<style>text{font-size:13px;fill:#24292f}.heading{font-weight:bold;font-size:14px}.title{font-size:15px;font-weight:bold}.note{font-size:11px;fill:#57606a}.skip{font-style:italic;fill:#57606a}</style>',
    `<rect width="${WIDTH}" height="${y + 24}" fill="#ffffff"/>`,
    `<text x="12" y="26" class="title">${escape(title)}</text>`,
    ...body,
    `<text x="12" y="${y + 12}" class="note">${escape(`nestjs-sessions bench, ${results.generatedAt.slice(0, 10)}; bars scaled per adapter; ratios are within this run`)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

function row(
  variant: VariantResult,
  group: readonly VariantResult[],
  y: number,
  max: number,
): string[] {
  const label = `<text x="${LABEL_RIGHT}" y="${y + 15}" text-anchor="end">${escape(variant.label)}</text>`;
  if (variant.rps === null) {
    const why = variant.skipped ?? 'not measured';
    return [label, `<text x="${BAR_LEFT}" y="${y + 15}" class="skip">${escape(why)}</text>`];
  }
  const width = Math.max(1, (variant.rps / max) * BAR_MAX);
  const floor = variant.vsFloor === null ? '' : ` · ${variant.vsFloor.toFixed(2)}× floor`;
  const lines = [
    label,
    `<rect x="${BAR_LEFT}" y="${y + 2}" width="${width.toFixed(1)}" height="18" rx="2" fill="${COLORS[variant.family]}"/>`,
    `<text x="${(BAR_LEFT + width + 6).toFixed(1)}" y="${y + 15}">${escape(`${int(variant.rps)} req/s${floor}`)}</text>`,
  ];
  if (variant.family === 'ours') {
    const versus = group
      .filter((other) => SHORT_NAMES[other.id] !== undefined && other.rps !== null)
      .map((other) => `${ratio(variant.rps, other.rps)!.toFixed(2)}× ${SHORT_NAMES[other.id]}`);
    if (versus.length > 0) {
      lines.push(
        `<text x="${(BAR_LEFT + width + 6).toFixed(1)}" y="${y + 27}" class="note">${escape(versus.join(' · '))}</text>`,
      );
    }
  }
  return lines;
}
