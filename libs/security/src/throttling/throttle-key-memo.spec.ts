import { ThrottleKeyMemo } from './throttle-key-memo';

describe('ThrottleKeyMemo', () => {
  const home = { route: 'home' };
  const orders = { route: 'orders' };

  it('answers the key remembered for a client on a route, and nothing for another', () => {
    const memo = new ThrottleKeyMemo<object>(10);
    memo.set('u-1', home, 'k-home');
    memo.set('u-1', orders, 'k-orders');
    expect(memo.get('u-1', home)).toBe('k-home');
    expect(memo.get('u-1', orders)).toBe('k-orders');
    expect(memo.get('u-2', home)).toBeUndefined();
    expect(memo.get('u-1', { route: 'home' })).toBeUndefined();
    expect(memo.size).toBe(2);
  });

  it('replaces a key without counting it twice', () => {
    const memo = new ThrottleKeyMemo<object>(10);
    memo.set('u-1', home, 'old');
    memo.set('u-1', home, 'new');
    expect(memo.get('u-1', home)).toBe('new');
    expect(memo.size).toBe(1);
  });

  it('forgets the client added longest ago, with all its keys, when full', () => {
    const memo = new ThrottleKeyMemo<object>(3);
    memo.set('u-1', home, 'a');
    memo.set('u-1', orders, 'b');
    memo.set('u-2', home, 'c');
    memo.set('u-3', home, 'd');
    expect(memo.get('u-1', home)).toBeUndefined();
    expect(memo.get('u-1', orders)).toBeUndefined();
    expect(memo.get('u-2', home)).toBe('c');
    expect(memo.get('u-3', home)).toBe('d');
    expect(memo.size).toBe(2);
  });

  it('never holds more than maxEntries keys, even when the full client is the oldest', () => {
    const memo = new ThrottleKeyMemo<object>(2);
    memo.set('u-1', home, 'a');
    memo.set('u-1', orders, 'b');
    memo.set('u-1', { route: 'third' }, 'c');
    expect(memo.size).toBe(1);
    expect(memo.get('u-1', home)).toBeUndefined();
    for (let client = 0; client < 50; client++) memo.set(`c-${client}`, home, `k-${client}`);
    expect(memo.size).toBe(2);
    expect(memo.get('c-49', home)).toBe('k-49');
    expect(memo.get('c-48', home)).toBe('k-48');
  });

  it('remembers nothing with maxEntries 0', () => {
    const memo = new ThrottleKeyMemo<object>(0);
    memo.set('u-1', home, 'a');
    expect(memo.get('u-1', home)).toBeUndefined();
    expect(memo.size).toBe(0);
  });
});
