// The report page: one self-contained HTML file (inline CSS, inline SVG figures, no scripts,
// fonts or links to fetch) that opens offline.
import type { Figure } from './report-figures';
import type { ReportCandidate, ReportData } from './report-model';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px auto; max-width: 1100px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th { background: #f2f2f2; } td.id, th.id { text-align: left; }
tr.front td { background: #fdecea; } tr.probe td { color: #666; }
figure { margin: 12px 0; } figcaption { font-weight: 600; margin-bottom: 4px; }
pre { background: #f6f6f6; padding: 8px; overflow-x: auto; font-size: 12px; }
`;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const percent = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(2)}%`);
const millions = (value: number | null) => (value === null ? '—' : (value / 1e6).toFixed(2));

function row(cells: string[], className = ''): string {
  const attr = className ? ` class="${className}"` : '';
  const tds = cells.map((cell, i) =>
    i === 0 ? `<td class="id">${cell}</td>` : `<td>${cell}</td>`,
  );
  return `<tr${attr}>${tds.join('')}</tr>`;
}

function table(headers: string[], rows: string[]): string {
  const ths = headers.map((h, i) => (i === 0 ? `<th class="id">${h}</th>` : `<th>${h}</th>`));
  return `<table><thead><tr>${ths.join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function candidateTable(candidates: ReportCandidate[]): string {
  const headers = [
    'candidate',
    'role',
    'iteration',
    'depths',
    'params (M)',
    'MACs (M)',
    'val accuracy',
    'test accuracy',
    'train s',
    'attempts (train/score/evaluate)',
  ];
  const rows = candidates.map((c) => {
    const { train, score, evaluate } = c.attempts;
    const cells = [
      escapeHtml(c.candidateId) + (c.onParetoFront ? ' ★' : ''),
      c.role,
      String(c.iteration),
      `[${c.depths.join(', ')}]`,
      millions(c.params),
      millions(c.macs),
      percent(c.valAccuracy),
      percent(c.testAccuracy),
      c.reusedFrom ? `= ${escapeHtml(c.reusedFrom)}` : c.trainSeconds.toFixed(1),
      `${train}/${score}/${evaluate ?? '—'}`,
    ];
    return row(cells, c.onParetoFront ? 'front' : c.role === 'probe' ? 'probe' : '');
  });
  return table(headers, rows);
}

function decisionTable(report: ReportData): string {
  if (report.decisions.length === 0) return '<p>No growth decisions.</p>';
  const fixed = (scores: number[]) => scores.map((s) => s.toFixed(3)).join(', ');
  const rows = report.decisions.map((d) =>
    row([
      String(d.iteration),
      `[${d.currentDepths.join(', ')}]`,
      fixed(d.currentScores),
      `[${d.probeDepths.join(', ')}]`,
      fixed(d.probeScores),
      d.grow.map((g) => (g ? 'yes' : 'no')).join(', '),
      d.converged ? 'converged' : `[${d.nextDepths.join(', ')}]`,
    ]),
  );
  const headers = ['iteration', 'current', 'importance', 'probe', 'importance', 'grow', 'next'];
  return table(headers, rows);
}

function facts(report: ReportData): string {
  const { environment: env, spec } = report;
  const rows = [
    ['search', report.searchId],
    ['status', report.status],
    ['dataset', report.datasetId],
    ['final depths', `[${report.finalDepths.join(', ')}]`],
    ['best candidate', report.bestCandidateId ?? '—'],
    ['Pareto front', report.paretoFront.join(', ') || '—'],
    ['seed', String(spec.seed)],
    ['backend', env.backend],
    ['TensorFlow', env.tfVersion],
    ['swnas', env.swnasVersion],
    ['Node.js', env.nodeVersion],
  ].map(([name, value]) => row([escapeHtml(name), escapeHtml(value)]));
  return table(['', ''], rows);
}

/** The whole page; the figures' SVG documents go in as they are. */
export function renderHtml(report: ReportData, figures: Figure[]): string {
  const title = `swnas report: ${escapeHtml(report.searchId)}`;
  const sections = figures.map(
    (f) =>
      `<figure id="${f.name}"><figcaption>${escapeHtml(f.title)}</figcaption>${f.svg}</figure>`,
  );
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${title}</title><style>${STYLE}</style></head><body>`,
    `<h1>${title}</h1>`,
    facts(report),
    '<h2>Figures</h2>',
    '<p>Probes (triangles) show validation accuracy and are not evaluated; the grey line joins',
    'the kept candidates in iteration order; the dashed red line is the Pareto front.</p>',
    ...sections,
    '<h2>Candidates</h2>',
    '<p>★ and red rows: on the Pareto front of test accuracy against MACs.</p>',
    candidateTable(report.candidates),
    '<h2>Growth decisions</h2>',
    decisionTable(report),
    '<h2>Spec</h2>',
    `<pre>${escapeHtml(JSON.stringify(report.spec, null, 2))}</pre>`,
    '</body></html>',
    '',
  ].join('\n');
}
