// Registers cdktf's Testing matchers (toHaveResource, toHaveResourceWithProperties, ...) for every suite.
import { Testing } from 'cdktf';
// Type declarations of those matchers (a global augmentation of jest.Matchers); erased at runtime.
import type {} from 'cdktf/lib/testing/adapters/jest';

Testing.setupJest();
