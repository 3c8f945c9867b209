/**
 * Child process of the stack benchmark, scenario E (calibration): the smallest Nest 11 app on
 * Express, one controller answering `GET /health/live` with the same JSON as the API's liveness
 * probe. No middleware, guard, interceptor, logger or module of the product: what Nest and Express
 * alone cost per request on this machine, the yardstick of the API's floor (A.live).
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

@Controller('health')
class LiveController {
  @Get('live')
  live() {
    return { status: 'ok', info: {}, error: {}, details: {} };
  }
}

@Module({ controllers: [LiveController] })
class MinimalModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(MinimalModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.on('message', (message) => {
    if (message === 'stop') void app.close().then(() => process.exit(0));
  });
  process.send!({ port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
