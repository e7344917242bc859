/**
 * The dashboard's live feed over Server-Sent Events: each page gets the whole picture once (`event: snapshot`), then
 * what changed, coalesced: at most one `event: update` every `intervalMs`, built once and written to every page,
 * however many tokens and heartbeats came in between. A page that cannot keep up (more than 1 MB waiting on its
 * socket) is dropped; its EventSource reconnects and starts again from a snapshot. Nothing runs while no page is open.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClusterView } from './cluster-view.js';

/** Bytes waiting on one page's socket past which it is dropped. */
const MAX_BUFFERED = 1024 * 1024;
/** A comment line after this much silence keeps proxies from closing the stream. */
const KEEP_ALIVE_MS = 15_000;

const event = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

export class LiveFeed {
  private readonly pages = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private lastWrite = 0;

  constructor(
    private readonly view: ClusterView,
    private readonly intervalMs: number,
  ) {}

  /** Pages connected now. */
  get size(): number {
    return this.pages.size;
  }

  /** Serves `GET /api/events` to one page until it leaves. */
  open(request: IncomingMessage, response: ServerResponse): void {
    // The first page starts from a clean slate: what changed while nobody watched is in its snapshot.
    if (this.pages.size === 0) this.view.takeUpdate();
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write(`retry: 2000\n${event('snapshot', this.view.snapshot())}`);
    this.pages.add(response);
    request.socket.setNoDelay(true);
    response.on('close', () => {
      this.pages.delete(response);
      if (this.pages.size === 0) this.stopTimer();
    });
    this.timer ??= setInterval(() => {
      this.flush();
    }, this.intervalMs);
  }

  /** Sends what changed to every page (the timer calls it every `intervalMs`). */
  flush(): void {
    const update = this.view.takeUpdate();
    const now = Date.now();
    let text: string;
    if (update !== undefined) text = event('update', update);
    else if (now - this.lastWrite >= KEEP_ALIVE_MS) text = ': keep-alive\n\n';
    else return;
    this.lastWrite = now;
    for (const page of this.pages) {
      if (page.writableLength > MAX_BUFFERED) {
        page.destroy();
        continue;
      }
      page.write(text);
    }
  }

  /** Ends every page's stream and stops. */
  close(): void {
    this.stopTimer();
    for (const page of this.pages) page.end();
    this.pages.clear();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
