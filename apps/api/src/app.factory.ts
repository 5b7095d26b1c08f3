import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LogController, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import {
  AppConfig,
  AppLogger,
  checkRequestInput,
  completeOpenApiDocument,
  createRootLogger,
  invalidInput,
  logRequestLine,
  Metrics,
  problemType,
  sendProblem,
  toProblemDocument,
} from '@app/platform';
import { registerHttpProtection } from '@app/access';
import { AppModule } from './app.module';
import { registerWebConsole } from './web-console';

export const BODY_LIMIT = 1024 * 1024;

export interface CreateAppOptions {
  /** false: log nothing (tests), unless logStream is given. */
  logger?: false;
  /** Where the JSON log lines go instead of stdout (tests read them back). */
  logStream?: DestinationStream;
}

/** Builds the API as production runs it; tests call this too, then listen on port 0. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const silent = options.logger === false && !options.logStream;
  const logger = createRootLogger({ LOG_LEVEL: silent ? 'silent' : config.LOG_LEVEL }, options.logStream);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // the request line is written once the response is finished (onResponse below), not by Fastify
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: BODY_LIMIT,
    // slow clients cannot hold a connection: the whole request, idle sockets and keep-alive are bounded
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    connectionTimeout: config.HTTP_IDLE_TIMEOUT_MS,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    // Node checks the header and request deadlines on this interval: a second keeps them close to what is set
    http: { headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS, connectionsCheckingInterval: 1000 },
    // the router refuses a malformed URL before any hook runs: answer it as a problem too
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const problem =
        error.code === 'FST_ERR_BAD_URL'
          ? invalidInput('path', { field: 'path', message: 'is not valid percent-encoded UTF-8' })
          : error;
      sendProblem(reply, request, toProblemDocument(problem, request));
    },
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : crypto.randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, { bufferLogs: true });
  app.useLogger(new AppLogger(logger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.server.maxConnections = config.HTTP_MAX_CONNECTIONS;
  // text PostgreSQL cannot store, and bodies too deep or too large to validate cheaply, are a 400 before any route runs
  fastify.addHook('preValidation', async (request, reply) => {
    try {
      checkRequestInput(request);
    } catch (error) {
      sendProblem(reply, request, toProblemDocument(error, request));
      return reply;
    }
  });
  // JSON only: a body of any other type is a 415, before any parsing
  fastify.addHook('onRequest', async (request, reply) => {
    const length = Number(request.headers['content-length'] ?? 0);
    const hasBody = length > 0 || request.headers['transfer-encoding'] !== undefined;
    const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (hasBody && !/^application\/([\w.-]+\+)?json$/.test(type)) {
      sendProblem(reply, request, {
        type: problemType('unsupported-media-type'),
        title: 'Unsupported Media Type',
        status: 415,
        detail: `send the request body as application/json${type ? `, not ${type}` : ''}`,
      });
      return reply;
    }
  });
  // a line per request, also for requests answered early (415, 429, bad input), and durations by route
  // template (an unmatched path counts as one route, so labels stay few)
  const { httpDuration } = app.get(Metrics);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    const status = reply.statusCode;
    // the guard put the key's identity on the request; the line names the key by id only
    const keyId = (request as { actor?: { keyId?: string } }).actor?.keyId;
    logRequestLine(request.log, { method: request.method, path: request.url, route, keyId, status, durationMs: reply.elapsedTime });
    httpDuration.observe({ method: request.method, route: route ?? 'unmatched', status: String(status) }, reply.elapsedTime / 1000);
    done();
  });
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', String(request.id));
  });
  app.enableShutdownHooks();

  // --- security headers (helmet) and rate limits: see libs/access/src/http-protection.ts ---
  await registerHttpProtection(app, config);
  // --- end of security headers and rate limits ---

  // --- fact-checker console at / (built from apps/web): see apps/api/src/web-console.ts ---
  await registerWebConsole(app, config.WEB_CONSOLE_DIR);
  // --- end of fact-checker console ---

  const document = completeOpenApiDocument(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Newsroom fact-tracking API')
      .setDescription(
        'Deals, claims with their sources, verdicts and the state of each deal on two time axes. ' +
          'Errors are application/problem+json (RFC 9457).',
      )
      .setVersion('1.0')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'API key',
        description:
          'A plain API key, an opaque string sent as `Authorization: Bearer <key>` (nothing to decode). Keys are made by an admin (POST /api-keys) or printed once at the first start with the demo data; each has roles: editor, fact_checker, reader, admin.',
      })
      .build(),
  ));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
