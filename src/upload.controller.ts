import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Controller, HttpCode, Post } from '@nestjs/common';
import { BodyLimit, ScannedFile, ScannedUpload, type ScannedUploadFile } from '@rampart/security';

/**
 * Takes one file (multipart field `file`) from any authenticated caller, once it is within the
 * default caps (10 MiB; PNG, JPEG, GIF, WebP, PDF or plain text by content) and scanned clean by
 * clamd (`CLAMAV_SOCKET`, or `CLAMAV_HOST` and `CLAMAV_PORT`): 201 `{ size, sha256 }`. An infected
 * file is 422, and without a configured clamd every upload is 503. With `UPLOAD_DIR` set, each
 * accepted file is stored there under its SHA-256 (never under the client's name).
 */
@Controller('upload')
export class UploadController {
  @Post()
  @HttpCode(201)
  @ScannedUpload()
  // A 10 MiB file (the upload cap) plus the multipart framing around it.
  @BodyLimit(11 * 1024 * 1024)
  async upload(@ScannedFile() file: ScannedUploadFile): Promise<{ size: number; sha256: string }> {
    const dir = process.env.UPLOAD_DIR;
    if (dir !== undefined && dir !== '') {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, file.sha256), file.buffer);
    }
    return { size: file.size, sha256: file.sha256 };
  }
}
