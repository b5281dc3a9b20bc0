import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { IsString } from 'class-validator';
import { SECURE_VALIDATION_PIPE_OPTIONS } from './secure-validation-pipe-options';

class ProfileDto {
  @IsString()
  name!: string;
}

describe('SECURE_VALIDATION_PIPE_OPTIONS', () => {
  const pipe = new ValidationPipe(SECURE_VALIDATION_PIPE_OPTIONS);
  const body = { type: 'body', metatype: ProfileDto } as const;

  it('holds the mass-assignment defaults, deeply frozen', () => {
    expect(SECURE_VALIDATION_PIPE_OPTIONS).toMatchObject({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
    });
    expect(Object.isFrozen(SECURE_VALIDATION_PIPE_OPTIONS)).toBe(true);
    expect(Object.isFrozen(SECURE_VALIDATION_PIPE_OPTIONS.transformOptions)).toBe(true);
    expect(Object.isFrozen(SECURE_VALIDATION_PIPE_OPTIONS.validationError)).toBe(true);
  });

  it('gives the handler a DTO instance of the declared fields', async () => {
    const dto: unknown = await pipe.transform({ name: 'Ada' }, body);
    expect(dto).toBeInstanceOf(ProfileDto);
    expect(dto).toEqual({ name: 'Ada' });
  });

  it('refuses an undeclared field, naming it and not its value', async () => {
    const error: unknown = await pipe
      .transform({ name: 'Ada', roles: ['admin-secret-value'] }, body)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestException);
    const text = JSON.stringify((error as BadRequestException).getResponse());
    expect(text).toContain('property roles should not exist');
    expect(text).not.toContain('admin-secret-value');
  });

  it('coerces nothing implicitly', async () => {
    await expect(pipe.transform({ name: 42 }, body)).rejects.toBeInstanceOf(BadRequestException);
    await expect(pipe.transform({ name: ['Ada'] }, body)).rejects.toBeInstanceOf(
      BadRequestException,
    );
  });

  it('can be spread into a pipe with more options', async () => {
    const grouped = new ValidationPipe({
      ...SECURE_VALIDATION_PIPE_OPTIONS,
      stopAtFirstError: true,
    });
    await expect(grouped.transform({ name: 'Ada', isAdmin: true }, body)).rejects.toBeInstanceOf(
      BadRequestException,
    );
  });
});
