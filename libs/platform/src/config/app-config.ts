import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
const toBool = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

/** Every setting of the service, read from the environment and validated at boot. */
export class AppConfig {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsString()
  @MinLength(1)
  DATA_DIR = './.data';

  @IsOptional()
  @IsString()
  @MinLength(24, { message: 'BOOTSTRAP_ADMIN_KEY must be at least 24 characters long' })
  BOOTSTRAP_ADMIN_KEY?: string;

  @Transform(toBool)
  @IsBoolean({ message: 'DEMO_DATA must be true or false' })
  DEMO_DATA = true;

  /** The URL clients reach the API at (links it publishes, such as a ClaimReview's url); unset: taken from each request's Host. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*[^\s/])?$/, { message: 'PUBLIC_URL must be an http:// or https:// URL without a trailing slash' })
  PUBLIC_URL?: string;

  /** The newsroom's name, as the author of its published reviews (ClaimReview). */
  @IsString()
  @MinLength(1)
  NEWSROOM_NAME = 'Newsroom fact-check desk';

  /** The least severe lines logged; `silent` logs nothing (tests). Route mapping shows from `debug` on. */
  @IsIn(['silent', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'silent' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** Milliseconds to open a database connection before the request answers 503. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  DATABASE_CONNECT_TIMEOUT_MS = 3000;

  /** Milliseconds a query may go unanswered before it fails (a hung or unreachable server); 0 waits forever. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  DATABASE_QUERY_TIMEOUT_MS = 10_000;

  /** Milliseconds a client has to send the request headers. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  HTTP_HEADERS_TIMEOUT_MS = 10_000;

  /** Milliseconds a client has to send the whole request, body included; must not be below HTTP_HEADERS_TIMEOUT_MS. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  /** Milliseconds an idle keep-alive connection stays open between requests. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 5000;

  /** Milliseconds without any traffic on a connection before it is closed (the live feed sends a comment every 15 s). */
  @Transform(toInt)
  @IsInt()
  @Min(20_000)
  @Max(3_600_000)
  HTTP_IDLE_TIMEOUT_MS = 60_000;

  /** Open connections at most; more are refused until some close. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  HTTP_MAX_CONNECTIONS = 1000;

  /** Requests one API key may make per rate-limit window (on each API instance); more answer 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_PER_KEY = 3000;

  /** Requests one client address may make per window without a valid key (and, apart, to /health and /metrics). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_PER_ADDRESS = 300;

  /** Seconds of the rate-limit window. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  // --- tamper evidence of the log (libs/event-store/src/log-checkpoints.ts) ---
  /**
   * URL of the role the service serves requests as (a member of `newsroom_app`: it may read the
   * log and append to it, never rewrite it); DATABASE_URL then only runs the migrations. Unset:
   * DATABASE_URL serves too; the embedded default sets up a role of its own.
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_RUNTIME_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_RUNTIME_URL?: string;

  /**
   * The Ed25519 private key (PKCS#8 PEM) that signs the log's checkpoints, created when missing.
   * Unset: DATA_DIR/checkpoint-key.pem on the embedded default, no checkpoints with DATABASE_URL.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  CHECKPOINT_KEY_FILE?: string;

  /** Seconds between scheduled checkpoints (one is signed only when the log grew); 0 signs only on demand. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(604_800)
  CHECKPOINT_INTERVAL_SECONDS = 300;

  /** On the embedded default, serve requests as a login role of `newsroom_app` rather than as the superuser (the CLI turns it off). */
  @Transform(toBool)
  @IsBoolean({ message: 'EMBEDDED_RUNTIME_ROLE must be true or false' })
  EMBEDDED_RUNTIME_ROLE = true;
  // --- end of tamper evidence ---

  // --- live feed and outbound webhooks (libs/newsroom/src/live, libs/newsroom/src/webhooks) ---
  /** Milliseconds between the comments that keep an idle feed connection open. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(15_000)
  FEED_HEARTBEAT_MS = 15_000;

  /** Bytes a feed client may leave unread before it is cut off with where to resume. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(1_073_741_824)
  FEED_MAX_BUFFER_BYTES = 1_048_576;

  /** Milliseconds between looks at the log when no notification came (notifications wake the readers at once). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60_000)
  LIVE_POLL_MS = 500;

  /** Allows webhook URLs on loopback and private addresses (tests, single-host setups). */
  @Transform(toBool)
  @IsBoolean({ message: 'WEBHOOK_ALLOW_PRIVATE_URLS must be true or false' })
  WEBHOOK_ALLOW_PRIVATE_URLS = false;

  /** Milliseconds before the first retry of a failed delivery; each later retry waits twice as long. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  WEBHOOK_BACKOFF_BASE_MS = 5000;

  /** The longest wait between two retries, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400_000)
  WEBHOOK_BACKOFF_MAX_MS = 3_600_000;

  /** Seconds a delivery is retried for, from its first attempt, before it is marked failed. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(2_592_000)
  WEBHOOK_RETRY_FOR_SECONDS = 259_200;

  /** Milliseconds a receiver has to answer a delivery. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 10_000;

  /** Webhooks this process delivers to at once; 0: this process makes no deliveries. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  WEBHOOK_CONCURRENCY = 8;
  // --- end of live feed and outbound webhooks ---

  // --- fact-checker console (apps/api/src/web-console.ts) ---
  /** The folder of the built console served at `/`, relative to the working directory (`npm run build` writes dist/web). */
  @IsString()
  @MinLength(1)
  WEB_CONSOLE_DIR = 'dist/web';
  // --- end of fact-checker console ---
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the configuration; throws a ConfigError naming every bad
 * variable and the rule it breaks, never the value (it may be a secret).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const raw: Record<string, string> = {};
  for (const key of [...known, 'DATABASE_URL', 'BOOTSTRAP_ADMIN_KEY', 'DATABASE_RUNTIME_URL', 'CHECKPOINT_KEY_FILE']) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false });
  const problems = errors.map((e) => `${e.property}=<value not shown>: ${Object.values(e.constraints ?? {}).join('; ')}`);
  if (errors.length === 0 && config.HTTP_HEADERS_TIMEOUT_MS > config.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push('HTTP_HEADERS_TIMEOUT_MS=<value not shown>: HTTP_HEADERS_TIMEOUT_MS must not be greater than HTTP_REQUEST_TIMEOUT_MS');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
