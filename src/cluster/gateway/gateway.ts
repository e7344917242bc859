/**
 * The controller's HTTP API: the OpenAI endpoints any OpenAI client calls, `/health` and `/metrics`. A request is
 * checked (shape, size, API key, then the contract's limits) before anything reaches NATS, placed on a worker by the
 * controller, and relayed as one JSON response or as Server-Sent Events. A client that leaves cancels its request,
 * and the worker is told. `drain()` stops taking requests and lets the running ones finish within a grace period.
 *
 * Built on fastify: its body limit, JSON parsing, schema validation and 503-while-closing are exactly what this
 * needs, and the streams write to the raw response (reply.hijack) so a token costs one socket write.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { DistributedError, describe } from '../../base/errors.js';
import type { Logger } from '../../base/logger.js';
import type { MetricsSource } from '../../metrics/http.js';
import type { InferenceRequest, StreamingResponse } from '../../../generated/index.js';
import type { Controller, ControllerStream } from '../controller.js';
import { badRequest, errorBody, fromStreamError, toApiError, type ApiError } from './api-errors.js';
import {
  chatBodySchema,
  completeResponse,
  completionBodySchema,
  finishReason,
  fromChatBody,
  fromCompletionBody,
  responseId,
  streamChunk,
  type ApiKind,
  type ChatBody,
  type CompletionBody,
} from './openai-api.js';
import { SseWriter } from './sse.js';

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  host: string;
  /** `0` picks a free port. */
  port: number;
  /** When set, every route but `/health` needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string | undefined;
  maxBodyBytes: number;
  /** What a 503 tells clients to wait (`Retry-After`), in seconds. */
  retryAfterS: number;
  /** Rendered at `/metrics`. */
  metrics: MetricsSource;
  /** Whether the node's NATS connection is up (`/health` is not ready without it). */
  natsConnected: () => boolean;
  logger: Logger;
}

/** A running HTTP API. */
export interface Gateway {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly port: number;
  /** Requests being served now. */
  readonly active: number;
  /**
   * Stops taking requests (new ones get 503) and waits for the running ones, up to `graceMs`; those still running
   * then end with an error event that says the controller is stopping. Resolves with how many were cut.
   */
  drain(graceMs: number): Promise<{ cut: number }>;
}

/** Header names of the routing facts each response carries. */
export const ROUTING_HEADERS = {
  requestId: 'x-mlx-request-id',
  worker: 'x-mlx-worker',
  attempts: 'x-mlx-attempts',
  route: 'x-mlx-route',
  session: 'x-mlx-session',
} as const;

/** Why a request stopped before its worker finished. */
type Interruption = 'client_left' | 'shutdown';

/** A request being served: how to interrupt it. */
interface Running {
  interrupt(why: Interruption): void;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Starts the API on `host:port`. Rejects when the port cannot be bound. */
export async function startGateway(controller: Controller, options: GatewayOptions): Promise<Gateway> {
  const log = options.logger.child({ component: 'http-api' });
  const app = Fastify({
    bodyLimit: options.maxBodyBytes,
    return503OnClosing: false, // the onRequest hook answers 503 in the API's own shape, with Retry-After
    forceCloseConnections: 'idle',
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allowUnionTypes: true } },
  });
  const running = new Set<Running>();
  let draining = false;

  const fail = (reply: FastifyReply, error: ApiError): FastifyReply => {
    if (error.retryAfterS !== undefined) void reply.header('retry-after', String(error.retryAfterS));
    if (error.status >= 500) log.warn({ status: error.status, code: error.code }, error.message);
    return reply.code(error.status).send(errorBody(error));
  };

  // Only JSON bodies: a text/plain body gets the 415 that says so, not a shape error.
  app.removeContentTypeParser('text/plain');

  const expectedKey = options.apiKey === undefined ? undefined : sha256(options.apiKey);
  app.addHook('onRequest', async (request, reply) => {
    if (draining && request.url !== '/health') {
      void reply.header('connection', 'close');
      await fail(reply, {
        status: 503,
        type: 'server_error',
        code: 'controller_stopping',
        message: 'The controller is stopping and takes no new requests. Retry on another controller or after it restarts.',
        param: null,
        retryAfterS: options.retryAfterS,
      });
      return;
    }
    if (expectedKey === undefined || request.url === '/health') return;
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    if (given !== undefined && timingSafeEqual(sha256(given), expectedKey)) return;
    await fail(reply, {
      status: 401,
      type: 'authentication_error',
      code: 'invalid_api_key',
      message: `${given === undefined ? 'No API key was sent' : 'The API key is not the one this controller expects'}: send it as "Authorization: Bearer <key>" (controller.api_key on the server).`,
      param: null,
    });
  });

  app.addHook('onResponse', async (request, reply) => {
    log.debug(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        worker: reply.getHeader(ROUTING_HEADERS.worker),
      },
      'HTTP request',
    );
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.validation !== undefined) {
      const issue = error.validation[0];
      const param =
        (issue?.instancePath ?? '')
          .replace(/^\//, '')
          .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
          .replace(/\//g, '.') || null;
      const where = param ?? 'the body';
      return fail(reply, badRequest(`${where} ${issue?.message ?? 'is invalid'}.`, param));
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return fail(reply, {
        status: 413,
        type: 'invalid_request_error',
        code: 'body_too_large',
        message: `The body is larger than ${options.maxBodyBytes} bytes, the limit (controller.max_body_bytes).`,
        param: null,
      });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return fail(reply, {
        status: 415,
        type: 'invalid_request_error',
        code: 'unsupported_media_type',
        message: 'Send the body as JSON with "Content-Type: application/json".',
        param: null,
      });
    }
    if (error.statusCode === 400) return fail(reply, badRequest(`The body is not valid JSON: ${error.message}.`, null, 'invalid_json'));
    return fail(reply, toApiError(error, options.retryAfterS));
  });

  app.setNotFoundHandler((request, reply) =>
    fail(reply, {
      status: 404,
      type: 'invalid_request_error',
      code: 'not_found',
      message: `No route ${request.method} ${request.url.split('?')[0] ?? ''}. This API serves POST /v1/chat/completions, POST /v1/completions, GET /v1/models, GET /health and GET /metrics.`,
      param: null,
    }),
  );

  app.get('/health', async (_request, reply) => {
    const online = controller.registry.workers().filter((w) => w.state !== 'offline').length;
    const nats = options.natsConnected();
    const ready = online > 0 && nats && !draining;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', workers_online: online, nats_connected: nats, draining });
  });

  app.get('/metrics', async (_request, reply) => reply.header('content-type', options.metrics.contentType).send(await options.metrics.metrics()));

  app.get('/v1/models', () => {
    const since = new Map<string, number>();
    for (const worker of controller.registry.workers()) {
      if (worker.state === 'offline') continue;
      const registered = Math.floor((worker.registration?.timestamp ?? Date.now()) / 1000);
      for (const id of worker.models ?? []) since.set(id, Math.min(since.get(id) ?? registered, registered));
    }
    const data = [...since].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, created]) => ({ id, object: 'model', created, owned_by: 'mlx-serving' }));
    return { object: 'list', data };
  });

  const serve =
    (kind: ApiKind) =>
    async (request: FastifyRequest<{ Body: ChatBody | CompletionBody }>, reply: FastifyReply): Promise<FastifyReply | undefined> => {
      const requestId = randomUUID();
      const session = request.headers[ROUTING_HEADERS.session];
      const sessionId = typeof session === 'string' ? session : undefined;
      let inference: InferenceRequest;
      let stream: ControllerStream;
      try {
        inference =
          kind === 'chat'
            ? fromChatBody(request.body as ChatBody, requestId, sessionId)
            : fromCompletionBody(request.body as CompletionBody, requestId, sessionId);
        stream = await controller.infer(inference);
      } catch (error) {
        return fail(reply, toApiError(error, options.retryAfterS));
      }
      const relay = new Relay(kind, inference, stream, reply.raw, options.retryAfterS);
      running.add(relay);
      try {
        if (request.body.stream === true) {
          void reply.hijack();
          await relay.streamEvents();
          return undefined;
        }
        const whole = await relay.collect();
        void reply.headers(relay.headers());
        return await ('error' in whole ? fail(reply, whole.error) : reply.send(whole.body));
      } finally {
        // However it ended, the stream lets go of its subscription, its registry listener and the worker's slot.
        relay.release();
        running.delete(relay);
      }
    };

  app.post('/v1/chat/completions', { schema: { body: chatBodySchema } }, serve('chat'));
  app.post('/v1/completions', { schema: { body: completionBodySchema } }, serve('completion'));

  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    throw new DistributedError(
      'HTTP_LISTEN',
      `The HTTP API could not listen on ${options.host}:${options.port}: ${describe(error)}. Change controller.port or controller.bind_address, or stop what holds the port.`,
      { cause: error },
    );
  }
  const port = (app.server.address() as AddressInfo).port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  let drained: Promise<{ cut: number }> | undefined;

  return {
    url: `http://${shownHost}:${port}`,
    port,
    get active() {
      return running.size;
    },
    drain(graceMs) {
      drained ??= (async () => {
        draining = true;
        const closed = app.close(); // no new connections; requests on open ones get 503; resolves when all ended
        // Keep-alive connections whose response ended during the drain would otherwise hold it open until they time out.
        const sweep = setInterval(() => {
          app.server.closeIdleConnections();
        }, 50);
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<'grace_over'>((resolve) => {
          timer = setTimeout(() => {
            resolve('grace_over');
          }, graceMs);
        });
        let cut = 0;
        if ((await Promise.race([closed, graceOver])) === 'grace_over') {
          cut = running.size;
          for (const request of running) request.interrupt('shutdown');
          // The cut streams end with their error event at once; a client that still holds a connection open after
          // that (a request it abandoned without closing the socket) does not get to hold the process.
          const ended = await Promise.race([
            closed.then(() => true),
            new Promise<false>((resolve) =>
              setTimeout(() => {
                resolve(false);
              }, 1000),
            ),
          ]);
          if (!ended) app.server.closeAllConnections();
          await closed;
        }
        clearTimeout(timer);
        clearInterval(sweep);
        return { cut };
      })();
      return drained;
    },
  };
}

/** Relays one placed request to its HTTP client, as a stream of events or as one response. */
class Relay implements Running {
  private readonly id: string;
  private readonly iterator: AsyncIterator<StreamingResponse>;
  private interruption: Interruption | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly kind: ApiKind,
    private readonly request: InferenceRequest,
    private readonly stream: ControllerStream,
    private readonly res: ServerResponse,
    private readonly retryAfterS: number,
  ) {
    this.id = responseId(kind, request.requestId);
    this.iterator = stream[Symbol.asyncIterator]();
    // A client that leaves before the response ends cancels the request; its worker is told on the cancel channel.
    // One that left while the request was being placed is already gone: cancel at once.
    if (res.destroyed || res.socket === null || res.socket.destroyed) this.interrupt('client_left');
    else {
      res.once('close', () => {
        if (!res.writableFinished) this.interrupt('client_left');
      });
    }
  }

  /** Ends the controller's stream (a no-op past its end): nothing of the request outlives its response. */
  release(): void {
    void this.stream.cancel().catch(() => undefined);
  }

  interrupt(why: Interruption): void {
    if (this.interruption !== undefined) return;
    this.interruption = why;
    this.wake?.();
    void this.stream.cancel().catch(() => undefined);
  }

  /** The routing facts: request id, serving worker, how many workers were tried, and why the last was chosen. */
  headers(): Record<string, string> {
    const last = this.stream.attempts.at(-1);
    return {
      [ROUTING_HEADERS.requestId]: this.request.requestId,
      [ROUTING_HEADERS.worker]: last?.workerId ?? '',
      [ROUTING_HEADERS.attempts]: String(this.stream.attempts.length),
      [ROUTING_HEADERS.route]: last?.reason ?? '',
    };
  }

  /** The next event, or undefined once the request is interrupted (without waiting for the worker). */
  private async next(): Promise<IteratorResult<StreamingResponse> | undefined> {
    if (this.interruption !== undefined) return undefined;
    const interrupted = new Promise<undefined>((resolve) => {
      this.wake = () => {
        resolve(undefined);
      };
    });
    return Promise.race([this.iterator.next(), interrupted]);
  }

  private interruptedError(delivered: number): ApiError {
    return {
      status: 503,
      type: 'server_error',
      code: 'controller_stopping',
      message: `The controller is stopping; the request was cut after ${delivered} token(s). Retry it.`,
      param: null,
    };
  }

  async streamEvents(): Promise<void> {
    const sse = new SseWriter(this.res);
    sse.open(this.headers());
    const model = this.request.modelId;
    let delivered = 0;
    try {
      for (;;) {
        const step = await this.next();
        if (step === undefined || step.done === true) break;
        const event = step.value;
        if (event.type === 'token') {
          await sse.send(streamChunk(this.kind, this.id, model, event.token, null, delivered === 0));
          delivered += 1;
          continue;
        }
        if (event.type === 'done') {
          await sse.send(streamChunk(this.kind, this.id, model, undefined, finishReason(this.request, event.totalTokens)));
        } else {
          await sse.send(errorBody(fromStreamError(event.code, event.error, event.workerId)));
        }
        await sse.done();
        return;
      }
    } catch (error) {
      await sse.send(errorBody(toApiError(error, this.retryAfterS)));
      await sse.done();
      return;
    }
    // Interrupted: a client that left hears nothing more; any other reader is told why the stream ends here.
    if (!sse.closed) {
      await sse.send(errorBody(this.interruptedError(delivered)));
      await sse.done();
    }
  }

  async collect(): Promise<{ body: object } | { error: ApiError }> {
    let text = '';
    let delivered = 0;
    try {
      for (;;) {
        const step = await this.next();
        if (step === undefined || step.done === true) return { error: this.interruptedError(delivered) };
        const event = step.value;
        if (event.type === 'token') {
          text += event.token;
          delivered += 1;
        } else if (event.type === 'done') {
          return { body: completeResponse(this.kind, this.id, this.request.modelId, text, finishReason(this.request, event.totalTokens)) };
        } else {
          return { error: fromStreamError(event.code, event.error, event.workerId) };
        }
      }
    } catch (error) {
      return { error: toApiError(error, this.retryAfterS) };
    }
  }
}
