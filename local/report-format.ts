/** The human summary `npm run local` prints on stdout. */
import type { LocalRunReport } from './run-report';

/** Aligns columns: numbers to the right, text to the left. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const numeric = rows[0].map(
    (_, column) => rows.slice(1).every((row) => /^-?[\d.]+$/.test(row[column])) && rows.length > 1,
  );
  return rows.map((row) =>
    row
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd(),
  );
}

/** Rows of rejects and bars printed at most (all of them are in `--json`). */
export const PRINTED_ROWS_MAX = 50;

/** The first {@link PRINTED_ROWS_MAX} of `rows`, plus a line saying how many more there are. */
function capped(rows: string[], total: number): string[] {
  return total > PRINTED_ROWS_MAX ? [...rows, `  ... and ${total - PRINTED_ROWS_MAX} more (--json prints all)`] : rows;
}

/** Formats a report as text: files, totals, rejects and bars. */
export function formatReport(
  report: LocalRunReport,
  context: { env: string; region: string; endpoint: string; seconds: number },
): string {
  const lines: string[] = [];
  lines.push(
    `Local run: env ${context.env}, region ${context.region}, emulator ${context.endpoint}, ` +
      `${context.seconds.toFixed(1)} s`,
  );
  lines.push('');
  lines.push('Files');
  const reasons = (r: Record<string, number>): string =>
    Object.entries(r)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
  lines.push(
    ...table([
      ['key', 'status', 'accepted', 'rejected', 'reasons'],
      ...report.files.map((f) => [f.key, f.status, String(f.accepted), String(f.rejected), reasons(f.reasons) || '-']),
    ]).map((l) => `  ${l}`),
  );
  lines.push('');
  lines.push(
    `Totals: ${report.accepted} accepted, ${report.rejected} rejected, ` +
      `${report.stored} record items stored in the table`,
  );
  if (report.rejects.length > 0) {
    lines.push('');
    lines.push('Rejected rows');
    const shown = report.rejects.slice(0, PRINTED_ROWS_MAX);
    lines.push(
      ...capped(
        table([['file', 'line', 'reason'], ...shown.map((r) => [r.file, String(r.line), r.reason])]).map(
          (l) => `  ${l}`,
        ),
        report.rejects.length,
      ),
    );
  }
  lines.push('');
  lines.push(`Minute bars (${report.bars.length}, from the table)`);
  lines.push(
    ...capped(
      table([
        ['symbol', 'minute', 'open', 'high', 'low', 'close', 'volume', 'trades', 'vwap', 'notional'],
        ...report.bars
          .slice(0, PRINTED_ROWS_MAX)
          .map((b) => [
            b.symbol,
            b.minute,
            b.open,
            b.high,
            b.low,
            b.close,
            String(b.volume),
            String(b.trades),
            b.vwap,
            b.notional,
          ]),
      ]).map((l) => `  ${l}`),
      report.bars.length,
    ),
  );
  lines.push('');
  const drift = report.drift;
  lines.push(
    `Reconciled: ${drift.minutes} (symbol, minute) pairs recomputed from the stored trades, drift ${drift.differences}`,
  );
  for (const d of drift.partials)
    lines.push(`  partial ${d.symbol} ${d.minute} ${d.region}: ${d.fields.map((f) => f.field).join(', ')} differ`);
  for (const d of drift.bars) lines.push(`  bar ${d.symbol} ${d.minute} differs`);
  return `${lines.join('\n')}\n`;
}
