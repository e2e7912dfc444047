import { GatewayError } from '../../src/errors';
import type { Logger } from '../../src/logger';

// The client only hands back the hub's grpc-message text, so failures are told apart by it.
const apiKeyRefusals = [
  'API key not found or is invalid',
  'API key signature required',
  'Bad API key signature',
];
const signatureRefusals = ['bad signature'];

/** The stage of a GetToken stream a failure happened in. */
export type HubStage = 'challenge' | 'token';

/** Turns a failure of the hub stream into the error the client sees, logging what matters. */
export function hubFailure(error: unknown, stage: HubStage, logger: Logger): GatewayError {
  if (error instanceof GatewayError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (apiKeyRefusals.some((text) => detail.includes(text))) {
    logger.error(
      'TEXTILE HUB REFUSED THE GATEWAY API KEY: check TEXTILE_USER_API_KEY and TEXTILE_USER_API_SECRET',
      { hubMessage: detail },
    );
    return new GatewayError(
      'upstream_error',
      "the gateway's Textile API key is misconfigured (the hub refused it); tell the operator",
    );
  }
  if (signatureRefusals.includes(detail)) {
    return new GatewayError('unauthorized', 'the Textile hub rejected the signature', 'signature', {
      'WWW-Authenticate': 'Textile error="invalid_signature"',
    });
  }
  logger.warn('textile hub call failed', { stage, detail });
  return new GatewayError(
    'upstream_error',
    stage === 'challenge'
      ? 'the Textile hub could not be reached or closed the stream'
      : 'the Textile hub ended the stream before issuing a token',
  );
}

/** The error of a hub that does not answer within `TEXTILE_HUB_TIMEOUT`. */
export const hubTimeout = () =>
  new GatewayError('upstream_timeout', 'the Textile hub did not answer in time');
