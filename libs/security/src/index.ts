// Public surface of @rampart/security: explicit named exports only.
export { SecurityStore } from './store/security-store.interface';
export type { StoreCounter } from './store/security-store.interface';
export { SecurityException } from './errors/security.exception';
export type { SecurityErrorBody } from './errors/security.exception';
export type { SecurityErrorCode } from './errors/security-error-code';
export { StoreUnavailableException } from './errors/store-unavailable.exception';
