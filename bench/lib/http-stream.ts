/**
 * A lean streaming client for the gateway figures: `POST /v1/chat/completions` with `stream: true` over node:http
 * and a keep-alive agent, reading the Server-Sent Events by their framing only. A token is an event whose chunk has
 * `"finish_reason":null`; nothing is JSON-parsed. This keeps the client's own cost small next to the gateway's, so
 * the figures measure the server (the openai package's client parses every chunk and builds objects per token).
 */
import { Agent, request as httpRequest, type ClientRequest } from 'node:http';
import { nowMs } from './stats.js';

/** The body of a streamed chat completion asking for `maxTokens` tokens. */
export function chatBody(model: string, maxTokens: number): string {
  return JSON.stringify({ model, stream: true, max_tokens: maxTokens, messages: [{ role: 'user', content: 'Explain how the cluster streams tokens.' }] });
}

/** A keep-alive agent that opens up to `sockets` connections at once. */
export function streamAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/** How one stream went, times from the moment the request was made (ms). */
export interface StreamTiming {
  /** First token chunk received. */
  ttftMs: number;
  /** `data: [DONE]` received. */
  endMs: number;
  tokens: number;
}

/** Handlers of {@link openStream}; each is called at most once. */
interface StreamHandlers {
  onFirstToken?: (atMs: number) => void;
  onEnd: (timing: StreamTiming) => void;
  onError: (error: Error) => void;
}

/**
 * Sends one streamed request to `url` (the gateway's base URL) and reads its events. Returns the request, so the
 * caller can abort it (`destroy()`); an abort after the first token ends without calling `onEnd` or `onError`.
 */
export function openStream(agent: Agent, url: string, body: string, handlers: StreamHandlers): ClientRequest {
  const began = nowMs();
  let ttft = Number.NaN;
  let tokens = 0;
  let settled = false;
  const fail = (error: Error): void => {
    if (settled) return;
    settled = true;
    handlers.onError(error);
  };
  const req = httpRequest(`${url}/v1/chat/completions`, {
    method: 'POST',
    agent,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), accept: 'text/event-stream' },
  });
  req.on('response', (res) => {
    res.setEncoding('utf8');
    if (res.statusCode !== 200) {
      let text = '';
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        fail(new Error(`gateway answered ${String(res.statusCode)}: ${text.slice(0, 300)}`));
      });
      return;
    }
    let buffer = '';
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const event = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        cut = buffer.indexOf('\n\n');
        if (event === 'data: [DONE]') {
          if (!settled) {
            settled = true;
            handlers.onEnd({ ttftMs: ttft, endMs: nowMs() - began, tokens });
          }
        } else if (event.includes('"finish_reason":null')) {
          tokens += 1;
          if (tokens === 1) {
            ttft = nowMs() - began;
            handlers.onFirstToken?.(ttft);
          }
        } else if (event.startsWith('data: {"error"')) {
          fail(new Error(`gateway stream error: ${event.slice(6, 306)}`));
        }
      }
    });
    res.on('error', () => undefined); // an abort by the caller; otherwise 'close' below reports it
    res.on('close', () => {
      if (!settled && !req.destroyed) fail(new Error(`stream closed after ${tokens} token(s) without [DONE]`));
    });
  });
  req.on('error', (error) => {
    if (!req.destroyed || tokens === 0) fail(error);
  });
  req.end(body);
  return req;
}

/** One whole stream as a promise, bounded by `timeoutMs` (the request is destroyed when it overruns). */
export function streamOnce(agent: Agent, url: string, body: string, timeoutMs: number): Promise<StreamTiming> {
  return new Promise<StreamTiming>((resolve, reject) => {
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`a gateway stream did not end within ${timeoutMs} ms`));
    }, timeoutMs);
    const req = openStream(agent, url, body, {
      onEnd: (timing) => {
        clearTimeout(timer);
        resolve(timing);
      },
      onError: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
  });
}
