/**
 * The walkthrough's controller: keeps a registry of workers from `worker.register` and `worker.heartbeat`,
 * announces itself on `cluster.announce`, and streams inference results back from a chosen worker.
 */
import { randomUUID } from 'node:crypto';
import { channels, streamInference, type InferenceRequest, type NatsClient, type Subscription, type WorkerHeartbeat, type WorkerRegistration } from '../../src/index.js';

/** What the controller knows of one worker. */
export interface KnownWorker {
  registration: WorkerRegistration;
  lastHeartbeat: WorkerHeartbeat | undefined;
}

/** One finished request, for the report. */
export interface RequestResult {
  requestId: string;
  workerId: string;
  prompt: string;
  tokens: number;
  text: string;
  /** From sending the request to the `done` event, as the controller saw it. */
  latencyMs: number;
  /** From sending the request to the first token. */
  firstTokenMs: number;
  outcome: 'done' | 'error';
}

/** The walkthrough's controller. */
export class DemoController {
  readonly controllerId = randomUUID();
  readonly workers = new Map<string, KnownWorker>();
  private readonly subscriptions: Subscription[] = [];
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly client: NatsClient) {}

  /** Subscribes to registrations and heartbeats, then announces itself. */
  async start(heartbeatIntervalMs: number): Promise<void> {
    this.subscriptions.push(
      await channels.workerRegister.subscribe(this.client, (registration) => {
        this.workers.set(registration.workerId, { registration, lastHeartbeat: this.workers.get(registration.workerId)?.lastHeartbeat });
        this.waiters.splice(0).forEach((wake) => { wake(); });
      }),
      await channels.workerHeartbeat.subscribe(this.client, (heartbeat) => {
        const known = this.workers.get(heartbeat.workerId);
        if (known !== undefined) known.lastHeartbeat = heartbeat;
      }),
    );
    await channels.clusterAnnounce.publish(this.client, {
      announcementId: randomUUID(),
      controllerId: this.controllerId,
      event: 'controller_online',
      activeWorkers: this.workers.size,
      heartbeatIntervalMs,
      message: 'walkthrough controller is up',
      timestamp: Date.now(),
    });
  }

  /** Resolves once at least `count` workers have registered, or rejects after `timeoutMs`. */
  async waitForWorkers(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.workers.size < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Only ${this.workers.size} of ${count} workers registered within ${timeoutMs} ms.`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** Sends one prompt to `workerId` and collects the streamed tokens. */
  async infer(workerId: string, prompt: string, modelId: string): Promise<RequestResult> {
    const request: InferenceRequest = { requestId: randomUUID(), modelId, prompt, maxTokens: 64, temperature: 0.7 };
    const started = performance.now();
    const stream = await streamInference(this.client, workerId, request, { idleTimeoutMs: 5000 });
    let text = '';
    let tokens = 0;
    let firstTokenMs = 0;
    let outcome: RequestResult['outcome'] = 'error';
    for await (const event of stream) {
      if (event.type === 'token') {
        if (tokens === 0) firstTokenMs = performance.now() - started;
        tokens += 1;
        text += event.token;
      } else {
        outcome = event.type;
      }
    }
    return { requestId: request.requestId, workerId, prompt, tokens, text: text.trim(), latencyMs: performance.now() - started, firstTokenMs, outcome };
  }

  /** Announces the shutdown and stops listening. */
  async stop(): Promise<void> {
    await channels.clusterAnnounce.publish(this.client, {
      announcementId: randomUUID(),
      controllerId: this.controllerId,
      event: 'controller_shutdown',
      activeWorkers: this.workers.size,
      timestamp: Date.now(),
    });
    await Promise.all(this.subscriptions.splice(0).map((s) => s.unsubscribe()));
  }
}
