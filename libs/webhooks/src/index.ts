/**
 * Webhooks on the wire: the address policy (no private or metadata addresses, checked again on
 * every connect), Standard Webhooks signing, the retry schedule and the sender the worker uses.
 */
export * from './address-policy';
export * from './endpoint-shape';
export * from './retry-schedule';
export * from './secret-names';
export * from './signature';
export * from './webhook-headers';
export * from './webhook-sender';
export * from './webhooks.module';
