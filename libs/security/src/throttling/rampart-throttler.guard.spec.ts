import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, type ThrottlerStorage } from '@nestjs/throttler';
import { SecurityEvents } from '../audit/security-events';
import { systemClock } from '../core/security-clock';
import type { ResolvedSecurityOptions } from '../core/resolved-security-options.interface';
import { RampartThrottlerGuard } from './rampart-throttler.guard';
import type { ThrottleCounter } from './throttle-counter.interface';

class ExposedGuard extends RampartThrottlerGuard {
  key(context: ExecutionContext, suffix: string, name: string): string {
    return this.generateKey(context, suffix, name);
  }
}

class OrdersController {
  list(): void {}
  show(): void {}
}

function contextOf(handler: () => void): ExecutionContext {
  return {
    getClass: () => OrdersController,
    getHandler: () => handler,
  } as unknown as ExecutionContext;
}

const parentKey = (context: ExecutionContext, suffix: string, name: string): string =>
  (
    ThrottlerGuard.prototype as unknown as {
      generateKey(context: ExecutionContext, suffix: string, name: string): string;
    }
  ).generateKey(context, suffix, name);

describe('RampartThrottlerGuard.generateKey', () => {
  const guard = new ExposedGuard(
    { throttlers: [] },
    {} as ThrottlerStorage,
    new Reflector(),
    { throttling: { throttlers: [] } } as unknown as ResolvedSecurityOptions,
    {} as ThrottleCounter,
    new SecurityEvents(systemClock),
  );
  const { list, show } = OrdersController.prototype;

  it("gives @nestjs/throttler's key (so counters are unchanged), on first and repeated calls", () => {
    for (const [handler, suffix, name] of [
      [list, 'user:u-1', 'default'],
      [list, 'user:u-1', 'default'],
      [list, 'ip:203.0.113.9', 'default'],
      [show, 'user:u-1', 'default'],
      [list, 'user:u-1', 'burst'],
      [list, 'user:u-1', 'burst'],
    ] as const) {
      const context = contextOf(handler);
      expect(guard.key(context, suffix, name)).toBe(parentKey(context, suffix, name));
    }
  });

  it('keeps giving the right key past its memory bound', () => {
    const context = contextOf(list);
    for (let i = 0; i < 10_050; i++) guard.key(context, `ip:10.0.${i >> 8}.${i & 255}`, 'default');
    expect(guard.key(context, 'ip:10.0.0.0', 'default')).toBe(
      parentKey(context, 'ip:10.0.0.0', 'default'),
    );
    expect(guard.key(context, 'ip:10.0.39.100', 'default')).toBe(
      parentKey(context, 'ip:10.0.39.100', 'default'),
    );
  });
});
