/**
 * What an application keeps in its sessions, declared by module augmentation so that
 * `session.get()` and `session.set()` are typed. Values must be JSON (they live in the store).
 *
 * @example
 * declare module '@rampart/security' {
 *   interface SessionData {
 *     cart: { sku: string; quantity: number }[];
 *     theme: 'light' | 'dark';
 *   }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by module augmentation
export interface SessionData {}
