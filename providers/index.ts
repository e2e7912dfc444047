import type { ProviderDefinition } from '../src/provider';
import { agoraProvider } from './agora';
import { bentleyProvider } from './bentley';
import { kintoProvider } from './kinto';
import { textileProvider } from './textile';

/** The one place that lists the providers; the core only ever sees this array. */
export const providerDefinitions: readonly ProviderDefinition[] = [
  agoraProvider,
  textileProvider,
  bentleyProvider,
  kintoProvider,
];
