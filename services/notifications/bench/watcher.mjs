// The benchmark's observer, in a worker thread so that watching costs the service's event loop nothing: notes
// when each `account.status_changed` reaches the broker (an account request published) and when each
// `notification.changed` does (the stacked requests readable: the relay publishes only committed rows), in ms
// since the epoch (performance.timeOrigin + now(), comparable across threads). A message on `bench.done` ends
// the watch: it arrived after everything published before it, and the watcher answers { requested, announced }.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { connectBroker } from '@provisio/messaging';

const { natsUrl, namespace, watchRequests } = workerData;
const broker = await connectBroker({ url: natsUrl, name: 'bench-watcher', namespace });
const now = () => performance.timeOrigin + performance.now();
/** [companyId, employeeId, providerId, at] of each request, in the order they reached the broker. */
const requested = [];
/** [companyId, employeeId, pendingItems, at] of each announcement. */
const announced = [];

// Only when the source does not say when it published (reading 5,000 events here takes CPU from the service).
const statuses = watchRequests
  ? broker.nc.subscribe(broker.ns.subject('account.status_changed'), {
      callback: (error, message) => {
        if (error) return;
        const at = now();
        const { data } = message.json();
        if (data.to === 'provisioning_requested') requested.push([data.companyId, data.employeeId, data.providerId, at]);
      },
    })
  : undefined;
const changes = broker.nc.subscribe(broker.ns.subject('notification.changed'), {
  callback: (error, message) => {
    if (error) return;
    const at = now();
    const { data } = message.json();
    announced.push([data.companyId, data.employeeId, data.pendingItems, at]);
  },
});
broker.nc.subscribe(broker.ns.subject('bench.done'), {
  max: 1,
  callback: async () => {
    statuses?.unsubscribe();
    changes.unsubscribe();
    parentPort.postMessage({ requested, announced });
    await broker.drain();
  },
});
await broker.nc.flush();
parentPort.postMessage('ready');
