import 'reflect-metadata';
import { X } from '@app/platform';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';

@Controller()
class H { @Get('health') h() { return { ok: true, p: typeof Pool, d: typeof DataSource }; } }
@Module({ controllers: [H] })
class M {}
async function main() {
  const app = await NestFactory.create(M, new FastifyAdapter());
  await app.listen(3999);
  console.log('up', X);
  await app.close();
}
void main();
