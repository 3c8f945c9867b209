/**
 * Injection token of the BYPASSRLS pool. Only SystemTransaction (in this lib) injects it; everyone
 * else goes through SystemTransaction, and a test enforces both.
 */
export const SYSTEM_DATABASE = Symbol('SYSTEM_DATABASE');
