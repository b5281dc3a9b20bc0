import fastify, { type FastifyRequest } from 'fastify';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { RequestSlot } from './request-slot';

/** Two real Fastify requests, as a route handler receives them. */
async function fastifyRequests(): Promise<[FastifyRequest, FastifyRequest]> {
  const app = fastify();
  const seen: FastifyRequest[] = [];
  app.get('/', (request, reply) => {
    seen.push(request);
    void reply.send('ok');
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  await fetch(url);
  await fetch(url);
  await app.close();
  const [first, second] = seen;
  if (first === undefined || second === undefined) throw new Error('no request seen');
  return [first, second];
}

describe('RequestSlot', () => {
  it('keeps a value per object, and replaces it on a second set', () => {
    const slot = new RequestSlot<string[]>();
    const first = new IncomingMessage(new Socket());
    const second = new IncomingMessage(new Socket());
    expect(slot.get(first)).toBeUndefined();
    expect(slot.has(first)).toBe(false);
    const entries = ['a'];
    slot.set(first, entries);
    expect(slot.get(first)).toBe(entries);
    expect(slot.has(first)).toBe(true);
    expect(slot.get(second)).toBeUndefined();
    slot.set(first, ['b']);
    expect(slot.get(first)).toEqual(['b']);
  });

  it('two slots never share a value', () => {
    const one = new RequestSlot<number>();
    const other = new RequestSlot<number>();
    const request = {};
    one.set(request, 1);
    other.set(request, 2);
    expect(one.get(request)).toBe(1);
    expect(other.get(request)).toBe(2);
  });

  it('adds nothing to a Node.js (Express) request or a plain object: no property, string or symbol', () => {
    const slot = new RequestSlot<number>();
    const message = new IncomingMessage(new Socket());
    const before = Reflect.ownKeys(message);
    slot.set(message, 1);
    expect(Reflect.ownKeys(message)).toEqual(before);
    expect(slot.get(message)).toBe(1);
  });

  it("keeps a Fastify request's value under a symbol of its own, out of its keys and JSON", async () => {
    const [first, second] = await fastifyRequests();
    const slot = new RequestSlot<{ secret: string }>();
    const other = new RequestSlot<{ secret: string }>();
    const keys = Object.keys(first);
    expect(slot.has(first)).toBe(false);
    slot.set(first, { secret: 'kept' });
    other.set(first, { secret: 'other' });

    expect(slot.get(first)).toEqual({ secret: 'kept' });
    expect(other.get(first)).toEqual({ secret: 'other' });
    expect(slot.has(first)).toBe(true);
    expect(slot.get(second)).toBeUndefined();
    expect(slot.has(second)).toBe(false);
    expect(Object.keys(first)).toEqual(keys);
    expect(Object.getOwnPropertySymbols(first).map(String)).toContain(
      'Symbol(rampart.request-slot)',
    );
    slot.set(first, { secret: 'replaced' });
    expect(slot.get(first)).toEqual({ secret: 'replaced' });
  });

  it('adds nothing to the object: no property, string or symbol', () => {
    const slot = new RequestSlot<{ secret: string }>();
    const request: Record<string, unknown> = { url: '/orders' };
    slot.set(request, { secret: 'kept' });
    expect(Reflect.ownKeys(request)).toEqual(['url']);
    expect(JSON.stringify(request)).toBe('{"url":"/orders"}');
    expect(slot.get(request)).toEqual({ secret: 'kept' });
  });

  it('works on a frozen object', () => {
    const slot = new RequestSlot<number>();
    const request = Object.freeze({ url: '/orders' });
    slot.set(request, 7);
    expect(slot.get(request)).toBe(7);
  });
});
