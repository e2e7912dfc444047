/**
 * Compile-time checks (run by `tsc --noEmit`) that the browser client's Agora answer types
 * describe what the gateway answers: a provider change that the client's types miss fails
 * the type check.
 */
import type { Diagnosis, InspectedToken } from '../../client/src/agora-types.js';
import type { Diagnosis as GatewayDiagnosis } from '../../providers/agora/diagnose';
import type { InspectedToken as GatewayInspectedToken } from '../../providers/agora/inspect';

/** True when every `Sent` value is a valid `Typed` one. */
type Describes<Typed, Sent> = [Sent] extends [Typed] ? true : false;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const clientTypesMatchTheGateway: [
  Same<InspectedToken, GatewayInspectedToken>,
  Describes<Diagnosis, GatewayDiagnosis>,
] = [true, true];
