/**
 * Thrown at bootstrap when SecurityModule options are unsafe or malformed. The message names the
 * option (as a path such as `jwt.issuer`), what is wrong with it, and how to fix it; it never
 * contains the option's value when that value could be a secret.
 *
 * @example
 * throw new SecurityConfigurationError('jwt.issuer', 'is required', 'set it to the URL that identifies your token issuer');
 */
export class SecurityConfigurationError extends Error {
  readonly code = 'SECURITY_INVALID_OPTIONS' as const;

  constructor(
    /** Dotted path of the offending option, e.g. `jwt.keys[0].secret`. */
    readonly option: string,
    problem: string,
    fix: string,
  ) {
    super(`SecurityModule option "${option}" ${problem}. Fix: ${fix}.`);
    this.name = 'SecurityConfigurationError';
  }
}
