// Registers cdktf's Testing matchers (toHaveResource, toHaveResourceWithProperties, ...) for the
// suites that synthesize Terraform. Loading cdktf costs ~100 ms per test file, so the handler,
// config and benchmark suites (which never synthesize) skip it.
// Type declarations of those matchers (a global augmentation of jest.Matchers); erased at runtime.
import type {} from 'cdktf/lib/testing/adapters/jest';

const NO_TERRAFORM = /[\\/]__tests__[\\/](functions|config|bench)[\\/]/;

if (!NO_TERRAFORM.test(expect.getState().testPath ?? '')) {
  jest.requireActual<typeof import('cdktf')>('cdktf').Testing.setupJest();
}
