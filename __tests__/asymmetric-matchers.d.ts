/// <reference types="jest" />
// @types/jest types jest's asymmetric matchers (`expect.any(String)`, `expect.stringMatching(/x/)`,
// ...) as `any`, so every expected object holding one is an unsafe `any` to the type-aware lint.
// These overloads give them the type they have at runtime, an `AsymmetricMatcher`, and let
// `toThrow` take one (jest matches the thrown value against it). Declared after @types/jest
// (referenced above), they are merged ahead of its overloads, so they are the ones picked.
declare namespace jest {
  interface Expect {
    any(classType: unknown): AsymmetricMatcher;
    anything(): AsymmetricMatcher;
    arrayContaining<E = unknown>(arr: readonly E[]): AsymmetricMatcher;
    objectContaining<E = object>(obj: E): AsymmetricMatcher;
    stringContaining(str: string): AsymmetricMatcher;
    stringMatching(str: string | RegExp): AsymmetricMatcher;
  }

  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merging needs @types/jest's own type parameters
  interface Matchers<R, T> {
    toThrow(error: AsymmetricMatcher): R;
  }
}
