import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { RequestSlot } from './request-slot';

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
