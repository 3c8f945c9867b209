/** Injection token of the application-role database (RLS applies to every query on it). */
export const APP_DATABASE = Symbol('APP_DATABASE');
