/**
 * `@textile/hub`, loaded when first used: it is the heaviest library of the gateway (a third
 * of a second and megabytes to load), and a gateway without the textile provider needs none of it.
 */
let library: typeof import('@textile/hub') | undefined;

export function textileHub(): typeof import('@textile/hub') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  library ??= require('@textile/hub') as typeof import('@textile/hub');
  return library;
}
