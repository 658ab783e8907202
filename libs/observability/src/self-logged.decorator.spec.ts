import { Controller, Get, Post, RequestMethod } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import { loggedPaths, SelfLogged } from './self-logged.decorator.js';

@Controller('shipments')
class Shipments {
  @Get(':id')
  one() {}

  @Get(':id/timeline')
  timeline() {}
}

@Controller()
class Projections {
  @Get('bookings/:id')
  booking() {}

  @Get('/purchase-orders/:id')
  purchaseOrder() {}
}

@SelfLogged()
@Controller()
class Webhooks {
  @Post('/webhooks/flexport')
  receive() {}
}

const discovery = (...controllers: (new () => object)[]) =>
  ({ getControllers: () => controllers.map((metatype) => ({ metatype })) }) as unknown as DiscoveryService;

describe('loggedPaths', () => {
  it('binds the request logger to the first segment of every route, once each, and of the paths outside the controllers', () => {
    expect(loggedPaths(discovery(Shipments, Projections), ['/admin/queues', '/docs'])).toEqual(
      ['admin', 'bookings', 'docs', 'purchase-orders', 'shipments'].map((segment) => ({
        path: `${segment}{/*splat}`,
        method: RequestMethod.ALL,
      })),
    );
  });

  it('leaves out every route of a @SelfLogged() controller', () => {
    expect(loggedPaths(discovery(Webhooks, Shipments), []).map((entry) => entry.path)).toEqual(['shipments{/*splat}']);
  });
});
