/** The human report of `npm run reconcile`. */
import type { ReconcileReport } from './reconciler';

/** Formats a report: what was compared, every difference, what was repaired. */
export function formatReconcileReport(report: ReconcileReport, table: string, afterFixes?: ReconcileReport): string {
  const lines: string[] = [];
  const range = report.from ? `${report.from} .. ${report.to}` : 'every minute';
  lines.push(`Reconcile ${table} in ${report.region}, ${range}: ${report.minutes} (symbol, minute) pairs,`);
  lines.push(`${report.trades} stored trades`);
  lines.push('');
  if (report.partialDifferences.length === 0 && report.barDifferences.length === 0) {
    lines.push('No differences: every partial bar and merged bar equals its recomputation.');
  }
  for (const d of report.partialDifferences) {
    lines.push(`partial ${d.symbol} ${d.minute} ${d.region}:`);
    for (const f of d.fields) lines.push(`  ${f.field}: stored ${String(f.stored)}, expected ${String(f.expected)}`);
  }
  for (const d of report.barDifferences) {
    const show = (bar: ReconcileReport['barDifferences'][number]['stored']): string =>
      bar
        ? `trades ${bar.trades} volume ${bar.volume} o/h/l/c ${bar.open}/${bar.high}/${bar.low}/${bar.close}`
        : 'none';
    lines.push(`bar ${d.symbol} ${d.minute}: stored ${show(d.stored)}; expected ${show(d.expected)}`);
  }
  if (report.fixes.length > 0) {
    lines.push('');
    for (const f of report.fixes)
      lines.push(
        f.status === 'written'
          ? `fix ${f.symbol} ${f.minute}: reconciliation written; the bars function applies it from the stream`
          : `fix ${f.symbol} ${f.minute}: trades kept changing while reconciling; run again`,
      );
  }
  if (afterFixes) {
    const left = afterFixes.partialDifferences.length + afterFixes.barDifferences.length;
    lines.push(left === 0 ? 'After the fixes: no differences.' : `After waiting: ${left} difference(s) remain.`);
  }
  return `${lines.join('\n')}\n`;
}
