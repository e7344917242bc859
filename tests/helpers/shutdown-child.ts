/**
 * Child process of reliability-shutdown.test.ts: connects, publishes COUNT messages without awaiting them, calls
 * disconnect() at once, prints one JSON line and returns. It never calls process.exit(): the test checks that the
 * process ends by itself, i.e. the client leaves no timer, socket or child process behind.
 */
import { NatsClient } from '../../src/client/client.js';

const [url = '', subject = '', countText = '0'] = process.argv.slice(2);
const count = Number(countText);
const client = new NatsClient();
await client.connect({ mode: 'external', serverUrl: url });
const payload = { text: 'x'.repeat(200) };
const sends: Promise<void>[] = [];
for (let i = 0; i < count; i++) sends.push(client.publish(subject, { i, ...payload }));
await client.disconnect();
const results = await Promise.allSettled(sends);
process.stdout.write(`${JSON.stringify({ published: results.filter((r) => r.status === 'fulfilled').length, state: client.getConnectionState() })}\n`);
