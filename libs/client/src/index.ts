/**
 * @tenantry/client: a typed client of the tenantry API, generated from its OpenAPI document
 * (`npm run client:generate` writes schema.ts) on openapi-fetch. Paths, bodies and answers are
 * checked by the compiler:
 *
 *   const api = createTenantryClient({ baseUrl: 'https://api.example.com', accessToken: () => token });
 *   const { data, error } = await api.GET('/v1/projects', { params: { query: { limit: 10 } } });
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema';

export type { components, operations, paths } from './schema';
export type TenantryClient = Client<paths>;
export type Schemas = components['schemas'];

export interface TenantryClientOptions {
  /** The API's origin; empty (the default) means the page's own origin. */
  baseUrl?: string;
  /** Read before every request; its value is sent as `Authorization: Bearer`. */
  accessToken?: () => string | undefined;
  fetch?: typeof globalThis.fetch;
}

export function createTenantryClient(options: TenantryClientOptions = {}): TenantryClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl ?? '', fetch: options.fetch, credentials: 'same-origin' });
  const { accessToken } = options;
  if (accessToken) {
    client.use({
      onRequest({ request }) {
        const token = accessToken();
        if (token && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
        return request;
      },
    });
  }
  return client;
}

/** The API's error shape. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
}

/** An answer that was not a success, with the API's message(s). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
  ) {
    super(messages.join('; ') || `Request failed (${status})`);
    this.name = 'ApiError';
  }
}

function messagesOf(body: unknown, status: number): string[] {
  const message = (body as Partial<ApiErrorBody> | undefined)?.message;
  if (Array.isArray(message)) return message.map(String);
  if (typeof message === 'string') return [message];
  return [`Request failed (${status})`];
}

/** The data of an openapi-fetch answer, or an ApiError carrying the API's message. */
export async function unwrap<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok || error !== undefined) throw new ApiError(response.status, messagesOf(error, response.status));
  return data as T;
}
