import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { type RateLimitInfo, rateLimiter } from 'hono-rate-limiter';
import * as v from 'valibot';
import { TOOL_IDS } from '../src/verdicts/comparison';
import {
  isKnownChoice,
  MAX_BODY_BYTES,
  MAX_CLOCK_SKEW_MS,
  RegisterRequestSchema,
  type RegisterResponse,
  type SyncRequest,
  SyncRequestSchema,
  type SyncResponse,
} from '../src/verdicts/sync-protocol';
import type { Database } from './db/database';
import { installExists, ping, registerInstall } from './db/votes-store';
import { ApiError, errorBody, errorResponse, unavailable } from './errors';
import type { ProofOfWork } from './proof-of-work';
import type { SyncBatcher } from './sync-batcher';
import type { TallyCache } from './tally-cache';
import { newInstallId, type TokenSigner } from './tokens';

export interface AppLimits {
  registrationsPerWindow: number;
  challengesPerWindow: number;
  registrationWindowMs: number;
  syncsPerMinute: number;
}

export interface AppDeps {
  db: Database;
  tokens: TokenSigner;
  pow: ProofOfWork;
  batcher: SyncBatcher;
  tallyCache: TallyCache;
  /** The salted hash of the client's network (never the address itself). */
  networkOf: (c: Context) => string;
  limits: AppLimits;
  now: () => number;
}

export type AppEnv = { Variables: { installId: string; rateLimit: RateLimitInfo } };

const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension):\/\/[a-zA-Z0-9.-]+$/;
const CORS_EXPOSED = ['ETag', 'Retry-After'];

function schemaError(issues: readonly v.BaseIssue<unknown>[]): ApiError {
  const issue = issues[0];
  const where = issue ? v.getDotPath(issue) : null;
  const detail = issue ? issue.message : 'it does not match the protocol';
  return new ApiError(
    400,
    'bad_request',
    `The request body is not valid${where ? ` at "${where}"` : ''}: ${detail}.`,
  );
}

/** Reads the body as JSON and checks it against a shared schema: 400 for anything off. */
async function readBody<S extends v.GenericSchema>(
  c: Context,
  schema: S,
): Promise<v.InferOutput<S>> {
  const text = await c.req.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'bad_json', 'The request body is not valid JSON.');
  }
  const parsed = v.safeParse(schema, json);
  if (!parsed.success) throw schemaError(parsed.issues);
  return parsed.output;
}

/** Rules the schema cannot express: known tools (422) and no event from the future (422). */
function checkEvents(request: SyncRequest, now: number): void {
  for (const event of request.events) {
    if (!isKnownChoice(event.choice)) {
      throw new ApiError(
        422,
        'unknown_tool',
        `Event "${event.id}" picks "${event.choice}", which is not a tool this service counts (${TOOL_IDS.join(', ')}); nothing in this batch was stored.`,
      );
    }
    if (event.at > now + MAX_CLOCK_SKEW_MS) {
      throw new ApiError(
        422,
        'event_in_future',
        `Event "${event.id}" is dated more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes after the service's clock; check the device's clock. Nothing in this batch was stored.`,
      );
    }
  }
}

const BEARER = /^Bearer\s+(\S+)$/i;
const CHALLENGE_HEADER = { 'WWW-Authenticate': 'Bearer realm="glimpse-votes"' };

/** Checks the Bearer token; `allowExpired` is for renewal only. */
function authenticate(tokens: TokenSigner, { allowExpired }: { allowExpired: boolean }) {
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const match = BEARER.exec(c.req.header('authorization') ?? '');
    if (!match?.[1]) {
      throw new ApiError(
        401,
        'unauthorized',
        'Send the install\'s token as "Authorization: Bearer <token>"; register with POST /v1/installs to get one.',
        CHALLENGE_HEADER,
      );
    }
    const check = tokens.check(match[1]);
    if (!check.valid) {
      throw new ApiError(
        401,
        'unauthorized',
        'This token was not issued by this vote service; register again with POST /v1/installs.',
        CHALLENGE_HEADER,
      );
    }
    if (check.expired && !allowExpired) {
      throw new ApiError(
        401,
        'token_expired',
        'This token has expired; get a new one for the same install with POST /v1/installs/renew.',
        { 'WWW-Authenticate': 'Bearer realm="glimpse-votes", error="invalid_token"' },
      );
    }
    c.set('installId', check.installId);
    await next();
  };
  return middleware;
}

const notRegistered = () =>
  new ApiError(
    401,
    'unauthorized',
    'This install is not registered with this vote service; register again with POST /v1/installs.',
    CHALLENGE_HEADER,
  );

/** 429 with Retry-After (when the window resets) and a sentence. */
function limit(
  windowMs: number,
  max: number,
  keyGenerator: (c: Context<AppEnv>) => string,
  what: string,
): MiddlewareHandler<AppEnv> {
  return rateLimiter<AppEnv>({
    windowMs,
    limit: max,
    keyGenerator,
    // No RateLimit-* headers on every answer: they cost a sync a tenth of its time here.
    standardHeaders: false,
    handler: (c) => {
      const resetAt = c.get('rateLimit')?.resetTime?.getTime();
      const seconds = resetAt ? Math.ceil((resetAt - Date.now()) / 1000) : windowMs / 1000;
      const retryAfter = String(Math.max(1, Math.ceil(seconds)));
      c.header('Retry-After', retryAfter);
      return c.json(
        errorBody('rate_limited', `Too many ${what}; try again in ${retryAfter} seconds.`),
        429,
      );
    },
  });
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { db, tokens, pow, batcher, tallyCache, limits, now } = deps;
  const app = new Hono<AppEnv>();

  const tooLarge = (c: Context) =>
    c.json(
      errorBody(
        'body_too_large',
        `The request body is larger than ${MAX_BODY_BYTES} bytes; send fewer events per sync.`,
      ),
      413,
    );
  const streamedLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
  // With a Content-Length (every fetch sends one) the header decides, and the body is then read
  // straight from the socket; only a chunked body goes through bodyLimit's stream (the stream
  // costs about as much CPU as the rest of a sync).
  const sizeLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(length) > MAX_BODY_BYTES) return tooLarge(c);
      return next();
    }
    return streamedLimit(c, next);
  };
  // Per process: several processes each allow this much (see the README).
  const challengeLimit = limit(
    limits.registrationWindowMs,
    limits.challengesPerWindow,
    (c) => deps.networkOf(c),
    'challenges from this network',
  );
  const registrationLimit = limit(
    limits.registrationWindowMs,
    limits.registrationsPerWindow,
    (c) => deps.networkOf(c),
    'registrations from this network',
  );
  const syncLimit = limit(
    60_000,
    limits.syncsPerMinute,
    (c) => c.get('installId'),
    'syncs from this install',
  );

  // Extensions' origins only. hono/cors answers the preflight. On the actual request the headers
  // are set before the handler runs, into the headers its response is made with: hono/cors
  // would put them on a placeholder response, which makes Hono copy the real response and
  // stream its body (half the tally endpoint's throughput), and so would setting them after.
  const preflight = cors({
    origin: (origin) => (EXTENSION_ORIGIN.test(origin) ? origin : null),
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Authorization', 'Content-Type', 'If-None-Match'],
    exposeHeaders: CORS_EXPOSED,
    maxAge: 86_400,
  });
  app.use('/v1/*', async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    const origin = c.req.header('origin');
    if (origin && EXTENSION_ORIGIN.test(origin)) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Expose-Headers', CORS_EXPOSED.join(','));
    }
    c.header('Vary', 'Origin');
    await next();
  });

  app.get('/healthz', async (c) => {
    try {
      await ping(db);
      return c.json({ status: 'ok', database: 'up', driver: db.driver });
    } catch {
      return c.json(
        {
          status: 'unavailable',
          database: 'down',
          driver: db.driver,
          ...errorBody('unavailable', 'The vote service cannot reach its database.'),
        },
        503,
      );
    }
  });

  app.get('/v1/installs/challenge', challengeLimit, async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await pow.challenge());
  });

  app.post('/v1/installs', sizeLimit, registrationLimit, async (c) => {
    const { altcha } = await readBody(c, RegisterRequestSchema);
    const proof = await pow.check(altcha);
    if (!proof.ok) {
      if (proof.reason === 'malformed') {
        throw new ApiError(
          400,
          'bad_proof',
          'The "altcha" field is not an ALTCHA payload (base64 of {challenge, solution}).',
        );
      }
      throw new ApiError(
        403,
        'bad_proof',
        proof.reason === 'expired'
          ? 'This challenge has expired; get a new one from GET /v1/installs/challenge and solve it.'
          : 'This proof of work is not a valid solution of a challenge from this service; get a new challenge and solve it.',
      );
    }
    const installId = newInstallId();
    const outcome = await registerInstall(db, {
      installId,
      challengeId: proof.challengeId,
      challengeExpiresAt: proof.expiresAt,
    });
    if (outcome === 'challenge_used') {
      throw new ApiError(
        403,
        'bad_proof',
        'This challenge has already been used to register; get a new one from GET /v1/installs/challenge.',
      );
    }
    const body: RegisterResponse = { installId, ...tokens.issue(installId) };
    return c.json(body, 201);
  });

  app.post(
    '/v1/installs/renew',
    sizeLimit,
    authenticate(tokens, { allowExpired: true }),
    syncLimit,
    async (c) => {
      if ((await c.req.text()).trim() !== '') await readBody(c, v.strictObject({}));
      const installId = c.get('installId');
      if (!(await installExists(db, installId))) throw notRegistered();
      const body: RegisterResponse = { installId, ...tokens.issue(installId) };
      return c.json(body);
    },
  );

  app.post(
    '/v1/sync',
    sizeLimit,
    authenticate(tokens, { allowExpired: false }),
    syncLimit,
    async (c) => {
      const request = await readBody(c, SyncRequestSchema);
      if (request.installId !== c.get('installId')) {
        throw new ApiError(
          401,
          'unauthorized',
          'This token belongs to another install.',
          CHALLENGE_HEADER,
        );
      }
      checkEvents(request, now());
      const result = await batcher.submit({ installId: request.installId, events: request.events });
      if (!result.outcome.stored) throw notRegistered();
      tallyCache.offer(result);
      const body: SyncResponse = {
        ackedThrough: result.outcome.ackedThrough,
        tally: result.tally,
        asOf: now(),
      };
      return c.json(body);
    },
  );

  app.get('/v1/tally', async (c) => {
    const cached = await tallyCache.get();
    c.header('ETag', cached.etag);
    c.header('Cache-Control', 'no-cache');
    const match = c.req.header('if-none-match');
    if (match?.split(',').some((tag) => tag.trim() === cached.etag || tag.trim() === '*')) {
      return c.body(null, 304);
    }
    c.header('Content-Type', 'application/json');
    return c.body(cached.body);
  });

  app.notFound((c) =>
    c.json(
      errorBody(
        'not_found',
        `There is no ${c.req.method} ${c.req.path} here; the API lives under /v1.`,
      ),
      404,
    ),
  );

  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    if (error instanceof HTTPException && error.status < 500) {
      return c.json(
        errorBody('bad_request', error.message || 'The request is not valid.'),
        error.status,
      );
    }
    // One line, without the SQL or its parameters (drizzle wraps the driver's error).
    const reason = error.cause instanceof Error ? error.cause.message : error.message;
    console.error(`${c.req.method} ${c.req.path} failed: ${reason}`);
    return errorResponse(c, unavailable());
  });

  return app;
}
