/**
 * Reading the Terraform JSON that `cdktf synth` writes (`<outdir>/stacks/<stack>/cdk.tf.json`).
 * The security review and the policy gate work from this output, never from the constructs,
 * so what they report is what Terraform would plan.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Attributes of one resource or data block (cdktf's `//` metadata included). */
export type Block = Record<string, unknown>;

/** The parts of a synthesized stack that the review reads. */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
  readonly output?: Record<string, Block>;
  readonly provider?: Record<string, Block[]>;
  readonly terraform?: Block;
}

/** One synthesized stack: its name (the folder under `stacks/`), its file and its parsed JSON. */
export interface SynthesizedStack {
  readonly name: string;
  readonly file: string;
  readonly json: TerraformJson;
}

/** One resource (or data source) with its Terraform address. */
export interface AddressedBlock {
  /** `aws_s3_bucket.ingest_bucket_1A2B3C` or `data.aws_iam_policy_document.x`. */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly body: Block;
}

/** A `${type.name.attr...}` reference found in an attribute value. */
export interface Reference {
  /** `resource` or `data`. */
  readonly mode: 'resource' | 'data';
  readonly type: string;
  readonly name: string;
  /** The attribute path after the name (`arn`, `outputs.x`, ...), possibly empty. */
  readonly attribute: string;
}

/** Raised when the output directory holds no synthesized stack. */
export class NoSynthesizedStacksError extends Error {
  constructor(readonly outdir: string) {
    super(`No synthesized stacks under ${join(outdir, 'stacks')}: run \`npm start\` (cdktf synth) first`);
    this.name = 'NoSynthesizedStacksError';
  }
}

/** Every stack under `<outdir>/stacks/*` that has a `cdk.tf.json`, sorted by name. */
export function listSynthesizedStacks(outdir: string): SynthesizedStack[] {
  const stacksDir = join(outdir, 'stacks');
  if (!existsSync(stacksDir)) throw new NoSynthesizedStacksError(outdir);
  const stacks = readdirSync(stacksDir)
    .sort()
    .map((name) => ({ name, file: join(stacksDir, name, 'cdk.tf.json') }))
    .filter((s) => existsSync(s.file))
    .map((s) => ({ ...s, json: JSON.parse(readFileSync(s.file, 'utf8')) as TerraformJson }));
  if (stacks.length === 0) throw new NoSynthesizedStacksError(outdir);
  return stacks;
}

/** Resources of `type` in `json` (empty when there are none). */
export function resourcesOfType(json: TerraformJson, type: string): AddressedBlock[] {
  return Object.entries(json.resource?.[type] ?? {}).map(([name, body]) => ({
    address: `${type}.${name}`,
    type,
    name,
    body,
  }));
}

/** Every resource in `json`. */
export function allResources(json: TerraformJson): AddressedBlock[] {
  return Object.keys(json.resource ?? {}).flatMap((type) => resourcesOfType(json, type));
}

/** Data sources of `type` in `json`. */
export function dataSourcesOfType(json: TerraformJson, type: string): AddressedBlock[] {
  return Object.entries(json.data?.[type] ?? {}).map(([name, body]) => ({
    address: `data.${type}.${name}`,
    type,
    name,
    body,
  }));
}

const WHOLE_REFERENCE = /^\$\{((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_[\]."*-]+)?)\}$/;

/**
 * Parses a value that is exactly one reference, `${aws_iam_role.fn_role.arn}` or
 * `${data.aws_iam_policy_document.doc.json}`; anything else (literals, interpolations inside
 * longer strings, function calls) gives undefined.
 */
export function parseReference(value: unknown): Reference | undefined {
  if (typeof value !== 'string') return undefined;
  const match = WHOLE_REFERENCE.exec(value);
  if (!match) return undefined;
  const parts = match[1].split('.');
  const mode = parts[0] === 'data' ? 'data' : 'resource';
  const rest = mode === 'data' ? parts.slice(1) : parts;
  if (rest.length < 2) return undefined;
  return { mode, type: rest[0], name: rest[1], attribute: rest.slice(2).join('.') };
}

/** The block a reference points to, when it is in the same stack. */
export function resolveReference(json: TerraformJson, ref: Reference): AddressedBlock | undefined {
  const table = ref.mode === 'data' ? json.data : json.resource;
  const body = table?.[ref.type]?.[ref.name];
  if (!body) return undefined;
  return {
    address: ref.mode === 'data' ? `data.${ref.type}.${ref.name}` : `${ref.type}.${ref.name}`,
    type: ref.type,
    name: ref.name,
    body,
  };
}

/**
 * A short human label for an attribute value: literals as they are, `${aws_x.y.arn}` as
 * `aws_x.y.arn`, and the literal name of the referenced resource when it has one
 * (`aws_s3_bucket.ingest(.arn)` → `arn:aws:s3:::market-data-ingest-dev-us-east-1`).
 */
export function describeValue(json: TerraformJson, value: string): string {
  return value.replace(/\$\{([^{}]+)\}/g, (whole, inner: string) => {
    const ref = parseReference(whole);
    if (!ref) return inner;
    const block = resolveReference(json, ref);
    const literal = block ? literalArn(block, ref.attribute) : undefined;
    return literal ?? inner;
  });
}

/**
 * A Terraform JSON attribute as text: `absent` when it is missing or null, a string as it is, a
 * number or boolean as `String` spells it, and an object or array as JSON rather than
 * `[object Object]` (none of the attributes read this way holds one).
 */
export function attributeText(value: unknown, absent: string): string {
  if (value === undefined || value === null) return absent;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Literal ARN/name of a resource when its attributes make it knowable before apply. */
function literalArn(block: AddressedBlock, attribute: string): string | undefined {
  const { type, body } = block;
  const str = (key: string): string | undefined =>
    typeof body[key] === 'string' && !String(body[key]).includes('${') ? body[key] : undefined;
  if (type === 'aws_s3_bucket' && (attribute === 'arn' || attribute === 'bucket' || attribute === 'id')) {
    const bucket = str('bucket');
    if (bucket) return attribute === 'arn' ? `arn:aws:s3:::${bucket}` : bucket;
  }
  if ((attribute === 'name' || attribute === 'function_name') && (str('name') ?? str('function_name'))) {
    return str('name') ?? str('function_name');
  }
  return undefined;
}

/** Every `${...}` reference anywhere inside `value` (deep), e.g. to find what a role is attached to. */
export function referencesIn(value: unknown): Reference[] {
  const found: Reference[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/\$\{([^{}]+)\}/g)) {
        const ref = parseReference(`\${${m[1]}}`);
        if (ref) found.push(ref);
      }
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) if (k !== '//') visit(inner);
    }
  };
  visit(value);
  return found;
}
