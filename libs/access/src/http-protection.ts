import helmet from 'helmet';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { AppConfig, ProblemError } from '@app/platform';
import { ApiKeyService } from './api-key.service';

/** Routes that monitoring polls: counted per address apart from everything else, so API traffic never starves them. */
const MONITORING_ROUTES = new Set(['/health', '/metrics']);

/**
 * Security headers on every response, and rate limits: per API key for a
 * request with a valid key, per client address otherwise. Registered before
 * the routes, which pick the limits up as they are added.
 */
export async function registerHttpProtection(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Swagger UI's page carries inline <style> blocks, and its validator badge is an image from validator.swagger.io
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https://validator.swagger.io'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        // the API is often served over plain HTTP inside a newsroom: upgrading its assets to HTTPS would break /docs
        upgradeInsecureRequests: null,
      },
    },
  });
  // helmet's middleware is built once, at start-up, and sets the headers of each response
  app.getHttpAdapter().getInstance().addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, () => done()));

  const keys = app.get(ApiKeyService);
  await app.register(rateLimit, {
    timeWindow: config.RATE_LIMIT_WINDOW_SECONDS * 1000,
    keyGenerator: async (request: FastifyRequest) => {
      const address = normalizeIP(request.ip);
      if (MONITORING_ROUTES.has(request.routeOptions.url ?? '')) return `monitoring:${address}`;
      // an unreachable database counts the request against its address; the guard then answers for the key
      const actor = await keys.authenticateRequest(request).catch(() => null);
      return actor ? `key:${actor.keyId}` : `address:${address}`;
    },
    max: (_request: FastifyRequest, bucket: string) => (bucket.startsWith('key:') ? config.RATE_LIMIT_PER_KEY : config.RATE_LIMIT_PER_ADDRESS),
    errorResponseBuilder: (_request, context) =>
      new ProblemError(
        429,
        'too-many-requests',
        'Too Many Requests',
        `more than ${context.max} requests in ${config.RATE_LIMIT_WINDOW_SECONDS} s; retry in ${context.after}`,
      ),
  });
}
