import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
// The validators kubernetes-models compiles (with ajv) from the Kubernetes OpenAPI definitions, v1.36 in its
// 5.x line: the same functions its classes' validate() run.
import { validate as deployment } from 'kubernetes-models/_schemas/IoK8sApiAppsV1Deployment';
import { validate as configMap } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap';
import { validate as namespace } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace';
import { validate as secret } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Secret';
import { validate as service } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Service';
import { validate as ingress } from 'kubernetes-models/_schemas/IoK8sApiNetworkingV1Ingress';
import { validate as podDisruptionBudget } from 'kubernetes-models/_schemas/IoK8sApiPolicyV1PodDisruptionBudget';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

// deploy.test.ts checks what the files mean for Provisio; this file checks that the real tools would accept
// them at all: every field known to its schema, of the right type, and nothing required missing. That the
// kustomization lists every manifest (and only files that exist) is checked there too.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const require = createRequire(import.meta.url);
const packageFile = (name: string, path: string) => join(dirname(require.resolve(`${name}/package.json`)), path);

type SchemaValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** Each kind the manifests use, by `apiVersion kind`. A manifest of any other kind fails until it is added here. */
const kubernetesSchemas: Record<string, SchemaValidator> = {
  'apps/v1 Deployment': deployment,
  'v1 ConfigMap': configMap,
  'v1 Namespace': namespace,
  'v1 Secret': secret,
  'v1 Service': service,
  'networking.k8s.io/v1 Ingress': ingress,
  'policy/v1 PodDisruptionBudget': podDisruptionBudget,
};

/**
 * `value` behind a proxy that records the path of every field read from it, at any depth. The compiled
 * validators read each field their schema defines (and each entry of a map such as `labels`), and no other.
 */
function watched(value: unknown, path: string, read: Set<string>): unknown {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      const field: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== 'string' || !Object.hasOwn(target, key)) return field;
      read.add(`${path}/${key}`);
      return watched(field, `${path}/${key}`, read);
    },
  });
}

/** The paths of the fields in `value` that were never read. */
function unread(value: unknown, path: string, read: Set<string>): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, field]) => {
    const at = `${path}/${key}`;
    return read.has(at) ? unread(field, at, read) : [at];
  });
}

/**
 * What `kubectl apply` would refuse in a manifest: a type, a format (quantities), an allowed value or a
 * required field the schema has, and fields it does not know. The OpenAPI definitions do not forbid
 * unknown fields (so the validators let them through), but kubectl's default strict field validation
 * does: a field the validator never read is one its schema does not define.
 */
function kubernetesProblems(manifest: { apiVersion?: unknown; kind?: unknown }): string[] {
  const validate = kubernetesSchemas[`${String(manifest.apiVersion)} ${String(manifest.kind)}`];
  if (!validate) return [`no schema here for ${String(manifest.apiVersion)} ${String(manifest.kind)}`];
  const read = new Set<string>();
  const valid = validate(watched(manifest, '', read));
  const errors = valid ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'}: ${error.keyword} ${JSON.stringify(error.params)}`);
  return [...errors, ...unread(manifest, '', read).map((path) => `${path}: unknown field`)];
}

describe('deploy/kubernetes against the Kubernetes schemas', () => {
  const dir = 'deploy/kubernetes';
  // The Helm values are the NATS chart's input, not a Kubernetes object; the kustomization is kustomize's.
  const files = readdirSync(join(root, dir)).filter((file) => file.endsWith('.yaml') && !['nats-values.yaml', 'kustomization.yaml'].includes(file));
  const manifests = files.flatMap((file) =>
    parseAllDocuments(read(`${dir}/${file}`)).map((doc) => ({ file, manifest: doc.toJSON() as { apiVersion: string; kind: string; metadata: { name: string } } })),
  );

  // A misspelt or misplaced field, a wrong type or a missing required field fails here, not at `kubectl apply`.
  it('validates every object, unknown fields included', () => {
    for (const { file, manifest } of manifests) {
      expect(kubernetesProblems(manifest), `${file}: ${manifest.kind} ${manifest.metadata.name}`).toEqual([]);
    }
    // Every registered schema is used, so the table above says which kinds the manifests have.
    expect(new Set(manifests.map(({ manifest }) => `${manifest.apiVersion} ${manifest.kind}`))).toEqual(new Set(Object.keys(kubernetesSchemas)));
  });

  type Deployment = Record<string, any>;
  const accounts = manifests.find(({ manifest }) => manifest.kind === 'Deployment' && manifest.metadata.name === 'accounts')!.manifest;
  const broken = (mistake: (deployment: Deployment) => void) => {
    const copy = structuredClone(accounts) as Deployment;
    mistake(copy);
    return kubernetesProblems(copy);
  };
  const container = '/spec/template/spec/containers/0';

  // The check bites: each mistake alone, made in memory on a copy of a real Deployment, is reported where it is.
  it.each<[string, (deployment: Deployment) => void, string]>([
    ['a misspelt probe handler', (d) => { d.spec.template.spec.containers[0].readinessProbe.httpGett = d.spec.template.spec.containers[0].readinessProbe.httpGet; delete d.spec.template.spec.containers[0].readinessProbe.httpGet; }, `${container}/readinessProbe/httpGett: unknown field`],
    ['`resource` for `resources`', (d) => { d.spec.template.spec.containers[0].resource = d.spec.template.spec.containers[0].resources; delete d.spec.template.spec.containers[0].resources; }, `${container}/resource: unknown field`],
    ['a misspelt top-level field', (d) => { d.sepc = d.spec; }, '/sepc: unknown field'],
    ['a string where an integer belongs', (d) => { d.spec.replicas = 'two'; }, '/spec/replicas: type {"type":"integer"}'],
    ['a value outside the enum', (d) => { d.spec.strategy.type = 'Rolling'; }, '/spec/strategy/type: enum'],
    ['a malformed quantity', (d) => { d.spec.template.spec.containers[0].resources.limits.memory = '512 megabytes'; }, `${container}/resources/limits/memory: format {"format":"quantity"}`],
    ['a missing required field', (d) => { delete d.spec.selector; }, '/spec: required {"missingProperty":"selector"}'],
  ])('rejects a Deployment with %s', (_, mistake, problem) => {
    expect(broken(mistake)).toContainEqual(expect.stringContaining(problem));
  });
});

describe('docker-compose.yml against the Compose Specification schema', () => {
  // compose-spec's schema/compose-spec.json as the dclint package ships it (its release copies the file from
  // the compose-spec repository); draft-07, which the file names by its https address.
  const schema = JSON.parse(readFileSync(packageFile('dclint', 'schemas/compose.schema.json'), 'utf8')) as { $schema: string; title: string };
  const draft07 = JSON.parse(readFileSync(packageFile('ajv', 'dist/refs/json-schema-draft-07.json'), 'utf8')) as object;
  // strictTypes off: the upstream schema is not written in ajv's strict style (`additionalProperties` without `type: object`).
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  ajv.addMetaSchema({ ...draft07, $id: schema.$schema });
  const validate = ajv.compile(schema);

  // As `docker compose` reads it: anchors and merge keys resolved, `${VAR}` left for interpolation.
  const compose = parse(read('docker-compose.yml'), { merge: true }) as Record<string, any>;
  const composeProblems = (file: unknown) =>
    validate(file) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);

  // What `docker compose config` would reject is caught without Docker.
  it('follows the schema', () => {
    expect(schema.title).toBe('Compose Specification');
    expect(composeProblems(compose)).toEqual([]);
  });

  // The check bites: each mistake alone, on an in-memory copy of the real file.
  it.each<[string, (file: Record<string, any>) => void, string]>([
    ['a misspelt dependency condition', (f) => { f.services.accounts.depends_on.nats.condition = 'service_healty'; }, '/services/accounts/depends_on/nats/condition must be equal to one of the allowed values'],
    ['a misspelt health check field', (f) => { f.services.nats.healthcheck.intervall = f.services.nats.healthcheck.interval; }, '/services/nats/healthcheck must NOT have additional properties {"additionalProperty":"intervall"}'],
    ['`port` for `ports`', (f) => { f.services.gateway.port = f.services.gateway.ports; delete f.services.gateway.ports; }, '/services/gateway must NOT have additional properties {"additionalProperty":"port"}'],
    ['a number where a string belongs', (f) => { f.services.postgres.restart = 3; }, '/services/postgres/restart must be string'],
    ['an unknown top-level section', (f) => { f.volume = f.volumes; }, '/ must NOT have additional properties {"additionalProperty":"volume"}'],
  ])('rejects a compose file with %s', (_, mistake, problem) => {
    const copy = structuredClone(compose);
    mistake(copy);
    expect(composeProblems(copy)).toContainEqual(expect.stringContaining(problem));
  });
});
