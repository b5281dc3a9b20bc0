import { Controller, HttpCode, Module, Post, type DynamicModule } from '@nestjs/common';
import {
  Public,
  ScannedFile,
  ScannedFiles,
  ScannedUpload,
  ScannedUploadFields,
  SecurityModule,
  type ScannedUploadFile,
  type UploadFields,
  type UploadsOptions,
} from '@rampart/security';

/** What the handlers saw: every file they were handed, in order. */
export class UploadLedger {
  readonly calls: ScannedUploadFile[][] = [];

  /** SHA-256 of every file a handler received ("stored"). */
  stored(): string[] {
    return this.calls.flat().map((file) => file.sha256);
  }
}

function describeFiles(files: readonly ScannedUploadFile[], fields?: UploadFields) {
  return {
    files: files.map(({ fieldName, fileName, contentType, size, sha256, buffer }) => ({
      fieldName,
      fileName,
      contentType,
      size,
      sha256,
      bufferBytes: buffer.length,
    })),
    ...(fields === undefined ? {} : { fields: { ...fields } }),
  };
}

/** The upload routes of the scenario, with caps small enough to test cheaply. */
function uploadController(ledger: UploadLedger) {
  @Public()
  @Controller()
  class UploadController {
    /** The defaults: one file in `file`, 10 MiB, images, PDF and plain text. */
    @Post('upload')
    @HttpCode(201)
    @ScannedUpload()
    upload(@ScannedFile() file: ScannedUploadFile): { size: number; sha256: string } {
      ledger.calls.push([file]);
      return { size: file.size, sha256: file.sha256 };
    }

    /** Small caps: two files of 32 KiB, two fields of 64 bytes. */
    @Post('small')
    @HttpCode(201)
    @ScannedUpload({ maxFiles: 2, maxFileBytes: 32 * 1024, maxFields: 2, maxFieldBytes: 64 })
    small(
      @ScannedFiles() files: readonly ScannedUploadFile[],
      @ScannedUploadFields() fields: UploadFields,
    ) {
      ledger.calls.push([...files]);
      return describeFiles(files, fields);
    }

    /** PNG only, in the field `avatar`. */
    @Post('avatar')
    @HttpCode(201)
    @ScannedUpload({ field: 'avatar', allowedTypes: ['image/png'] })
    avatar(@ScannedFiles() files: readonly ScannedUploadFile[]) {
      ledger.calls.push([...files]);
      return describeFiles(files);
    }
  }
  return UploadController;
}

/** A controller-wide `@ScannedUpload()`, overridden on one method (method beats class). */
function documentsController(ledger: UploadLedger) {
  @Public()
  @Controller('documents')
  @ScannedUpload({ field: 'doc', allowedTypes: ['application/pdf'] })
  class DocumentsController {
    @Post()
    @HttpCode(201)
    create(@ScannedFiles() files: readonly ScannedUploadFile[]) {
      ledger.calls.push([...files]);
      return describeFiles(files);
    }

    @Post('notes')
    @HttpCode(201)
    @ScannedUpload({ field: 'note', allowedTypes: ['text/plain'] })
    note(@ScannedFiles() files: readonly ScannedUploadFile[]) {
      ledger.calls.push([...files]);
      return describeFiles(files);
    }
  }
  return DocumentsController;
}

/** The scenario's module: SecurityModule with `uploads`, and the upload controllers. */
export function uploadsModule(
  uploads: UploadsOptions | undefined,
  ledger: UploadLedger,
): DynamicModule {
  @Module({})
  class UploadsModule {}
  return {
    module: UploadsModule,
    imports: [
      SecurityModule.forRoot({
        environment: 'test',
        ...(uploads === undefined ? {} : { uploads }),
      }),
    ],
    controllers: [uploadController(ledger), documentsController(ledger)],
  };
}
