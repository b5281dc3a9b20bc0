/**
 * `bodyLimit` in the SecurityModule options: the largest request body each route accepts, in
 * bytes. The caps are always on (secure by default); a larger body is refused with 413
 * `SECURITY_BODY_TOO_LARGE` before it is buffered: at once when its declared `Content-Length` is
 * over the cap, and as soon as the byte over the cap arrives when it is streamed (chunked).
 * Override them per route or per controller with `@BodyLimit(bytes)`.
 *
 * @example
 * SecurityModule.forRoot({
 *   bodyLimit: { maxBytes: 256 * 1024, multipartMaxBytes: 20 * 1024 * 1024 },
 * })
 */
export interface BodyLimitOptions {
  /**
   * The largest JSON, urlencoded, text or any other non-multipart body, in bytes (1 byte to
   * 1 GiB).
   * @default 102_400 (100 KiB)
   */
  readonly maxBytes?: number;
  /**
   * The largest `multipart/form-data` body (uploads), in bytes (1 byte to 1 GiB).
   * @default 10_485_760 (10 MiB)
   */
  readonly multipartMaxBytes?: number;
}
