// The benchmark's stand-in for the accounts service's outbox relay: publishes the status events from a worker
// thread (its own event loop, as the accounts service is its own process), so publishing does not take the
// notifications service's CPU time on its event loop. Reports when each event was handed to the broker, in ms
// since the epoch (performance.timeOrigin + now(), comparable across threads).
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { connectBroker, publishEvent } from '@provisio/messaging';

const { natsUrl, namespace, warmUp, events, ratePerSecond } = workerData;
const broker = await connectBroker({ url: natsUrl, name: 'bench-publisher', namespace });
const now = () => performance.timeOrigin + performance.now();
const publishedAt = new Array(events.length);
const publish = (index) => {
  publishedAt[index] = now();
  return publishEvent(broker.js, broker.ns, events[index]);
};
parentPort.postMessage({ ready: true });
await new Promise((resolve) => parentPort.once('message', resolve));
// The warm-up: a running accounts service has published before (its code is compiled, its connection warm).
await Promise.all(warmUp.map((event) => publishEvent(broker.js, broker.ns, event)));
parentPort.postMessage({ warm: true });
await new Promise((resolve) => parentPort.once('message', resolve));

const t0 = now();
const cpu0 = process.threadCpuUsage();
if (ratePerSecond === undefined) {
  await Promise.all(events.map((_, index) => publish(index)));
} else {
  // In 10 ms ticks, on schedule (a late tick catches up), without waiting for the acknowledgements.
  const sent = [];
  let next = 0;
  while (next < events.length) {
    const due = Math.min(events.length, Math.floor(((now() - t0) / 1000) * ratePerSecond) + 1);
    while (next < due) sent.push(publish(next++));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(sent);
}
const done = now();
const cpu = process.threadCpuUsage(cpu0);
await broker.drain();
parentPort.postMessage({ t0, done, publishedAt, cpuMs: (cpu.user + cpu.system) / 1000 });
