import { Test } from '@nestjs/testing';
import { Module } from '@nestjs/common';
import { SecurityClock, systemClock } from '../core/security-clock';
import { TestClock, useTestClock } from './test-clock';

const INVALID: readonly unknown[] = [NaN, Infinity, -Infinity, '123', null, [], {}, 10n];

describe('TestClock', () => {
  it('starts at the real time by default', () => {
    const before = Date.now();
    const now = new TestClock().now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('stands still until moved', () => {
    const clock = new TestClock(1_000);
    expect(clock.now()).toBe(1_000);
    expect(clock.now()).toBe(1_000);
  });

  it('advances by milliseconds and returns the new time', () => {
    const clock = new TestClock(1_000);
    expect(clock.advance(500)).toBe(1_500);
    expect(clock.advance(-200)).toBe(1_300);
    expect(clock.now()).toBe(1_300);
  });

  it('is set to a time', () => {
    const clock = new TestClock(1_000);
    clock.set(0);
    expect(clock.now()).toBe(0);
  });

  it.each(INVALID)('refuses %p milliseconds everywhere', (value) => {
    const clock = new TestClock(1_000);
    expect(() => new TestClock(value as number)).toThrow(TypeError);
    expect(() => clock.advance(value as number)).toThrow(/finite number of milliseconds/);
    expect(() => {
      clock.set(value as number);
    }).toThrow(/finite number of milliseconds/);
    expect(clock.now()).toBe(1_000);
  });

  it('refuses a missing amount to advance or set', () => {
    const clock = new TestClock(1_000);
    expect(() => clock.advance(undefined as unknown as number)).toThrow(TypeError);
    expect(() => {
      clock.set(undefined as unknown as number);
    }).toThrow(TypeError);
  });
});

describe('useTestClock', () => {
  @Module({ providers: [{ provide: SecurityClock, useValue: systemClock }] })
  class ClockModule {}

  it('overrides the SecurityClock provider and returns the builder', async () => {
    const clock = new TestClock(42);
    const builder = Test.createTestingModule({ imports: [ClockModule] });
    expect(useTestClock(builder, clock)).toBe(builder);
    const moduleRef = await builder.compile();
    expect(moduleRef.get<SecurityClock>(SecurityClock)).toBe(clock);
  });

  it('refuses anything but a TestClock', () => {
    const builder = Test.createTestingModule({ imports: [ClockModule] });
    expect(() => useTestClock(builder, { now: () => 1 } as unknown as TestClock)).toThrow(
      'useTestClock takes a TestClock',
    );
  });
});
