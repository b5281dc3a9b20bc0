import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { RequestSlot } from './request-slot';

describe('RequestSlot', () => {
  it('keeps a value per object, and replaces it on a second set', () => {
    const slot = new RequestSlot<string[]>('test.entries');
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

  it('two slots never share a value, even with one description', () => {
    const one = new RequestSlot<number>('test.same');
    const other = new RequestSlot<number>('test.same');
    const request = {};
    one.set(request, 1);
    other.set(request, 2);
    expect(one.get(request)).toBe(1);
    expect(other.get(request)).toBe(2);
  });

  it('is invisible to what reads a request by its string keys', () => {
    const slot = new RequestSlot<{ secret: string }>('test.hidden');
    const request: Record<string, unknown> = { url: '/orders' };
    slot.set(request, { secret: 'kept' });
    expect(Object.keys(request)).toEqual(['url']);
    expect(JSON.stringify(request)).toBe('{"url":"/orders"}');
    expect(Object.getOwnPropertySymbols(request).map(String)).toEqual([
      'Symbol(rampart.test.hidden)',
    ]);
    // A header or body field of the same name is another (string) key.
    request['rampart.test.hidden'] = 'from the client';
    expect(slot.get(request)).toEqual({ secret: 'kept' });
  });
});
