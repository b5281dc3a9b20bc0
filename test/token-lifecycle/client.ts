import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

export interface Pair {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly token_type: string;
  readonly expires_in: number;
}

export const ALICE = { username: 'alice', password: 'alice-password' };
export const ADMIN_LIKE = { username: 'admin', password: 'admin-password' };

/** Small HTTP client for the token routes of one app. */
export function client(app: INestApplication) {
  const server = app.getHttpServer();
  return {
    login: async (credentials = ALICE): Promise<Pair> => {
      const response = await request(server).post('/auth/token').send(credentials).expect(200);
      return response.body as Pair;
    },
    refresh: (refreshToken: unknown) =>
      request(server).post('/auth/refresh').send({ refresh_token: refreshToken }),
    me: (accessToken: string) =>
      request(server).get('/me').set('Authorization', `Bearer ${accessToken}`),
    revoke: (accessToken: string) =>
      request(server).post('/auth/revoke').set('Authorization', `Bearer ${accessToken}`),
    logoutAll: (accessToken: string) =>
      request(server).post('/auth/logout-all').set('Authorization', `Bearer ${accessToken}`),
  };
}
