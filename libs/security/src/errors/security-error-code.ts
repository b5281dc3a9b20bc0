/**
 * Every stable error code Rampart puts in a response body's `code` or on a startup error.
 * Codes never change meaning once released; clients may branch on them.
 */
export type SecurityErrorCode =
  | 'SECURITY_AUTHENTICATION_REQUIRED'
  | 'SECURITY_INVALID_TOKEN'
  | 'SECURITY_INVALID_CERTIFICATE'
  | 'SECURITY_TOKEN_EXPIRED'
  | 'SECURITY_INVALID_CREDENTIALS'
  | 'SECURITY_INVALID_REFRESH_TOKEN'
  | 'SECURITY_FORBIDDEN'
  | 'SECURITY_BAD_REQUEST'
  | 'SECURITY_STORE_UNAVAILABLE'
  | 'SECURITY_INVALID_OPTIONS';
