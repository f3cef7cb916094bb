// Registers cdktf's Testing matchers (toHaveResource, toHaveResourceWithProperties, ...) for every suite.
import { Testing } from 'cdktf';

Testing.setupJest();
