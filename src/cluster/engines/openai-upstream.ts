/**
 * The `openai` engine: a worker whose tokens come from an upstream OpenAI-compatible server (mlx_lm.server, LM
 * Studio, Ollama, a llama.cpp server, vLLM, or another cluster's controller). The cluster keeps routing, numbering
 * and cancellation; the upstream runs the model. Each failure is a DistributedError whose code the worker forwards
 * in its error event (UPSTREAM_UNREACHABLE, UPSTREAM_ERROR, UPSTREAM_TIMEOUT), naming the upstream by its redacted
 * URL and never showing the API key. No wait is open-ended: each step of the HTTP exchange ends within `timeoutMs`
 * or when the job is cancelled, and the request is aborted however the stream ends.
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { ConfigValidationError, DistributedError, describeForeign } from '../../base/errors.js';
import type { ErrorCode } from '../../base/error-codes.js';
import { REDACTED, redactText, redactUrl } from '../../base/redaction.js';
import type { InferenceRequest } from '../../../generated/index.js';
import type { InferenceEngine } from '../worker.js';

/** Options of {@link openAiUpstreamEngine}. */
export interface OpenAiUpstreamOptions {
  /** Base URL of the upstream API, up to and including `/v1`, e.g. `http://127.0.0.1:8080/v1`. */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>`; never shown in an error. */
  apiKey?: string;
  /** The upstream's name of each cluster model id; an id not listed is sent as it is. */
  modelMap?: Readonly<Record<string, string>>;
  /** How long the upstream may take to send its response headers, and then each next chunk, in ms. Default 60000. */
  timeoutMs?: number;
  /** The fetch to call. Default: the global fetch. */
  fetch?: typeof fetch;
}

/** Longest upstream error text quoted in a message. */
const QUOTE_LIMIT = 300;

/** An engine that streams each request's tokens from the upstream at `options.url`. See the module comment. */
export function openAiUpstreamEngine(options: OpenAiUpstreamOptions): InferenceEngine {
  const baseUrl = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 60_000;
  const send = options.fetch ?? fetch;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${headerSafeKey(options.apiKey)}`;

  return {
    async *generate(request, signal) {
      const call = upstreamCall(request, baseUrl, options.modelMap);
      if (call === undefined) return;
      const where = redactUrl(call.url);
      // The key travels only in the header: messages hold the redacted URL, our words, and the words of fetch and of
      // the upstream with credential fields and URL userinfo hidden.
      const fail = (code: ErrorCode, message: string): DistributedError => new DistributedError(code, message);
      /** A failure of a step, unless the job was cancelled or the step timed out (those pass through as they are). */
      const failure = (code: ErrorCode, message: (reason: string) => string) => (error: unknown) => {
        throw signal.aborted || error instanceof DistributedError ? error : fail(code, message(describeForeign((error as { cause?: unknown }).cause ?? error)));
      };
      const exchange = new AbortController();
      const followCaller = (): void => {
        exchange.abort(signal.reason);
      };
      if (signal.aborted) followCaller();
      else signal.addEventListener('abort', followCaller, { once: true });
      const step = <T>(promise: Promise<T>, awaited: string): Promise<T> =>
        bounded(promise, exchange, timeoutMs, () =>
          fail(
            'UPSTREAM_TIMEOUT',
            `The upstream ${where} sent no ${awaited} within ${timeoutMs} ms. Check that it is running and not overloaded, or raise worker.engine.timeout_ms.`,
          ),
        );
      try {
        const response = await step(
          send(call.url, { method: 'POST', headers, body: JSON.stringify(call.body), signal: exchange.signal }),
          'response headers',
        ).catch(
          failure(
            'UPSTREAM_UNREACHABLE',
            (reason) => `Could not reach the upstream ${where}: ${reason}. Check that the server is running and that worker.engine.url is right.`,
          ),
        );
        if (!response.ok) {
          // An answer that refuses the key is about the key, and may quote it: only its status is shown.
          const refusesKey = response.status === 401 || response.status === 403;
          const quote = refusesKey ? '' : upstreamMessage(await step(response.text(), 'error body').catch(() => ''));
          throw fail('UPSTREAM_ERROR', `The upstream ${where} answered ${response.status}${quote === '' ? '' : `: ${quote}`}. ${nextStep(response.status)}`);
        }
        if (response.body === null) return;
        const events = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
        for (;;) {
          const next = await step(events.read(), 'next chunk').catch(
            failure('UPSTREAM_ERROR', (reason) => `The upstream ${where} broke off the stream: ${reason}. Check the upstream server's log.`),
          );
          if (next.done || next.value.data === '[DONE]') return;
          const chunk = parseChunk(next.value.data, call.chat);
          if ('error' in chunk)
            throw fail('UPSTREAM_ERROR', `The upstream ${where} reported an error mid-stream: ${chunk.error}. Check the upstream server's log.`);
          if (chunk.text !== '') yield chunk.text;
        }
      } catch (error) {
        if (signal.aborted) return; // the job was cancelled: the worker reports that, not how the exchange ended
        throw error;
      } finally {
        // Also reached when the consumer stops early (return()): the upstream stops generating for nobody.
        signal.removeEventListener('abort', followCaller);
        exchange.abort();
      }
    },
  };
}

/** The endpoint and JSON body that ask the upstream for `request`'s tokens; undefined when no token is left to make. */
function upstreamCall(
  request: InferenceRequest,
  baseUrl: string,
  modelMap: Readonly<Record<string, string>> = {},
): { url: string; chat: boolean; body: object } | undefined {
  const { continuation } = request;
  // The tokens streamed before the request moved count toward its budget.
  const maxTokens = request.maxTokens === undefined ? undefined : request.maxTokens - (continuation?.tokenCount ?? 0);
  if (maxTokens !== undefined && maxTokens <= 0) return undefined;
  const model = Object.hasOwn(modelMap, request.modelId) ? modelMap[request.modelId] : request.modelId;
  // JSON.stringify leaves out the parameters the request does not set.
  const common = { model, stream: true, max_tokens: maxTokens, temperature: request.temperature, top_p: request.topP, stop: request.stop };
  if (request.messages === undefined) {
    return { url: `${baseUrl}/completions`, chat: false, body: { ...common, prompt: request.prompt + (continuation?.text ?? '') } };
  }
  // A continuation becomes a trailing assistant message: servers that treat one as a prefix continue that turn
  // after its text; others may answer it with a new turn.
  const messages =
    continuation === undefined || continuation.text === '' ? request.messages : [...request.messages, { role: 'assistant', content: continuation.text }];
  return { url: `${baseUrl}/chat/completions`, chat: true, body: { ...common, messages } };
}

/** Waits for `promise`, but no longer than `exchange` stays open nor than `timeoutMs` (then aborts `exchange` with `timedOut()`). */
function bounded<T>(promise: Promise<T>, exchange: AbortController, timeoutMs: number, timedOut: () => Error): Promise<T> {
  const { signal } = exchange;
  return new Promise<T>((resolve, reject) => {
    const settle = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      settle();
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      exchange.abort(timedOut());
    }, timeoutMs);
    promise.finally(settle).then(resolve, reject);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The text of one streamed chunk (chat: `choices[0].delta.content`, completion: `choices[0].text`), or its error. */
function parseChunk(data: string, chat: boolean): { text: string } | { error: string } {
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    return { error: `a chunk that is not JSON (${quoted(data)})` };
  }
  const error = errorOf(chunk);
  if (error !== undefined) return { error };
  const choice = (chunk as { choices?: { delta?: { content?: unknown }; text?: unknown }[] } | null)?.choices?.[0];
  const text = chat ? choice?.delta?.content : choice?.text;
  return { text: typeof text === 'string' ? text : '' };
}

/** The message of an upstream error body: `{"error":{"message":…}}`, `{"error":"…"}` or `{"detail":"…"}`; else the text itself. */
function upstreamMessage(body: string): string {
  try {
    return errorOf(JSON.parse(body)) ?? quoted(body.trim());
  } catch {
    return quoted(body.trim());
  }
}

/** The error a JSON value reports, if it is an error object, as quoted. */
function errorOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { error, detail } = value as { error?: unknown; detail?: unknown };
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : error;
  if (typeof message === 'string') return quoted(message);
  if (typeof detail === 'string') return quoted(detail);
  if (error !== undefined && error !== null) return quoted(JSON.stringify(error));
  return undefined;
}

/** Upstream text as a message quotes it: credential fields and URL userinfo hidden (before the cut, which could split one), then cut. */
function quoted(text: string): string {
  const safe = redactText(text);
  return safe.length <= QUOTE_LIMIT ? safe : `${safe.slice(0, QUOTE_LIMIT)}…`;
}

/**
 * The key, if an HTTP header can carry it. fetch quotes a header value it refuses (a control character, one beyond
 * Latin-1) in its error, so such a key is refused here, before it could reach a message.
 */
function headerSafeKey(key: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000\r\n]|[^\u0000-\u00ff]/.test(key)) return key;
  throw new ConfigValidationError([
    { file: '<OpenAiUpstreamOptions>', path: 'apiKey', expected: 'a key an HTTP header can carry (no NUL, CR or LF, nothing beyond Latin-1)', found: REDACTED },
  ]);
}

/** What to do about an upstream's error status. */
function nextStep(status: number): string {
  if (status === 401 || status === 403) return 'Check worker.engine.api_key.';
  if (status === 404) return 'Check worker.engine.url (the base URL, ending in /v1) and that the upstream serves the model (worker.engine.model_map).';
  if (status === 429 || status === 503) return "The upstream is busy: retry later, or lower this worker's capacity.";
  return "Check the upstream server's log.";
}
