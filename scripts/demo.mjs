// npm run demo: seeds a company through the public API and HR events, so every screen has something to
// show: admins, a manager, thirty employees, eight well-known providers, a provisioning workflow per
// department and an offboarding workflow, then a few hires and a termination. Running it twice changes
// nothing the second time. Prints tokens for an admin, a manager and an employee.
//   GATEWAY_URL (default http://localhost:8080); tokens are signed with AUTH_JWT_SECRET or ./data/dev-secret.
import { SignJWT } from 'jose';
import { devSecret } from './dev-secret.mjs';

const base = process.env.GATEWAY_URL ?? 'http://localhost:8080';
const company = process.env.DEMO_COMPANY ?? 'acme';
const SOURCE = 'provisio-demo';
const secret = new TextEncoder().encode(devSecret());

async function token(sub, role, hours = 8) {
  return new SignJWT({ companyId: company, role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(process.env.AUTH_ISSUER ?? 'provisio')
    .setAudience(process.env.AUTH_AUDIENCE ?? 'provisio-api')
    .setIssuedAt()
    .setExpirationTime(`${hours}h`)
    .sign(secret);
}

async function api(path, { method, body, auth } = {}) {
  const response = await fetch(`${base}${path}`, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${auth}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Retries until the answer is one of `statuses` (projections fill from events, a moment after a write). */
async function until(statuses, path, init, what) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await api(path, init);
    if (statuses.includes(response.status)) return response;
    if (Date.now() > deadline) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const person = (id, firstName, lastName, department, jobTitle, accessLevel = 'employee', managerId = 'margaret', startDate = day(-400)) => ({
  id, firstName, lastName, email: `${firstName}.${lastName}@acme.example`.toLowerCase(), department, jobTitle, location: 'Berlin', managerId, accessLevel, startDate,
});

const admins = [
  person('ada', 'Ada', 'Lovelace', 'IT', 'IT Lead', 'admin', null, day(-900)),
  person('grace', 'Grace', 'Hopper', 'IT', 'Systems Administrator', 'admin', 'ada', day(-700)),
];
const manager = person('margaret', 'Margaret', 'Hamilton', 'Engineering', 'Engineering Manager', 'manager', 'ada', day(-800));
const names = [
  ['Alan', 'Turing', 'Engineering', 'Software Engineer'], ['Linus', 'Torvalds', 'Engineering', 'Software Engineer'], ['Barbara', 'Liskov', 'Engineering', 'Staff Engineer'],
  ['Ken', 'Thompson', 'Engineering', 'Software Engineer'], ['Dennis', 'Ritchie', 'Engineering', 'Software Engineer'], ['Frances', 'Allen', 'Engineering', 'Engineer'],
  ['Edsger', 'Dijkstra', 'Engineering', 'Architect'], ['Radia', 'Perlman', 'Engineering', 'Network Engineer'], ['John', 'Backus', 'Engineering', 'Engineer'],
  ['Katherine', 'Johnson', 'Finance', 'Analyst'], ['Mary', 'Jackson', 'Finance', 'Controller'], ['Dorothy', 'Vaughan', 'Finance', 'Accountant'],
  ['Hedy', 'Lamarr', 'Marketing', 'Marketing Manager'], ['Annie', 'Easley', 'Marketing', 'Designer'], ['Evelyn', 'Berezin', 'Marketing', 'Content Lead'],
  ['Tim', 'Berners-Lee', 'Sales', 'Account Executive'], ['Vint', 'Cerf', 'Sales', 'Sales Manager'], ['Bob', 'Kahn', 'Sales', 'Account Executive'],
  ['Jean', 'Bartik', 'Sales', 'Sales Engineer'], ['Betty', 'Holberton', 'Support', 'Support Engineer'], ['Kay', 'McNulty', 'Support', 'Support Lead'],
  ['Marlyn', 'Meltzer', 'Support', 'Support Engineer'], ['Ruth', 'Teitelbaum', 'People', 'HR Partner'], ['Adele', 'Goldstine', 'People', 'Recruiter'],
  ['Claude', 'Shannon', 'Engineering', 'Data Scientist'], ['Donald', 'Knuth', 'Engineering', 'Principal Engineer'], ['Niklaus', 'Wirth', 'Engineering', 'Engineer'],
  ['Sophie', 'Wilson', 'Engineering', 'Engineer'], ['Lynn', 'Conway', 'Engineering', 'Hardware Engineer'], ['Shafi', 'Goldwasser', 'Finance', 'Risk Analyst'],
];
const staff = names.map(([first, last, department, title]) => person(`${first}-${last}`.toLowerCase(), first, last, department, title));
const newHires = [
  person('hedwig-kiesler', 'Hedwig', 'Kiesler', 'Engineering', 'Software Engineer', 'employee', 'margaret', day(7)),
  person('carol-shaw', 'Carol', 'Shaw', 'Marketing', 'Designer', 'employee', 'margaret', day(10)),
  person('steve-wozniak', 'Steve', 'Wozniak', 'Sales', 'Account Executive', 'employee', 'margaret', day(3)),
];
const leaver = staff.find((p) => p.id === 'bob-kahn');

const logo = (domain) => `https://www.google.com/s2/favicons?domain=${domain}&sz=64`;
const providers = [
  ['Slack', 'slack.com'], ['Google Workspace', 'workspace.google.com'], ['GitHub', 'github.com'], ['Jira', 'atlassian.com'],
  ['Notion', 'notion.so'], ['Zoom', 'zoom.us'], ['Figma', 'figma.com'], ['Salesforce', 'salesforce.com'],
];
const departmentApps = {
  Engineering: ['Slack', 'Google Workspace', 'GitHub', 'Jira', 'Notion'],
  Sales: ['Slack', 'Google Workspace', 'Salesforce', 'Zoom'],
  Marketing: ['Slack', 'Google Workspace', 'Figma', 'Notion'],
  Finance: ['Slack', 'Google Workspace', 'Zoom'],
  Support: ['Slack', 'Google Workspace', 'Jira', 'Zoom'],
  People: ['Slack', 'Google Workspace', 'Notion', 'Zoom'],
  IT: ['Slack', 'Google Workspace', 'GitHub', 'Jira'],
};

const hrEvent = (type, id, data) => ({ specversion: '1.0', id, source: SOURCE, type, time: new Date().toISOString(), data });
const hire = (employee) => hrEvent('hr.employee.hired', `hire-${employee.id}`, { companyId: company, employee });

const asHris = await token('demo-hris', 'integration');
const asAda = await token('ada', 'admin');
console.log(`seeding company "${company}" at ${base}`);

// 1. The people who already work there (before any workflow exists, so they start no runs).
const existing = [...admins, manager, ...staff];
const published = await api('/v1/hr/events', { body: { events: existing.map(hire) }, auth: asHris });
if (published.status !== 202) throw new Error(`HR events refused: ${published.status} ${JSON.stringify(published.body)}`);
console.log(`  ${existing.length} people on the roster`);

// 2. Providers, created once.
const listed = (await until([200], '/v1/providers?limit=500', { auth: asAda }, 'list providers')).body.items;
const providerIds = Object.fromEntries(listed.map((p) => [p.name, p.id]));
for (const [name, domain] of providers) {
  if (providerIds[name]) continue;
  const body = {
    name, website: `https://${domain}`, logoUrl: logo(domain),
    provisioning: { assigneeId: 'ada', instructions: `Invite the person from the ${name} admin console with their work email.` },
    deprovisioning: { assigneeId: 'grace', instructions: `Remove the person in ${name} and transfer their files to their manager.` },
  };
  providerIds[name] = (await until([201], '/v1/providers', { body, auth: asAda }, `create ${name}`)).body.id;
}
console.log(`  ${providers.length} providers`);

// 3. Existing staff already have their department's apps.
const actions = existing.flatMap((p) => (departmentApps[p.department] ?? []).map((app) => ({ providerId: providerIds[app], employeeId: p.id, action: 'mark-provisioned', note: 'had access before Provisio' })));
let pending = actions;
let fresh = 0;
const batchDeadline = Date.now() + 60_000;
while (pending.length > 0) {
  const { body } = await until([200], '/v1/accounts/batch', { body: { actions: pending }, auth: asAda }, 'mark existing accounts');
  // Already provisioned (a second run) is fine; anything else (the roster not there yet) is tried again.
  const retry = pending.filter((_, i) => !body.results[i].ok && body.results[i].error?.code !== 'INVALID_TRANSITION');
  fresh += body.results.filter((r) => r.ok).length;
  pending = retry;
  if (pending.length > 0) {
    if (Date.now() > batchDeadline) throw new Error(`could not mark ${pending.length} accounts: ${JSON.stringify(body.results.find((r) => !r.ok))}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
console.log(`  ${fresh} existing accounts marked provisioned`);

// 4. Workflows, created and published once.
const workflows = (await until([200], '/v1/workflows?limit=500', { auth: asAda }, 'list workflows')).body.items;
const byName = Object.fromEntries(workflows.map((w) => [w.name, w]));
const wanted = [
  ...Object.entries(departmentApps).map(([department, apps]) => ({
    name: `${department} onboarding`, kind: 'provisioning', description: `Accounts every new ${department} hire needs on day one`,
    tasks: [{ title: `${department} apps`, providerIds: apps.map((app) => providerIds[app]), due: { days: -1, from: 'start_date' } }],
    triggers: [{ on: 'hire', match: { department: [department] } }],
  })),
  {
    name: 'Offboarding', kind: 'deprovisioning', description: 'Remove every account a leaver holds',
    tasks: [{ title: 'Remove all access', providerIds: 'all_with_access', due: { days: 0, from: 'termination_date' } }],
    triggers: [{ on: 'termination' }],
  },
];
for (const workflow of wanted) {
  let current = byName[workflow.name];
  if (!current) current = (await until([201], '/v1/workflows', { body: workflow, auth: asAda }, `create ${workflow.name}`)).body;
  if (current.status === 'draft') await until([200, 409], `/v1/workflows/${current.id}/publish`, { method: 'POST', auth: asAda }, `publish ${workflow.name}`);
}
console.log(`  ${wanted.length} workflows published`);

// 5. A few hires and a termination: runs, stacked notifications, a risk.
await until([202], '/v1/hr/events', { body: { events: newHires.map(hire) }, auth: asHris }, 'new hires');
await until([202], '/v1/hr/events', {
  body: hrEvent('hr.employee.terminated', `terminate-${leaver.id}`, { companyId: company, employeeId: leaver.id, terminationDate: day(-2) }),
  auth: asHris,
}, 'termination');
console.log(`  ${newHires.length} new hires and 1 termination published`);

console.log(`
Open ${base} and sign in (development sign-in), or use these tokens (8 hours):
  admin    (Ada Lovelace)      ${await token('ada', 'admin')}
  manager  (Margaret Hamilton) ${await token('margaret', 'manager')}
  employee (Hedwig Kiesler)    ${await token('hedwig-kiesler', 'employee')}
`);
