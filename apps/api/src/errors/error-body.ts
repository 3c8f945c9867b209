import { STATUS_CODES } from 'node:http';

/** The one error shape of every answer the process writes, whichever layer refuses. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
}

export const reasonPhrase = (status: number): string => STATUS_CODES[status] ?? 'Error';

export const errorBody = (statusCode: number, message: string | string[], error = reasonPhrase(statusCode)): ErrorBody => ({
  statusCode,
  error,
  message,
});
