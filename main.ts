/**
 * The cdktf app: bundles the handlers once, then the `bootstrap` stack (the Terraform state
 * buckets) and per selected environment a global stack and one regional stack per region
 * (`global-<env>`, `regional-<env>-<region>`).
 * `PIPELINE_ENV=<env>` limits synthesis to one environment. Run as a program (`npm start`, the
 * cdktf CLI), it also removes the other format's stale stack files and prints what it wrote.
 */
import { App } from 'cdktf';
import { ConfigErrors, loadConfig, selectedEnvironments } from './config';
import { MissingFunctionEntryError, bundleFunctions } from './build/function-bundles';
import { describeSynthOutput, finishSynthOutput } from './build/synth-output';
import { BOOTSTRAP_STACK, BootstrapStack } from './stacks/bootstrap-stack';
import { GlobalStack } from './stacks/global-stack';
import { RegionalStack } from './stacks/regional-stack';

/** Builds the app (does not synthesize). `outdir` defaults to cdktf's (`cdktf.out`). */
export function buildApp(options: { outdir?: string } = {}): App {
  const app = new App({ outdir: options.outdir });
  const bundles = bundleFunctions();
  const configs = selectedEnvironments().map((env) => loadConfig(env));
  // The state buckets every backend below needs; deployed once, by name, with local state.
  new BootstrapStack(app, BOOTSTRAP_STACK, { configs });
  for (const config of configs) {
    const env = config.env;
    const global = new GlobalStack(app, `global-${env}`, { config });
    for (const region of [config.primaryRegion, config.drRegion]) {
      const regional = new RegionalStack(app, `regional-${env}-${region}`, { config, region, bundles });
      // Deploy order only: the regional stack reads the table and key by name, not from global's state.
      regional.addDependency(global);
    }
  }
  return app;
}

if (require.main === module) {
  try {
    const app = buildApp();
    app.synth();
    console.log(describeSynthOutput(finishSynthOutput(app.outdir)));
  } catch (error) {
    // A configuration mistake or a missing handler is the user's to fix: the message names it; a stack trace is noise.
    if (error instanceof ConfigErrors || error instanceof MissingFunctionEntryError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
