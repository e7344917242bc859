/**
 * Server-Sent Events on a raw HTTP response, as OpenAI streams them: `data: <json>\n\n` per chunk and
 * `data: [DONE]\n\n` at the end. A slow reader is waited for (the socket's backpressure) rather than buffered
 * without bound; a reader that left makes every later write a no-op.
 */
import type { ServerResponse } from 'node:http';

/** Writes the events of one stream. */
export class SseWriter {
  constructor(private readonly res: ServerResponse) {}

  /** Whether the client is gone (then nothing more is written). */
  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  /** Sends the status line and headers; the body is events from here on. */
  open(headers: Readonly<Record<string, string>>): void {
    this.res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no', // proxies such as nginx would otherwise hold the tokens back
    });
    this.res.flushHeaders();
  }

  /** One event with a JSON payload; resolves when the socket can take more. */
  send(payload: object): Promise<void> {
    return this.write(`data: ${JSON.stringify(payload)}\n\n`);
  }

  /** The end-of-stream marker, then the response ends. */
  async done(): Promise<void> {
    await this.write('data: [DONE]\n\n');
    this.res.end();
  }

  private write(text: string): Promise<void> {
    if (this.closed || this.res.write(text)) return Promise.resolve();
    return new Promise((resolve) => {
      const settle = (): void => {
        this.res.off('drain', settle);
        this.res.off('close', settle);
        resolve();
      };
      this.res.once('drain', settle);
      this.res.once('close', settle);
    });
  }
}
