import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { httpRequestOf, httpResponseOf } from './http-arguments';

describe('httpRequestOf / httpResponseOf', () => {
  it("read what Nest's switchToHttp() hands out, from the same context", () => {
    const request = { url: '/orders' };
    const response = { statusCode: 200 };
    const context = new ExecutionContextHost([request, response, () => undefined]);
    expect(httpRequestOf(context)).toBe(request);
    expect(httpResponseOf(context)).toBe(response);
    expect(httpRequestOf(context)).toBe(context.switchToHttp().getRequest());
    expect(httpResponseOf(context)).toBe(context.switchToHttp().getResponse());
  });
});
