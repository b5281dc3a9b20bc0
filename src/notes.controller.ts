import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { InvalidRequestException } from '@rampart/security';

/** Largest note the reference app accepts, in characters. */
const MAX_TEXT = 10_000;

/**
 * Echoes a note: the reference app's example of an unsafe route that any authenticated caller may
 * use. With the session cookie it needs the CSRF token (`X-CSRF-Token` header, or the `_csrf`
 * field of a form); bearer requests need none.
 */
@Controller('notes')
export class NotesController {
  @Post()
  @HttpCode(201)
  create(@Body() body: unknown): { text: string } {
    const text =
      typeof body === 'object' && body !== null ? (body as { text?: unknown }).text : undefined;
    if (typeof text !== 'string' || text.length > MAX_TEXT) {
      throw new InvalidRequestException(
        `The body needs "text", a string of at most ${MAX_TEXT} characters.`,
      );
    }
    return { text };
  }
}
