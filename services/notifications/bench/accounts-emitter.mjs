// The benchmark's accounts service, in a worker thread (its own event loop, as in its own process): the real
// service, on a database of its own, turns `workflow.task.started` into account requests and emits their
// `account.status_changed` through its outbox relay, as fast as it can. The worker also plays the workflows
// service that publishes the tasks. Messages from the bench: { seed } → 'seeded', { publish: tasks } →
// { published }, 'cpu' → { cpuMs } (since the last publish), 'close' → 'closed'.
import { parentPort, workerData } from 'node:worker_threads';
import { accountsConfigSchema, createAccountsService } from '@provisio/accounts';
import { sql } from '@provisio/db';
import { connectBroker, publishEvent } from '@provisio/messaging';
import { createLogger, loadConfig } from '@provisio/service-kit';

const { env, natsUrl, namespace } = workerData;
const config = loadConfig(accountsConfigSchema, env);
const service = await createAccountsService(config, createLogger({ name: 'accounts', level: config.LOG_LEVEL }));
await service.start();
const workflows = await connectBroker({ url: natsUrl, name: 'bench-workflows', namespace });
let cpu0 = process.threadCpuUsage();

/** One company's people (an active admin first, then the hires) and providers, straight into the projections. */
async function seed({ companyId, adminId, hires, providerIds }) {
  const db = service.runtime.db.kysely;
  const people = [adminId, ...hires];
  await sql`insert into roster_employees (company_id, id, first_name, last_name, email, access_level, status, start_date)
    select ${companyId}, id, 'Bench', 'Person ' || n, id || '@bench.example', case when n = 1 then 'admin' else 'employee' end,
      'active', current_date
    from unnest(${people}::text[]) with ordinality as p(id, n)`.execute(db);
  await sql`insert into providers (company_id, id, name, provisioning_assignee_id, deprovisioning_assignee_id, archived, version)
    select ${companyId}, id, 'App ' || n, ${adminId}, ${adminId}, false, 1
    from unnest(${providerIds}::uuid[]) with ordinality as p(id, n)`.execute(db);
  await sql`analyze`.execute(db);
}

parentPort.on('message', async (message) => {
  if (message.seed) {
    for (const company of message.seed) await seed(company);
    parentPort.postMessage('seeded');
  } else if (message.publish) {
    cpu0 = process.threadCpuUsage();
    await Promise.all(message.publish.map((task) => publishEvent(workflows.js, workflows.ns, task)));
    parentPort.postMessage({ published: message.publish.length });
  } else if (message === 'cpu') {
    const cpu = process.threadCpuUsage(cpu0);
    parentPort.postMessage({ cpuMs: (cpu.user + cpu.system) / 1000 });
  } else if (message === 'close') {
    await workflows.drain();
    await service.close();
    parentPort.postMessage('closed');
  }
});
parentPort.postMessage('ready');
