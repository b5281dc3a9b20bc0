import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { CurrentSession, InvalidRequestException, type UserSession } from '@rampart/security';
import { MATRIX } from '../support/apps';
import { recordKey, useSessionApp, withCsrf } from './session-client';

/** Session data by key: each request writes one key of its own. */
@Controller('prefs')
class PrefsController {
  @Put(':key')
  @HttpCode(204)
  async set(
    @CurrentSession() session: UserSession | undefined,
    @Param('key') key: string,
    @Body() body: { value?: unknown },
  ): Promise<void> {
    await this.of(session).set(key, body.value);
  }

  @Delete(':key')
  @HttpCode(204)
  async remove(
    @CurrentSession() session: UserSession | undefined,
    @Param('key') key: string,
  ): Promise<void> {
    await this.of(session).delete(key);
  }

  /** The values of `?keys=a,b,c`, as this request read them. */
  @Get()
  read(
    @CurrentSession() session: UserSession | undefined,
    @Query('keys') keys: string,
  ): Record<string, unknown> {
    const current = this.of(session);
    return Object.fromEntries(keys.split(',').map((key) => [key, current.get(key) ?? null]));
  }

  private of(session: UserSession | undefined): UserSession {
    if (session === undefined) throw new InvalidRequestException('This route needs a session.');
    return session;
  }
}

const KEYS = Array.from({ length: 20 }, (_, i) => `k${i}`);

/**
 * Session data is written one key at a time, atomically (a record field; HSET on Redis): parallel
 * requests that each set their own key never overwrite one another, although each of them read
 * the session before any of the others wrote.
 */
describe.each(MATRIX)('concurrent session writes (%s, %s store)', (adapter, store) => {
  const scenario = useSessionApp(adapter, store, { controllers: [PrefsController] });

  it('20 parallel requests setting 20 different keys: every key is there afterwards', async () => {
    const { http, login, store: securityStore } = scenario();
    const alice = await login();
    const responses = await Promise.all(
      KEYS.map((key, i) =>
        http()
          .put(`/prefs/${key}`)
          .set(withCsrf(alice))
          .send({ value: { n: i, key } }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(KEYS.map(() => 204));

    const read = await http()
      .get(`/prefs?keys=${KEYS.join(',')}`)
      .set('Cookie', alice.cookie);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(Object.fromEntries(KEYS.map((key, i) => [key, { n: i, key }])));

    const record = await securityStore.getRecord(recordKey(alice.handle));
    expect(record).toBeDefined();
    for (const [i, key] of KEYS.entries()) expect(record?.[`d.${key}`]).toEqual({ n: i, key });
    // Rampart's own fields are intact.
    expect(record).toMatchObject({ user: { id: 'u-alice' }, csrf: expect.any(String) });
  });

  it('parallel sets and deletes of different keys: exactly the expected keys remain', async () => {
    const { http, login, store: securityStore } = scenario();
    const alice = await login();
    const [kept, removed] = [KEYS.slice(0, 10), KEYS.slice(10)];
    for (const key of removed) {
      await http().put(`/prefs/${key}`).set(withCsrf(alice)).send({ value: 'old' }).expect(204);
    }
    const responses = await Promise.all([
      ...kept.map((key) => http().put(`/prefs/${key}`).set(withCsrf(alice)).send({ value: key })),
      ...removed.map((key) => http().delete(`/prefs/${key}`).set(withCsrf(alice))),
    ]);
    expect(responses.map((response) => response.status)).toEqual(KEYS.map(() => 204));
    const record = await securityStore.getRecord(recordKey(alice.handle));
    const data = Object.keys(record ?? {})
      .filter((field) => field.startsWith('d.'))
      .sort();
    expect(data).toEqual(kept.map((key) => `d.${key}`).sort());
    const read = await http()
      .get(`/prefs?keys=${KEYS.join(',')}`)
      .set('Cookie', alice.cookie);
    expect(read.body).toEqual(
      Object.fromEntries(KEYS.map((key) => [key, kept.includes(key) ? key : null])),
    );
  });

  it('keeps each session’s data to itself', async () => {
    const { http, login } = scenario();
    const laptop = await login();
    const phone = await login();
    await Promise.all([
      http().put('/prefs/theme').set(withCsrf(laptop)).send({ value: 'dark' }).expect(204),
      http().put('/prefs/theme').set(withCsrf(phone)).send({ value: 'light' }).expect(204),
    ]);
    const laptopRead = await http().get('/prefs?keys=theme').set('Cookie', laptop.cookie);
    const phoneRead = await http().get('/prefs?keys=theme').set('Cookie', phone.cookie);
    expect([laptopRead.body, phoneRead.body]).toEqual([{ theme: 'dark' }, { theme: 'light' }]);
  });
});
