/**
 * The naive baseline the benchmark compares our synth against: what `cdktf init --template
 * typescript` plus `cdktf provider add aws` gives a new team. One small stack, the provider's
 * barrel import (which loads every resource class of the AWS provider), run with ts-node, which
 * type-checks the program (and so the barrel's declarations) before it runs.
 * Deliberately not how this repo is built; do not copy.
 */
import { Construct } from 'constructs';
import { App, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import * as aws from '@cdktf/provider-aws';

class BaselineStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    new aws.provider.AwsProvider(this, 'aws', { region: 'us-east-1' });
    new S3Backend(this, { bucket: 'baseline-terraform-state', key: 'baseline.tfstate', region: 'us-east-1' });

    const bucket = new aws.s3Bucket.S3Bucket(this, 'ingest', { bucketPrefix: 'baseline-ingest-' });
    new aws.s3BucketPublicAccessBlock.S3BucketPublicAccessBlock(this, 'ingest-public-access', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const table = new aws.dynamodbTable.DynamodbTable(this, 'table', {
      name: 'baseline-table',
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'pk',
      rangeKey: 'sk',
      attribute: [
        { name: 'pk', type: 'S' },
        { name: 'sk', type: 'S' },
      ],
    });

    new TerraformOutput(this, 'bucket_name', { value: bucket.bucket });
    new TerraformOutput(this, 'table_arn', { value: table.arn });
  }
}

const app = new App();
new BaselineStack(app, 'baseline');
app.synth();
