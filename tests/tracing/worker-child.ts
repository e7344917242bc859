/**
 * Child process of the cluster trace tests: one Worker with a deterministic engine and its own OpenTelemetry SDK,
 * whose exporter writes every span as it ends to stdout, one JSON line each (`span {...}`), for the parent to join
 * with its own. Runs until killed.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NatsClient, Worker } from '../../src/index.js';
import { workerSetup } from '../helpers/cluster.js';
import { record } from './sdk.js';

const [url = '', workerId = '', delayText = '20'] = process.argv.slice(2);

const stdoutExporter: SpanExporter = {
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    for (const span of spans) process.stdout.write(`span ${JSON.stringify(record(span))}\n`);
    done({ code: ExportResultCode.SUCCESS });
  },
  shutdown: () => Promise.resolve(),
};
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(stdoutExporter)] }));
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

const client = new NatsClient();
await client.connect({ mode: 'external', serverUrl: url });
const worker = new Worker(client, { ...workerSetup({ delayMs: Number(delayText) }), workerId, heartbeatIntervalMs: 100 });
await worker.start();
process.stdout.write('ready\n');
