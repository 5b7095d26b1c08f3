import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DestinationStream, Level, Logger as PinoInstance, LevelWithSilent } from 'pino';
import { pino } from 'pino';
import PinoPretty from 'pino-pretty';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { Logger, PinoLogger } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';

/** LOG_LEVEL names Nest's levels; pino calls them by its own names. */
const PINO_LEVELS: Record<AppConfig['LOG_LEVEL'], LevelWithSilent> = {
  silent: 'silent',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Nest's start-up chatter (modules loaded, each route mapped): useful when debugging, noise otherwise. */
const FRAMEWORK_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/** What the request line says about a request beyond what the server sees: the route matched and the key used. */
const REQUEST_FACTS = Symbol('requestFacts');

export interface RequestFacts {
  route?: string;
  keyId?: string;
}

type RawRequest = IncomingMessage & { id?: unknown; [REQUEST_FACTS]?: RequestFacts };

/**
 * The one pino logger of a process: JSON lines on stdout, or readable lines
 * (pino-pretty) when a person watches a terminal. A destination may be given
 * (tests read the lines back); then the output stays JSON.
 */
export function createRootLogger(config: Pick<AppConfig, 'LOG_LEVEL'>, destination?: DestinationStream): PinoInstance {
  const options = {
    level: PINO_LEVELS[config.LOG_LEVEL],
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // a key sent by mistake in a logged object never reaches the log
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'key', '*.key'], censor: '[redacted]' },
  };
  if (destination) return pino(options, destination);
  if (process.stdout.isTTY) {
    // in the main thread rather than a worker, so its lines keep their order with what main.ts prints
    const pretty = PinoPretty({
      colorize: true,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,context,requestId,method,path,route,status,durationMs,keyId',
      messageFormat: '{if context}[{context}] {end}{msg}{if status} {method} {path} {status} {durationMs} ms{end}',
    });
    return pino(options, pretty);
  }
  return pino(options);
}

/** Notes what the request line should say about a request, once the route ran. */
export function noteRequestFacts(raw: IncomingMessage, facts: RequestFacts): void {
  (raw as RawRequest)[REQUEST_FACTS] = facts;
}

/** The request line's own fields: the path without its query (which may carry anything) and bounded in length. */
function requestLine(req: IncomingMessage, res: ServerResponse, value: Record<string, unknown>) {
  return { method: req.method, path: (req.url ?? '').split('?')[0].slice(0, 2000), status: res.statusCode, durationMs: value.durationMs };
}

function requestLevel(status: number): Level {
  if (status === 503) return 'warn';
  return status >= 500 ? 'error' : 'info';
}

/**
 * One line per request when its response is finished: request id, method, path,
 * route, the key's id (never the key), status and duration in milliseconds.
 */
export function createRequestLogger(root: PinoInstance): HttpLogger {
  return pinoHttp({
    logger: root,
    genReqId: (req) => String((req as RawRequest).id ?? ''),
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse) => requestLevel(res.statusCode),
    customProps: (req: IncomingMessage) => {
      const raw = req as RawRequest;
      const facts = raw[REQUEST_FACTS] ?? {};
      // the request id is already bound as `requestId` (quietReqLogger)
      return { ...(facts.route ? { route: facts.route } : {}), ...(facts.keyId ? { keyId: facts.keyId } : {}) };
    },
    customSuccessObject: (req: IncomingMessage, res: ServerResponse, value: Record<string, unknown>) => requestLine(req, res, value),
    customErrorObject: (req: IncomingMessage, res: ServerResponse, _error: Error, value: Record<string, unknown>) => requestLine(req, res, value),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
  });
}

/**
 * Nest's logger over the root pino logger (nestjs-pino), with the framework's
 * start-up lines moved to the debug level.
 */
export class AppLogger extends Logger {
  constructor(root: PinoInstance) {
    const params = { pinoHttp: { logger: root }, useExisting: true as const };
    super(new PinoLogger(params), params);
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) super.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }
}
