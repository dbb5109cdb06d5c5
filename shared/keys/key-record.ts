import * as z from 'zod';
import { limitsSchema } from '../config/schema.ts';

/**
 * Limits as stored, read without the bounds the admin API checks on the way in: a key written
 * before a bound existed keeps working.
 */
const storedLimitsSchema = z.partialRecord(limitsSchema.keyof(), z.number());

/** An API key as stored (without the secret) and as the admin API shows it. */
export const keyRecordSchema = z.object({
  id: z.string(),
  tenant: z.string(),
  name: z.string(),
  status: z.enum(['active', 'revoked']),
  hint: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
  revokedAt: z.string().optional(),
  /** Model ids and aliases this key may request; all when absent. */
  models: z.array(z.string()).optional(),
  limits: storedLimitsSchema.optional(),
  /** A plan from the config: its limits apply where the key sets none, and rules may match it. */
  plan: z.string().optional(),
  /** A guardrail policy from the config, for this key only. */
  guardrailPolicy: z.string().optional(),
  lagoSubscriptionId: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});
export type KeyRecord = z.infer<typeof keyRecordSchema>;

const tenantSchema = z
  .string({ error: 'tenant is required' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'tenant is 1-64 letters, digits, . _ or -');

/** `POST /admin/keys`. */
export const createKeyRequestSchema = z.strictObject({
  tenant: tenantSchema,
  name: z.string().min(1).max(128).default('default'),
  models: z.array(z.string().min(1)).min(1).optional(),
  limits: limitsSchema.optional(),
  plan: z.string().min(1).max(64).optional(),
  guardrailPolicy: z.string().min(1).max(64).optional(),
  lagoSubscriptionId: z.string().min(1).max(256).optional(),
  metadata: z.record(z.string().max(64), z.string().max(512)).optional(),
  /** ISO date-time after which the key stops working. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateKeyRequest = z.infer<typeof createKeyRequestSchema>;

/**
 * A change to a key's limits: the fields given change, the others stay; `null` removes one
 * (`{"rpm": 2}` keeps the key's tpm).
 */
const limitsPatchSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(limitsSchema.shape).map(([field, schema]) => [field, schema.unwrap().nullable().optional()]),
  ) as {
    [Field in keyof typeof limitsSchema.shape]: z.ZodOptional<
      z.ZodNullable<ReturnType<(typeof limitsSchema.shape)[Field]['unwrap']>>
    >;
  },
);
export type LimitsPatch = z.infer<typeof limitsPatchSchema>;

/** `PATCH /admin/keys/{id}`: fields to change; `null` removes an optional field; `limits` merge field by field. */
export const updateKeyRequestSchema = z
  .strictObject({
    name: z.string().min(1).max(128).optional(),
    models: z.array(z.string().min(1)).min(1).nullable().optional(),
    limits: limitsPatchSchema.nullable().optional(),
    plan: z.string().min(1).max(64).nullable().optional(),
    guardrailPolicy: z.string().min(1).max(64).nullable().optional(),
    lagoSubscriptionId: z.string().min(1).max(256).nullable().optional(),
    metadata: z.record(z.string().max(64), z.string().max(512)).nullable().optional(),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .refine((update) => Object.keys(update).length > 0, { message: 'name at least one field to change' });
export type UpdateKeyRequest = z.infer<typeof updateKeyRequestSchema>;

export const listKeysQuerySchema = z.strictObject({
  tenant: tenantSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.string().optional(),
});

export const isKeyUsable = (record: KeyRecord, now: Date): boolean =>
  record.status === 'active' && (record.expiresAt === undefined || Date.parse(record.expiresAt) > now.getTime());
