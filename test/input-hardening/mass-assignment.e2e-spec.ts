import { Body, Controller, HttpCode, Module, Post, ValidationPipe } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { Public, SECURE_VALIDATION_PIPE_OPTIONS, SecurityModule } from '@rampart/security';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import request from 'supertest';
import { ADAPTERS, startApp } from '../support/apps';

class AddressDto {
  @IsString()
  @Length(1, 100)
  city!: string;
}

/** What a client may set when signing up: no `roles`, no `isAdmin`, no `id`. */
class SignUpDto {
  @IsString()
  @Length(1, 50)
  name!: string;

  @IsEmail()
  email!: string;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(150)
  age!: number;

  @ValidateNested()
  @Type(() => AddressDto)
  address!: AddressDto;
}

/** A user record as a naive service builds it: defaults, then whatever the DTO holds. */
type UserRecord = { roles: string[]; isAdmin: boolean } & SignUpDto;

@Public()
@Controller('users')
class UsersController {
  @Post()
  @HttpCode(201)
  signUp(@Body() dto: SignUpDto): { user: UserRecord; dtoClass: string } {
    const user: UserRecord = Object.assign({ roles: ['user'], isAdmin: false }, dto);
    return { user, dtoClass: dto.constructor.name };
  }
}

@Module({
  imports: [SecurityModule.forRoot({ environment: 'test' })],
  controllers: [UsersController],
  providers: [
    { provide: APP_PIPE, useFactory: () => new ValidationPipe(SECURE_VALIDATION_PIPE_OPTIONS) },
  ],
})
class MassAssignmentModule {}

const VALID = {
  name: 'Ada',
  email: 'ada@example.com',
  age: 36,
  address: { city: 'London' },
};

/**
 * Issue 6, input hardening: with `SECURE_VALIDATION_PIPE_OPTIONS`, a body carrying fields the
 * DTO does not declare (`roles: ['admin']`, `isAdmin`, nested extras) is refused with 400 naming
 * the field, so a handler that spreads the DTO into a record cannot be made to grant a role.
 * Both adapters, JSON and urlencoded bodies.
 */
describe.each(ADAPTERS)('mass assignment with SECURE_VALIDATION_PIPE_OPTIONS (%s)', (adapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp(MassAssignmentModule, adapter);
  });
  afterAll(async () => {
    await app.close();
  });

  it('accepts the declared fields and hands the handler a DTO instance', async () => {
    await request(app.getHttpServer())
      .post('/users')
      .send(VALID)
      .expect(201, {
        user: { roles: ['user'], isAdmin: false, ...VALID },
        dtoClass: 'SignUpDto',
      });
  });

  it.each([
    ['roles', { ...VALID, roles: ['admin'] }, 'property roles should not exist'],
    ['isAdmin', { ...VALID, isAdmin: true }, 'property isAdmin should not exist'],
    ['id', { ...VALID, id: 1 }, 'property id should not exist'],
    [
      'a nested extra',
      { ...VALID, address: { city: 'London', verified: true } },
      'address.property verified should not exist',
    ],
  ])(
    'refuses an undeclared %s with 400, naming the field, not echoing it',
    async (_n, body, message) => {
      const response = await request(app.getHttpServer()).post('/users').send(body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: [message] });
      expect(response.text).not.toContain('admin');
    },
  );

  it('refuses roles in a urlencoded body too', async () => {
    const response = await request(app.getHttpServer())
      .post('/users')
      .type('form')
      .send('name=Ada&email=ada%40example.com&age=36&address[city]=London&roles=admin');
    expect(response.status).toBe(400);
    // Express parses `address[city]` into an object (qs); Fastify's flat parser does not, so
    // there the address is also refused: either way `roles` is named and nothing is created.
    expect(response.body.message).toContain('property roles should not exist');
  });

  it('converts only what the DTO declares, never by the TypeScript type alone', async () => {
    const server = app.getHttpServer();
    // `age` declares `@Type(() => Number)`: "36" becomes 36.
    await request(server)
      .post('/users')
      .send({ ...VALID, age: '36' })
      .expect(201)
      .expect(({ body }) => {
        expect(body.user.age).toBe(36);
      });
    // `name` declares no conversion: 42 is not quietly turned into "42".
    const response = await request(server)
      .post('/users')
      .send({ ...VALID, name: 42 });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('name must be a string');
  });

  it('refuses a body that is not an object of the DTO (an array)', async () => {
    const response = await request(app.getHttpServer()).post('/users').send([VALID]);
    expect(response.status).toBe(400);
  });
});
