/**
 * `npm run reconcile -- --env <env> --region <r> --from <minute> --to <minute> [--fix]`:
 * recomputes minute bars from the stored trades and reports (or repairs) every difference.
 * Talks to AWS with the ambient credentials, or to AWS_ENDPOINT_URL when set (the emulator).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadConfig, tableName } from '../config';
import { parseReconcileArgs, USAGE, UsageError } from './cli-args';
import { formatReconcileReport } from './report-format';
import { reconcileBars, type ReconcileReport } from './reconciler';

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseReconcileArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig(args.env);
  const regions = [config.primaryRegion, config.drRegion];
  const region = args.region as string;
  if (!regions.includes(region)) {
    process.stderr.write(`--region must be one of ${regions.join(', ')} (env ${args.env}), got ${region}\n`);
    return 2;
  }
  const dynamodb = new DynamoDBClient({ region });
  const options = {
    dynamodb,
    tableName: tableName(config),
    region,
    regions,
    from: args.from,
    to: args.to,
    source: args.scan ? ('scan' as const) : ('query' as const),
    symbols: args.symbols,
  };
  const report = await reconcileBars({ ...options, fix: args.fix });
  let afterFixes: ReconcileReport | undefined;
  if (args.fix && args.waitSeconds > 0 && report.fixes.length > 0) {
    // The bars function applies the fixes when the stream delivers them: check until they show.
    const deadline = Date.now() + args.waitSeconds * 1000;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      afterFixes = await reconcileBars({ ...options, fix: false });
      if (!afterFixes.partialDifferences.some((d) => d.region === region) || Date.now() >= deadline) break;
    }
  }
  const remaining = afterFixes
    ? afterFixes.partialDifferences.length + afterFixes.barDifferences.length
    : args.fix
      ? // Without waiting, only the other region's differences are certain to remain.
        report.partialDifferences.filter((d) => d.region !== region).length
      : report.partialDifferences.length + report.barDifferences.length;
  const output = afterFixes ? { ...report, afterFixes } : report;
  process.stdout.write(
    args.json ? `${JSON.stringify(output)}\n` : formatReconcileReport(report, tableName(config), afterFixes),
  );
  return remaining > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`reconcile failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
