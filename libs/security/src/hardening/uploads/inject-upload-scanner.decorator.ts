import { Inject } from '@nestjs/common';
import { UploadScanner } from './upload-scanner.interface';

/**
 * Injects the app's {@link UploadScanner}.
 *
 * @example
 * @Injectable()
 * export class AvatarService {
 *   constructor(@InjectUploadScanner() private readonly scanner: UploadScanner) {}
 *
 *   async check(file: Readable): Promise<void> {
 *     const verdict = await this.scanner.scan(file, {});
 *     if (!verdict.clean) throw new InfectedUploadException(verdict.signature);
 *   }
 * }
 */
export const InjectUploadScanner = (): PropertyDecorator & ParameterDecorator =>
  Inject(UploadScanner);
