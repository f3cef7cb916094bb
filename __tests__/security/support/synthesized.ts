/**
 * The configurations the security suites scan, each synthesized once per source change (cached
 * across suites, see security/synth.ts): the default (both environments), the VPC
 * variant (exercises the network checks) and the JWT variant (the other API auth mode).
 */
import { cachedSynth } from '../../../security/synth';
import { listSynthesizedStacks, type SynthesizedStack } from '../../../security/terraform-json';

/** Configuration variants: name → `PIPELINE_*` variables. */
export const VARIANTS = {
  default: {},
  vpc: { PIPELINE_ENV: 'prod', PIPELINE_VPC: 'true' },
  jwt: {
    PIPELINE_ENV: 'dev',
    PIPELINE_API_AUTH: 'jwt',
    PIPELINE_JWT_ISSUER: 'https://auth.example.com/',
    PIPELINE_JWT_AUDIENCE: 'market-data-api',
  },
} as const satisfies Record<string, Record<string, string>>;
export type VariantName = keyof typeof VARIANTS;

/**
 * Synthesized stacks of `variant`. Stacks of non-default variants are renamed `<variant>:<stack>`
 * so results from several variants can be told apart in one report.
 */
export function stacksOf(variant: VariantName): SynthesizedStack[] {
  const stacks = listSynthesizedStacks(cachedSynth(VARIANTS[variant]));
  return variant === 'default' ? stacks : stacks.map((s) => ({ ...s, name: `${variant}:${s.name}` }));
}

/** Synthesis of three configurations can take ~20 s on a busy machine. */
export const SYNTH_TIMEOUT_MS = 180_000;
