import * as z from 'zod';

/** The original, simple API: one prompt in, one answer out, routed like `model: "auto"`. */
export const routeInferenceRequestSchema = z.strictObject({
  text: z.string({ error: 'text is required' }).min(1, 'text must not be empty'),
  model: z.string().min(1).optional(),
  max_tokens: z.number().int().positive().optional(),
});
export type RouteInferenceRequest = z.infer<typeof routeInferenceRequestSchema>;
