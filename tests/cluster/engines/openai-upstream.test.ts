/**
 * The openai engine against real loopback HTTP servers that stream the way mlx_lm.server does: the requests as the
 * upstream receives them, the tokens, the upstream request closed on abort and on an early return, and each failure
 * code (unreachable, error status, error inside the stream, timeout) with a message that never shows the API key.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DistributedError } from '../../../src/base/errors.js';
import { openAiUpstreamEngine, type OpenAiUpstreamOptions } from '../../../src/cluster/engines/openai-upstream.js';
import type { InferenceRequest } from '../../../generated/index.js';

const API_KEY = 'sk-local-7f3a9c1e5b';

/** One request as the upstream received it, and whether the client closed it before the response was finished. */
interface Received {
  path: string | undefined;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  closedEarly: Promise<void>;
}

type Handler = (res: ServerResponse, body: Record<string, unknown>) => void;

interface FakeUpstream {
  /** The base URL, ending in /v1. */
  url: string;
  received: Received[];
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** An upstream on 127.0.0.1 (ephemeral port) that records each request and answers with `handler`. */
async function fakeUpstream(handler: Handler): Promise<FakeUpstream> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const closedEarly = new Promise<void>((resolve) => {
        res.on('close', () => {
          if (!res.writableFinished) resolve();
        });
      });
      received.push({ path: req.url, headers: req.headers, body, closedEarly });
      handler(res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, received };
}

/** Starts a server-sent event stream, as mlx_lm.server does. */
function startEvents(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

const sendEvent = (res: ServerResponse, data: unknown): void => {
  res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
};

const chatChunk = (content: string | undefined, finish: string | null = null): unknown => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1_700_000_000,
  model: 'upstream-model',
  choices: [{ index: 0, delta: content === undefined ? {} : { role: 'assistant', content }, logprobs: null, finish_reason: finish }],
});

const textChunk = (text: string, finish: string | null = null): unknown => ({
  id: 'cmpl-1',
  object: 'text_completion',
  created: 1_700_000_000,
  model: 'upstream-model',
  choices: [{ index: 0, text, logprobs: null, finish_reason: finish }],
});

/** Streams `chunks`, then `[DONE]`, then ends the response. */
const streams =
  (...chunks: unknown[]): Handler =>
  (res) => {
    startEvents(res);
    for (const chunk of chunks) sendEvent(res, chunk);
    sendEvent(res, '[DONE]');
    res.end();
  };

/** Streams `chunks` and then holds the response open, sending nothing more. */
const streamsThenStalls =
  (...chunks: unknown[]): Handler =>
  (res) => {
    startEvents(res);
    for (const chunk of chunks) sendEvent(res, chunk);
  };

const request = (over: Partial<InferenceRequest> = {}): InferenceRequest => ({ requestId: randomUUID(), modelId: 'llama-3b', prompt: 'Say hi', ...over });

const chatMessages: NonNullable<InferenceRequest['messages']> = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Say hi', name: 'ada' },
];

/** The engine's generation as the async generator it is, so a test can drive it step by step. */
function generate(options: OpenAiUpstreamOptions, req: InferenceRequest, signal = new AbortController().signal): AsyncGenerator<string> {
  return openAiUpstreamEngine(options).generate(req, signal) as AsyncGenerator<string>;
}

async function collect(tokens: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const token of tokens) out.push(token);
  return out;
}

/** The error a generation ends with (the test fails if it ends without one). */
async function failureOf(tokens: AsyncIterable<string>): Promise<DistributedError> {
  try {
    await collect(tokens);
  } catch (error) {
    expect(error).toBeInstanceOf(DistributedError);
    return error as DistributedError;
  }
  throw new Error('the generation ended without an error');
}

/** `promise`, or a rejection naming `what` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} did not happen within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, late]).finally(() => {
    clearTimeout(timer);
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('openAiUpstreamEngine: requests and tokens', () => {
  it('posts a chat request to /chat/completions with the mapped model, the sampling parameters and the bearer key, and yields each delta', async () => {
    const upstream = await fakeUpstream(
      streams(chatChunk(undefined), chatChunk('Hel'), chatChunk(''), chatChunk('lo'), chatChunk(' there'), chatChunk(undefined, 'stop')),
    );
    const options = { url: upstream.url, apiKey: API_KEY, modelMap: { 'llama-3b': 'mlx-community/Llama-3.2-3B-Instruct-4bit' } };
    const tokens = await collect(generate(options, request({ messages: chatMessages, maxTokens: 64, temperature: 0.2, topP: 0.9, stop: ['\n\n'] })));

    expect(tokens).toEqual(['Hel', 'lo', ' there']);
    expect(upstream.received).toHaveLength(1);
    const [received] = upstream.received;
    expect(received?.path).toBe('/v1/chat/completions');
    expect(received?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(received?.headers['content-type']).toBe('application/json');
    expect(received?.body).toEqual({
      model: 'mlx-community/Llama-3.2-3B-Instruct-4bit',
      messages: chatMessages,
      stream: true,
      max_tokens: 64,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['\n\n'],
    });
  });

  it('continues a moved chat request as a trailing assistant message, with the rest of the token budget', async () => {
    const upstream = await fakeUpstream(streams(chatChunk(' world')));
    const continuation = { text: 'Hello', tokenCount: 3 };
    const tokens = await collect(generate({ url: `${upstream.url}/` }, request({ modelId: 'unmapped', messages: chatMessages, maxTokens: 10, continuation })));

    expect(tokens).toEqual([' world']);
    const [received] = upstream.received;
    expect(received?.path).toBe('/v1/chat/completions');
    expect(received?.headers.authorization).toBeUndefined();
    expect(received?.body).toEqual({
      model: 'unmapped',
      messages: [...chatMessages, { role: 'assistant', content: 'Hello' }],
      stream: true,
      max_tokens: 7,
    });
  });

  it('posts a request without messages to /completions, the continuation appended to the prompt, and yields each text', async () => {
    const upstream = await fakeUpstream(streams(textChunk(' 3'), textChunk(''), textChunk(', 4'), textChunk('', 'length')));
    const options = { url: upstream.url, modelMap: { other: 'x' } };
    const tokens = await collect(generate(options, request({ prompt: 'Count: 1', maxTokens: 5, continuation: { text: ', 2', tokenCount: 2 } })));

    expect(tokens).toEqual([' 3', ', 4']);
    const [received] = upstream.received;
    expect(received?.path).toBe('/v1/completions');
    expect(received?.body).toEqual({ model: 'llama-3b', prompt: 'Count: 1, 2', stream: true, max_tokens: 3 });
  });

  it('sends no request when the continuation already used the whole budget', async () => {
    const upstream = await fakeUpstream(streams(textChunk('never')));
    expect(await collect(generate({ url: upstream.url }, request({ maxTokens: 4, continuation: { text: 'a b c d', tokenCount: 4 } })))).toEqual([]);
    expect(upstream.received).toHaveLength(0);
  });

  it('stops at [DONE] even while the upstream keeps the response open', async () => {
    const upstream = await fakeUpstream((res) => {
      startEvents(res);
      sendEvent(res, textChunk('only'));
      sendEvent(res, '[DONE]');
      sendEvent(res, textChunk('after done'));
    });
    const tokens = await within(collect(generate({ url: upstream.url, timeoutMs: 10_000 }, request())), 2000, 'the end at [DONE]');
    expect(tokens).toEqual(['only']);
    await within(upstream.received[0]!.closedEarly, 2000, 'closing the upstream request');
  });

  it('ends at the end of the body when no [DONE] comes', async () => {
    const upstream = await fakeUpstream((res) => {
      startEvents(res);
      sendEvent(res, textChunk('a'));
      sendEvent(res, textChunk('b'));
      res.end();
    });
    expect(await collect(generate({ url: upstream.url }, request()))).toEqual(['a', 'b']);
  });
});

describe('openAiUpstreamEngine: stopping early', () => {
  it('aborting the signal mid-stream ends the generation and closes the upstream request', async () => {
    const upstream = await fakeUpstream(streamsThenStalls(chatChunk('first')));
    const abort = new AbortController();
    const tokens = generate({ url: upstream.url, timeoutMs: 30_000 }, request({ messages: chatMessages }), abort.signal);

    expect((await tokens.next()).value).toBe('first');
    const pending = tokens.next(); // waits for a chunk the upstream never sends
    abort.abort();
    expect(await within(pending, 1000, 'the end after abort')).toEqual({ done: true, value: undefined });
    await within(upstream.received[0]!.closedEarly, 2000, 'closing the upstream request');
  });

  it('aborting while the upstream has not answered yet closes the request', async () => {
    const upstream = await fakeUpstream(() => undefined); // never answers
    const abort = new AbortController();
    const pending = generate({ url: upstream.url, timeoutMs: 30_000 }, request(), abort.signal).next();
    await within(
      (async () => {
        while (upstream.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      })(),
      2000,
      'the request reaching the upstream',
    );
    abort.abort();
    expect(await within(pending, 1000, 'the end after abort')).toEqual({ done: true, value: undefined });
    await within(upstream.received[0]!.closedEarly, 2000, 'closing the upstream request');
  });

  it("the consumer's early return() closes the upstream request", async () => {
    const upstream = await fakeUpstream(streamsThenStalls(textChunk('one'), textChunk('two')));
    const tokens = generate({ url: upstream.url, timeoutMs: 30_000 }, request());

    expect((await tokens.next()).value).toBe('one');
    expect(await tokens.return(undefined)).toEqual({ done: true, value: undefined });
    await within(upstream.received[0]!.closedEarly, 2000, 'closing the upstream request');
  });

  it('breaking out of a for-await loop does the same', async () => {
    const upstream = await fakeUpstream(streamsThenStalls(chatChunk('one')));
    for await (const token of generate({ url: upstream.url, timeoutMs: 30_000 }, request({ messages: chatMessages }))) {
      expect(token).toBe('one');
      break;
    }
    await within(upstream.received[0]!.closedEarly, 2000, 'closing the upstream request');
  });
});

describe('openAiUpstreamEngine: failures', () => {
  it('an error status with a JSON error is UPSTREAM_ERROR naming the URL, the status and the upstream message', async () => {
    const upstream = await fakeUpstream((res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Model mlx-community/missing could not be loaded', type: 'server_error' } }));
    });
    const error = await failureOf(generate({ url: upstream.url, apiKey: API_KEY }, request({ messages: chatMessages })));

    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.message).toContain(`${upstream.url}/chat/completions`);
    expect(error.message).toContain('500');
    expect(error.message).toContain('Model mlx-community/missing could not be loaded');
    expect(error.message).not.toContain(API_KEY);
  });

  it('quotes a plain-text error body, truncated', async () => {
    const upstream = await fakeUpstream((res) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`Bad gateway ${'x'.repeat(2000)}`);
    });
    const error = await failureOf(generate({ url: upstream.url }, request()));

    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.message).toContain('502: Bad gateway xxx');
    expect(error.message.length).toBeLessThan(600);
  });

  it('names the URL without its credentials', async () => {
    const upstream = await fakeUpstream((res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found' }));
    });
    const withCredentials = upstream.url.replace('http://', 'http://admin:hunter2@');
    // A fetch that sends the credentials another way (fetch refuses URLs that hold them).
    const stripCredentials: typeof fetch = (input, init) => fetch(typeof input === 'string' ? input.replace('admin:hunter2@', '') : input, init);
    const error = await failureOf(generate({ url: withCredentials, fetch: stripCredentials }, request()));

    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.message).toContain(`${upstream.url.replace('http://', 'http://[REDACTED]@')}/completions`);
    expect(error.message).toContain('404: not found');
    expect(error.message).not.toContain('hunter2');
  });

  it('an answer that refuses the key is not quoted: it is about the key, and may repeat it in any words', async () => {
    const upstream = await fakeUpstream((res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${API_KEY}` } }));
    });
    const error = await failureOf(generate({ url: upstream.url, apiKey: API_KEY }, request()));

    expect(upstream.received[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.message).toBe(`The upstream ${upstream.url}/completions answered 401. Check worker.engine.api_key.`);
  });

  it('other answers are quoted as written, credential fields hidden, even when the key is a common word', async () => {
    const upstream = await fakeUpstream((res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'ollama could not load the model (request api_key: ollama)' } }));
    });
    const error = await failureOf(generate({ url: upstream.url, apiKey: 'ollama' }, request()));

    expect(error.message).toContain('500: ollama could not load the model (request api_key: [REDACTED]');
  });

  it('refuses a key an HTTP header cannot carry, without showing it (fetch would quote it in its error)', () => {
    for (const apiKey of [`${API_KEY}\n`, `${API_KEY}\r`, `${API_KEY}\u0000`, 'ключ']) {
      expect(() => openAiUpstreamEngine({ url: 'http://127.0.0.1:1/v1', apiKey })).toThrow(
        'Invalid configuration (1 problem):\n  <OpenAiUpstreamOptions>: apiKey: expected a key an HTTP header can carry (no NUL, CR or LF, nothing beyond Latin-1), found [REDACTED]',
      );
    }
  });

  it('an error object inside the stream is UPSTREAM_ERROR, after the tokens before it', async () => {
    const upstream = await fakeUpstream((res) => {
      startEvents(res);
      sendEvent(res, chatChunk('partial'));
      sendEvent(res, { error: { message: 'out of memory while generating', code: 500 } });
      res.end();
    });
    const tokens: string[] = [];
    const error = await failureOf(
      (async function* () {
        for await (const token of generate({ url: upstream.url, apiKey: API_KEY }, request({ messages: chatMessages }))) {
          tokens.push(token);
          yield token;
        }
      })(),
    );

    expect(tokens).toEqual(['partial']);
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.message).toContain('out of memory while generating');
    expect(error.message).toContain(upstream.url);
    expect(error.message).not.toContain(API_KEY);
  });

  it('a chunk that is not JSON is UPSTREAM_ERROR', async () => {
    const upstream = await fakeUpstream(streams('this is not json'));
    const error = await failureOf(generate({ url: upstream.url }, request()));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.message).toContain('this is not json');
  });

  it('a connection cut mid-stream is UPSTREAM_ERROR', async () => {
    const upstream = await fakeUpstream((res) => {
      startEvents(res);
      sendEvent(res, textChunk('a'));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const error = await failureOf(generate({ url: upstream.url, timeoutMs: 5000 }, request()));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.message).toContain('broke off');
  });

  it('a closed port is UPSTREAM_UNREACHABLE naming the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const error = await failureOf(generate({ url, apiKey: API_KEY, timeoutMs: 5000 }, request({ messages: chatMessages })));

    expect(error.code).toBe('UPSTREAM_UNREACHABLE');
    expect(error.message).toContain(`${url}/chat/completions`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain(API_KEY);
  });

  it('a URL fetch refuses (credentials in it) is UPSTREAM_UNREACHABLE without the credentials', async () => {
    const url = `http://admin:hunter2@127.0.0.1:${await closedPort()}/v1`;
    const error = await failureOf(generate({ url }, request()));
    expect(error.code).toBe('UPSTREAM_UNREACHABLE');
    expect(error.message).toContain('[REDACTED]@127.0.0.1');
    expect(error.message).not.toContain('hunter2');
  });

  it('an upstream that sends no headers is UPSTREAM_TIMEOUT within the bound, and the request is closed', async () => {
    const upstream = await fakeUpstream(() => undefined);
    const started = performance.now();
    const error = await failureOf(generate({ url: upstream.url, apiKey: API_KEY, timeoutMs: 150 }, request()));
    const elapsed = performance.now() - started;

    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.message).toContain(`${upstream.url}/completions`);
    expect(error.message).toContain('150 ms');
    expect(error.message).not.toContain(API_KEY);
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1500);
    await within(upstream.received[0]!.closedEarly, 2000, 'closing the upstream request');
  });

  it('an upstream that stalls mid-stream is UPSTREAM_TIMEOUT after the tokens it sent', async () => {
    const upstream = await fakeUpstream(streamsThenStalls(chatChunk('slow')));
    const tokens: string[] = [];
    const started = performance.now();
    const error = await failureOf(
      (async function* () {
        for await (const token of generate({ url: upstream.url, timeoutMs: 150 }, request({ messages: chatMessages }))) {
          tokens.push(token);
          yield token;
        }
      })(),
    );

    expect(tokens).toEqual(['slow']);
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.message).toContain('next chunk');
    expect(performance.now() - started).toBeLessThan(1500);
    await within(upstream.received[0]!.closedEarly, 2000, 'closing the upstream request');
  });

  it('the time a consumer spends between tokens does not count against the upstream', async () => {
    const upstream = await fakeUpstream(streams(textChunk('a'), textChunk('b')));
    const tokens: string[] = [];
    for await (const token of generate({ url: upstream.url, timeoutMs: 100 }, request())) {
      tokens.push(token);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(tokens).toEqual(['a', 'b']);
  });
});
