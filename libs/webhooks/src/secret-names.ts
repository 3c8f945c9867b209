/** Where an endpoint's signing secrets sit in the tenant secret store. */
export const webhookSecretName = (endpointId: string, which: 'signing' | 'previous') => `webhook:${endpointId}:${which}`;

/** How long the secret a rotation replaced keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
