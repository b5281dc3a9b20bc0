import { describe, suggest } from '../../core/option-readers';
import { SNIFFED_CONTENT_TYPES, type SniffedContentType } from './sniff-content-type';
import { UploadRejectedException } from './upload-rejected.exception';

/**
 * Checks an allow-list of types: a non-empty array of {@link SniffedContentType}s. A typo fails
 * with a suggestion (`'image/jpg'`: did you mean `'image/jpeg'`?). Call it once where the list is
 * configured, so a mistake stops bootstrap rather than refuses every upload.
 *
 * @throws TypeError when `allowed` is empty, not an array, or lists an unknown type.
 * @example
 * const AVATAR_TYPES = checkAllowedTypes(['image/png', 'image/jpeg']);
 */
export function checkAllowedTypes(allowed: unknown): readonly SniffedContentType[] {
  if (!Array.isArray(allowed) || allowed.length === 0) {
    throw new TypeError('allowed must be a non-empty array of content types');
  }
  for (const type of allowed as unknown[]) {
    if (typeof type === 'string' && (SNIFFED_CONTENT_TYPES as readonly string[]).includes(type)) {
      continue;
    }
    const nearest = typeof type === 'string' ? suggest(type, SNIFFED_CONTENT_TYPES) : undefined;
    throw new TypeError(
      `allowed lists ${typeof type === 'string' ? `'${type}'` : describe(type)}, which is not a type sniffContentType recognises: ${
        nearest === undefined
          ? `use one of ${SNIFFED_CONTENT_TYPES.map((known) => `'${known}'`).join(', ')}`
          : `did you mean '${nearest}'?`
      }`,
    );
  }
  return allowed as readonly SniffedContentType[];
}

/**
 * Refuses a file whose sniffed type (from {@link sniffContentType}) is not in `allowed`, or was
 * not recognised at all. The file's extension and the client's `Content-Type` play no part:
 * pass the sniffed type only.
 *
 * @throws UploadRejectedException (415 `SECURITY_UPLOAD_TYPE_NOT_ALLOWED`) when it is not allowed.
 * @throws TypeError when `allowed` is malformed (see {@link checkAllowedTypes}).
 * @example
 * const type = sniffContentType(head);
 * assertAllowedType(type, ['image/png', 'image/jpeg']);
 * // here `type` is 'image/png' | 'image/jpeg' | ... (a SniffedContentType)
 */
export function assertAllowedType(
  sniffed: SniffedContentType | undefined,
  allowed: readonly SniffedContentType[],
): asserts sniffed is SniffedContentType {
  const types = checkAllowedTypes(allowed);
  if (sniffed !== undefined && types.includes(sniffed)) return;
  throw new UploadRejectedException({
    reason: 'type-not-allowed',
    detected: sniffed,
    allowed: types,
  });
}
