import { RouteMemo } from './route-memo';
import type { RouteTarget } from './route-metadata';

class Orders {
  list(): void {}
  show(): void {}
}
class ArchivedOrders extends Orders {}

const route = (controller: typeof Orders, handler: () => void): RouteTarget =>
  ({ getClass: () => controller, getHandler: () => handler }) as unknown as RouteTarget;

describe('RouteMemo', () => {
  it('computes once per route, and an inherited handler on another controller is another route', () => {
    const memo = new RouteMemo<string>();
    const computed: string[] = [];
    const value = (target: RouteTarget): string =>
      memo.get(target, () => {
        const name = `${target.getClass().name}.${target.getHandler().name}`;
        computed.push(name);
        return name;
      });
    const { list, show } = Orders.prototype;
    expect(value(route(Orders, list))).toBe('Orders.list');
    expect(value(route(Orders, list))).toBe('Orders.list');
    expect(value(route(Orders, show))).toBe('Orders.show');
    expect(value(route(ArchivedOrders, list))).toBe('ArchivedOrders.list');
    expect(computed).toEqual(['Orders.list', 'Orders.show', 'ArchivedOrders.list']);
  });

  it('remembers an undefined value too', () => {
    const memo = new RouteMemo<string | undefined>();
    const compute = jest.fn((): string | undefined => undefined);
    const target = route(Orders, Orders.prototype.list);
    expect(memo.get(target, compute)).toBeUndefined();
    expect(memo.get(target, compute)).toBeUndefined();
    expect(compute).toHaveBeenCalledTimes(1);
  });
});
