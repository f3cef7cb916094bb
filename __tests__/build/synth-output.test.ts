import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSynthOutput, finishSynthOutput } from '../../build/synth-output';

/** An output directory as cdktf leaves it: a manifest and, per stack, the files given. */
function outdirWith(
  stacks: Record<string, { written: 'cdk.tf.json' | 'cdk.tf'; files: Record<string, string> }>,
): string {
  const outdir = mkdtempSync(join(tmpdir(), 'synth-output-'));
  const manifest: Record<string, { synthesizedStackPath: string }> = {};
  for (const [name, { written, files }] of Object.entries(stacks)) {
    mkdirSync(join(outdir, 'stacks', name), { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(outdir, 'stacks', name, file), text);
    manifest[name] = { synthesizedStackPath: `stacks/${name}/${written}` };
  }
  writeFileSync(join(outdir, 'manifest.json'), JSON.stringify({ stacks: manifest }));
  return outdir;
}

const JSON_STACK = JSON.stringify({
  data: { aws_caller_identity: { me: {} } },
  resource: { aws_sqs_queue: { a: {}, b: {} }, aws_sns_topic: { t: {} } },
  output: { url: { value: 'x' } },
});
const HCL_STACK = [
  'data "aws_caller_identity" "me" {',
  '}',
  'resource "aws_sqs_queue" "a" {',
  '  redrive_policy = "${jsonencode({"resource" = 1})}"',
  '}',
  'resource "aws_sns_topic" "t" {',
  '}',
  'output "url" {',
  '  value = "x"',
  '}',
].join('\n');

describe('finishSynthOutput', () => {
  let outdir: string;
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  it('removes a stale cdk.tf left by an earlier HCL synth next to the cdk.tf.json just written', () => {
    outdir = outdirWith({ s: { written: 'cdk.tf.json', files: { 'cdk.tf.json': JSON_STACK, 'cdk.tf': HCL_STACK } } });
    finishSynthOutput(outdir);
    expect(existsSync(join(outdir, 'stacks/s/cdk.tf'))).toBe(false);
    expect(existsSync(join(outdir, 'stacks/s/cdk.tf.json'))).toBe(true);
  });

  it('removes a stale cdk.tf.json next to the cdk.tf of an HCL synth', () => {
    outdir = outdirWith({ s: { written: 'cdk.tf', files: { 'cdk.tf.json': JSON_STACK, 'cdk.tf': HCL_STACK } } });
    finishSynthOutput(outdir);
    expect(existsSync(join(outdir, 'stacks/s/cdk.tf.json'))).toBe(false);
    expect(existsSync(join(outdir, 'stacks/s/cdk.tf'))).toBe(true);
  });

  it('counts resources, data sources and outputs the same way in both formats', () => {
    outdir = outdirWith({
      j: { written: 'cdk.tf.json', files: { 'cdk.tf.json': JSON_STACK } },
      h: { written: 'cdk.tf', files: { 'cdk.tf': HCL_STACK } },
    });
    const written = finishSynthOutput(outdir);
    expect(
      written.map(({ name, format, resources, dataSources, outputs }) => ({
        name,
        format,
        resources,
        dataSources,
        outputs,
      })),
    ).toEqual([
      { name: 'j', format: 'json', resources: 3, dataSources: 1, outputs: 1 },
      { name: 'h', format: 'hcl', resources: 2, dataSources: 1, outputs: 1 },
    ]);
  });
});

describe('describeSynthOutput', () => {
  const stack = (name: string, file: string) =>
    ({ name, file, format: 'json', resources: 167, dataSources: 5, outputs: 15 }) as const;

  it('prints one line per stack with its counts and where it was written, relative to the working directory', () => {
    const text = describeSynthOutput(
      [stack('global-dev', '/repo/cdktf.out/stacks/global-dev/cdk.tf.json'), stack('other', '/elsewhere/cdk.tf.json')],
      '/repo',
    );
    expect(text.split('\n')).toEqual([
      'Synthesized 2 stacks (Terraform JSON):',
      expect.stringMatching(
        /^ {2}global-dev +167 resources +5 data sources +15 outputs +cdktf\.out\/stacks\/global-dev\/cdk\.tf\.json$/,
      ),
      expect.stringMatching(/^ {2}other +167 resources .* \/elsewhere\/cdk\.tf\.json$/),
    ]);
  });
});
