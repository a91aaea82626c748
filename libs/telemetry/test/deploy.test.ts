import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import type { z } from 'zod';
import { loadConfig } from '@provisio/service-kit';
// Each process's own schema, straight from its src (not its package index, which loads the whole service).
import { accountsConfigSchema } from '../../../services/accounts/src/config.js';
import { notificationsConfigSchema } from '../../../services/notifications/src/config.js';
import { providersConfigSchema } from '../../../services/providers/src/config.js';
import { workflowsConfigSchema } from '../../../services/workflows/src/config.js';
import { gatewayConfigSchema } from '../../../gateway/src/config.js';
import { telemetryConfigSchema } from '../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

type ObjectSchema = z.ZodObject<z.ZodRawShape>;
const schemas: Record<string, ObjectSchema> = {
  providers: providersConfigSchema as unknown as ObjectSchema,
  accounts: accountsConfigSchema as unknown as ObjectSchema,
  workflows: workflowsConfigSchema as unknown as ObjectSchema,
  notifications: notificationsConfigSchema as unknown as ObjectSchema,
  gateway: gatewayConfigSchema as unknown as ObjectSchema,
};

/** How long a process takes at most to close after SIGTERM (runService's default shutdownTimeoutMs). */
const drainSeconds = 15;

/**
 * The variables a deployment must set, read from the schema: those without a default (required), those
 * whose default only works on a developer's machine (a 127.0.0.1 address), and the database URL, whose
 * absence means an embedded PGlite inside the container.
 */
function variablesToSet(schema: ObjectSchema): string[] {
  return Object.entries(schema.shape).flatMap(([name, field]) => {
    const unset = (field as z.ZodType).safeParse(undefined);
    if (!unset.success) return [name];
    if (typeof unset.data === 'string' && /127\.0\.0\.1|localhost/.test(unset.data)) return [name];
    if (name.endsWith('_DATABASE_URL')) return [name];
    return [];
  });
}

/** Asserts that a process given `env` starts: every variable it must have is set, and its config parses. */
function expectStartable(process: string, env: Record<string, string>) {
  const schema = schemas[process]!;
  const missing = variablesToSet(schema).filter((name) => !env[name]);
  expect(missing, `${process} lacks ${missing.join(', ')}`).toEqual([]);
  expect(() => loadConfig(schema, env), process).not.toThrow();
  expect(telemetryConfigSchema.safeParse(env).success, `${process} telemetry variables`).toBe(true);
}

/** `name:tag` or `name@sha256:…`, never `latest` and never tagless. */
function expectPinned(image: string) {
  expect(image, `image ${image}`).toMatch(/^[\w.\-/]+(:[\w][\w.-]*|@sha256:[a-f0-9]{64})$/);
  expect(image.endsWith(':latest'), `image ${image}`).toBe(false);
}

/** Compose interpolation, with the operator's variables unset: `${X:-default}` is the default, `${X:?}` a value the operator must give. */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_, name: string, kind: string | undefined, rest: string) => {
    if (kind === '-') return rest;
    return `operator-provided-${name.toLowerCase()}-value-0123456789`;
  });
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, {
      image?: string;
      build?: unknown;
      command?: string[];
      environment?: Record<string, string>;
      depends_on?: Record<string, { condition: string }>;
      healthcheck?: unknown;
    }>;
    volumes?: Record<string, unknown>;
  };
  const services = compose.services;
  const provisio = Object.keys(schemas);

  // Every process of the system runs, with the configuration its own zod schema asks for.
  it('gives every service and the gateway what its config schema requires', () => {
    for (const name of provisio) {
      const service = services[name];
      expect(service, name).toBeDefined();
      expect(service!.command?.[0]).toBe(name === 'gateway' ? 'gateway/dist/server.js' : `services/${name}/dist/server.js`);
      const env = Object.fromEntries(Object.entries(service!.environment ?? {}).map(([key, value]) => [key, interpolate(String(value))]));
      expectStartable(name, env);
      expect(env.HOST).toBe('0.0.0.0');
      expect(env.OTEL_SERVICE_NAME).toBe(name);
    }
  });

  // Nothing floats: an image that changes under the same tag is a deploy nobody decided.
  it('pins every image tag', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.image, name).toBeDefined();
      expectPinned(interpolate(service.image!));
    }
  });

  // A process starts only when what it needs answers: NATS and PostgreSQL for the services, the services for the gateway.
  it('orders start-up by health', () => {
    for (const name of provisio) {
      const dependsOn = services[name]!.depends_on ?? {};
      expect(Object.keys(dependsOn)).toEqual(expect.arrayContaining(['nats', 'postgres']));
      for (const [dependency, { condition }] of Object.entries(dependsOn)) {
        expect(condition, `${name} → ${dependency}`).toBe('service_healthy');
        // Either its own health check or the Provisio image's HEALTHCHECK.
        expect(services[dependency]!.healthcheck ?? (services[dependency]!.build && 'image HEALTHCHECK')).toBeTruthy();
      }
    }
    expect(Object.keys(services.gateway!.depends_on ?? {})).toEqual(expect.arrayContaining(provisio.filter((name) => name !== 'gateway')));
  });

  // The broker's and the databases' state outlive the containers; the gateway is the only published Provisio port.
  it('keeps NATS and PostgreSQL on volumes and publishes the gateway on 8080', () => {
    expect(services.nats!.image).toMatch(/^nats:2\.12\./);
    expect(services.nats!.command).toEqual(expect.arrayContaining(['--jetstream', '--store_dir']));
    expect(services.postgres!.image).toMatch(/^postgres:17[.-]/);
    expect(Object.keys(compose.volumes ?? {})).toEqual(expect.arrayContaining(['nats-data', 'postgres-data']));
    expect((services.gateway as { ports?: string[] }).ports).toEqual(['8080:8080']);
    const init = read('deploy/postgres/init-databases.sql');
    for (const name of provisio.filter((each) => each !== 'gateway')) {
      expect(init).toContain(`create database ${name};`);
      expect(services[name]!.environment?.[`${name.toUpperCase()}_DATABASE_URL`]).toMatch(new RegExp(`@postgres:5432/${name}$`));
    }
    expect(existsSync(join(root, 'deploy/otel-collector.yaml'))).toBe(true);
    expect(parse(read('deploy/otel-collector.yaml')).service.pipelines.traces.exporters).toEqual(['otlp/jaeger']);
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = read('deploy/Dockerfile');

  // The base image is pinned like every other.
  it('builds from pinned images', () => {
    const args = Object.fromEntries([...dockerfile.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((match) => [match[1]!, match[2]!]));
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]!.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? ''));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of froms) expectPinned(image);
  });

  // `npm ci` in the image sees every workspace, so a new lib cannot be silently left out of the build.
  it('copies every workspace manifest before installing', () => {
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces.flatMap((pattern) =>
      pattern.endsWith('/*')
        ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
            .filter((entry) => entry.isDirectory() && existsSync(join(root, pattern.slice(0, -2), entry.name, 'package.json')))
            .map((entry) => `${pattern.slice(0, -2)}/${entry.name}`)
        : [pattern],
    );
    for (const workspace of workspaces) expect(dockerfile, workspace).toContain(`COPY ${workspace}/package.json ${workspace}/`);
  });

  // A non-root process, started with telemetry first, with a health check.
  it('runs as a non-root user with a health check and telemetry loaded first', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n\s+CMD \["node", "-e", ".*\/health\/live/m);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "--enable-source-maps", "--import", "@provisio/telemetry/register"]');
  });
});

describe('deploy/kubernetes', () => {
  const dir = join(root, 'deploy/kubernetes');
  interface Manifest {
    kind: string;
    metadata: { name: string };
    data?: Record<string, string>;
    stringData?: Record<string, string>;
    spec?: Record<string, unknown>;
  }
  const files = readdirSync(dir).filter((file) => file.endsWith('.yaml'));
  const manifests = new Map<string, Manifest[]>();
  for (const file of files.filter((each) => each !== 'nats-values.yaml')) {
    const docs = parseAllDocuments(readFileSync(join(dir, file), 'utf8'));
    for (const doc of docs) expect(doc.errors, file).toEqual([]);
    manifests.set(file, docs.map((doc) => doc.toJSON() as Manifest));
  }
  const all = [...manifests.values()].flat();
  const ofKind = (kind: string) => all.filter((manifest) => manifest.kind === kind);
  const configMaps = new Map(ofKind('ConfigMap').map((map) => [map.metadata.name, map.data ?? {}]));
  const secrets = new Map(ofKind('Secret').map((secret) => [secret.metadata.name, secret.stringData ?? {}]));

  interface Container {
    image: string;
    args?: string[];
    env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } } }[];
    envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
    readinessProbe?: unknown;
    livenessProbe?: unknown;
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    lifecycle?: { preStop?: { exec?: { command: string[] } } };
  }
  interface PodSpec {
    containers: Container[];
    terminationGracePeriodSeconds?: number;
  }
  const deployments = ofKind('Deployment') as (Manifest & { spec: { replicas: number; template: { spec: PodSpec } } })[];

  /** The environment a container gets, from values, ConfigMaps and the (example) Secret. */
  function environmentOf(container: Container): Record<string, string> {
    const env: Record<string, string> = {};
    for (const source of container.envFrom ?? []) {
      const from = source.configMapRef ? configMaps.get(source.configMapRef.name) : secrets.get(source.secretRef!.name);
      expect(from, JSON.stringify(source)).toBeDefined();
      Object.assign(env, from);
    }
    for (const variable of container.env ?? []) {
      if (variable.value !== undefined) env[variable.name] = variable.value;
      const secretRef = variable.valueFrom?.secretKeyRef;
      const mapRef = variable.valueFrom?.configMapKeyRef;
      const ref = secretRef ?? mapRef;
      if (!ref) continue;
      const value = (secretRef ? secrets : configMaps).get(ref.name)?.[ref.key];
      expect(value, `${variable.name} from ${ref.name}.${ref.key}`).toBeDefined();
      env[variable.name] = value!;
    }
    return env;
  }

  // Every manifest is valid YAML and applied by the kustomization, except the Secret example and the Helm values.
  it('parses and is listed in the kustomization', () => {
    const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect(kustomization.resources.sort()).toEqual(
      files.filter((file) => !['kustomization.yaml', 'nats-values.yaml', 'secrets.example.yaml'].includes(file)).sort(),
    );
  });

  // Each process runs twice, gets what its schema requires, is probed, bounded, and given time to drain.
  it('runs every process twice with its config, probes, resources and a grace period longer than the drain', () => {
    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual(Object.keys(schemas).sort());
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      expect(deployment.spec.replicas, name).toBe(2);
      const pod = deployment.spec.template.spec;
      const [container] = pod.containers;
      expectStartable(name, environmentOf(container!));
      expect(environmentOf(container!).OTEL_SERVICE_NAME).toBe(name);
      expect(container!.args?.[0]).toBe(name === 'gateway' ? 'gateway/dist/server.js' : `services/${name}/dist/server.js`);
      expect(container!.readinessProbe, name).toBeDefined();
      expect(container!.livenessProbe, name).toBeDefined();
      for (const bound of ['requests', 'limits'] as const) {
        expect(container!.resources?.[bound], `${name} ${bound}`).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
      }
      const preStop = Number(container!.lifecycle?.preStop?.exec?.command.at(-1) ?? 0);
      expect(pod.terminationGracePeriodSeconds, name).toBeGreaterThan(preStop + drainSeconds);
    }
  });

  // What a Deployment runs can be reached: a Service per process, the Ingress to the gateway.
  it('exposes each process through a Service and the gateway through the Ingress', () => {
    const services = ofKind('Service') as (Manifest & { spec: { selector: Record<string, string> } })[];
    for (const deployment of deployments) {
      const service = services.find((each) => each.metadata.name === deployment.metadata.name);
      expect(service?.spec.selector, deployment.metadata.name).toEqual({ 'app.kubernetes.io/name': deployment.metadata.name });
    }
    const [ingress] = ofKind('Ingress') as (Manifest & { spec: { rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] } })[];
    expect(ingress!.spec.rules[0]!.http.paths[0]!.backend.service.name).toBe('gateway');
  });

  // Streams are replicated as many times as there are NATS servers, and the NATS image is pinned too.
  it('runs NATS as three JetStream servers and replicates the streams three times', () => {
    const values = parse(readFileSync(join(dir, 'nats-values.yaml'), 'utf8')) as {
      config: { cluster: { enabled: boolean; replicas: number }; jetstream: { enabled: boolean; fileStore: { pvc: { enabled: boolean } } } };
      container: { image: { repository: string; tag: string } };
    };
    expect(values.config.cluster).toEqual(expect.objectContaining({ enabled: true, replicas: 3 }));
    expect(values.config.jetstream.enabled).toBe(true);
    expect(values.config.jetstream.fileStore.pvc.enabled).toBe(true);
    expectPinned(`${values.container.image.repository}:${values.container.image.tag}`);
    expect(values.container.image.tag).toMatch(/^2\.12\./);
    expect(configMaps.get('provisio-common')?.NATS_STREAM_REPLICAS).toBe('3');
  });

  // Same rule as compose: no floating image in a cluster.
  it('pins every image tag', () => {
    for (const deployment of deployments) for (const container of deployment.spec.template.spec.containers) expectPinned(container.image);
  });
});
