import { z } from 'zod';
import { errorStatus, type ErrorCode, type errorEnvelope } from '../errors';

const errorCodes = Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]];

/** The contract's error body, answered by every route. */
export const errorEnvelopeSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(errorCodes),
      message: z.string().meta({ description: 'For 5xx only the request id, never a detail' }),
      field: z.string().optional().meta({ description: 'The request field at fault' }),
    }),
    requestId: z.string().meta({ description: 'The `X-Request-Id` of the answer' }),
  })
  .meta({ id: 'ErrorEnvelope' }) satisfies z.ZodType<ReturnType<typeof errorEnvelope>>;

/** The fields every token answer has (`sendToken`): spread them into a provider's answer. */
export const tokenAnswerFields = {
  token: z.string(),
  expiresIn: z.int().min(0).meta({ description: 'Whole seconds from now' }),
  expiresAt: z.iso.datetime(),
};
