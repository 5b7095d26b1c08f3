import type { LoggerService } from '@nestjs/common';
import type { DestinationStream, Level, Logger as PinoInstance, LevelWithSilent } from 'pino';
import { pino } from 'pino';
import PinoPretty from 'pino-pretty';
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

/** What the request line says about a request: what the server saw, the route matched and the key used. */
export interface RequestLine {
  method: string;
  /** The path without its query (which may carry anything). */
  path: string;
  route?: string;
  keyId?: string;
  status: number;
  durationMs: number;
}

function requestLevel(status: number): Level {
  if (status === 503) return 'warn';
  return status >= 500 ? 'error' : 'info';
}

/**
 * One line per request once its response is finished, written with the
 * request's own logger (which carries the request id): method, path bounded
 * in length, route, the key's id (never the key), status and duration in
 * milliseconds.
 */
export function logRequestLine(requestLogger: Pick<PinoInstance, Level>, line: RequestLine): void {
  const { route, keyId, ...seen } = line;
  requestLogger[requestLevel(line.status)](
    { ...seen, path: seen.path.split('?')[0].slice(0, 2000), ...(route ? { route } : {}), ...(keyId ? { keyId } : {}) },
    'request',
  );
}

/** Nest's levels, as pino names them. */
const NEST_LEVELS = { log: 'info', error: 'error', warn: 'warn', debug: 'debug', verbose: 'trace', fatal: 'fatal' } as const;

/**
 * Nest's logger over the root pino logger: a line per message with its
 * context, and the framework's start-up lines moved to the debug level.
 */
export class AppLogger implements LoggerService {
  constructor(private readonly root: PinoInstance) {}

  log = (message: unknown, ...params: unknown[]): void => this.write('log', message, params);
  error = (message: unknown, ...params: unknown[]): void => this.write('error', message, params);
  warn = (message: unknown, ...params: unknown[]): void => this.write('warn', message, params);
  debug = (message: unknown, ...params: unknown[]): void => this.write('debug', message, params);
  verbose = (message: unknown, ...params: unknown[]): void => this.write('verbose', message, params);
  fatal = (message: unknown, ...params: unknown[]): void => this.write('fatal', message, params);

  /** Nest passes the context last, and a stack before it to `error`. */
  private write(nestLevel: keyof typeof NEST_LEVELS, message: unknown, params: unknown[]): void {
    const rest = [...params];
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const level = nestLevel === 'log' && context !== undefined && FRAMEWORK_CONTEXTS.has(context) ? 'debug' : NEST_LEVELS[nestLevel];
    const fields: Record<string, unknown> = context === undefined ? {} : { context };
    if (nestLevel === 'error' && typeof rest[0] === 'string') fields.stack = rest[0];
    if (message instanceof Error) this.root[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.root[level]({ ...fields, ...message });
    else this.root[level](fields, String(message));
  }
}
