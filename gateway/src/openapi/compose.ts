type Json = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: string;
  info: Json;
  paths?: Record<string, Record<string, Json>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> } & Json;
  tags?: { name: string }[];
  [key: string]: unknown;
}

export class OpenApiClashError extends Error {
  constructor(message: string) {
    super(`cannot compose the API documentation: ${message}`);
    this.name = 'OpenApiClashError';
  }
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Renames schema components in one document, rewriting every `$ref` to them. */
function renameSchemas(document: OpenApiDocument, renames: Map<string, string>): OpenApiDocument {
  if (renames.size === 0) return document;
  const text = JSON.stringify(document).replace(/"#\/components\/schemas\/([^"]+)"/g, (whole, name: string) => {
    const renamed = renames.get(decodeURIComponent(name));
    return renamed ? `"#/components/schemas/${encodeURIComponent(renamed)}"` : whole;
  });
  const renamed = JSON.parse(text) as OpenApiDocument;
  const schemas = renamed.components?.schemas ?? {};
  renamed.components = {
    ...renamed.components,
    schemas: Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [renames.get(name) ?? name, schema])),
  };
  return renamed;
}

/**
 * One OpenAPI 3.1 document for the whole `/v1` API: every service's paths, plus the gateway's own. The
 * gateway's operations replace a service's at the same path and method (it composes them); two services
 * documenting the same operation, or reusing an operationId, is an error the gateway refuses to start with.
 * Schema components that share a name but differ are kept apart under `<service>.<name>`.
 */
export function composeOpenApi(gateway: OpenApiDocument, services: Record<string, OpenApiDocument>): OpenApiDocument {
  const paths: Record<string, Record<string, Json>> = {};
  const owner = new Map<string, string>();
  const operationIds = new Map<string, string>();
  const schemas: Record<string, unknown> = { ...(gateway.components?.schemas ?? {}) };
  const ownOperations = new Set<string>();
  for (const [path, item] of Object.entries(gateway.paths ?? {})) {
    for (const method of Object.keys(item)) if (METHODS.has(method)) ownOperations.add(`${method} ${path}`);
  }

  const add = (source: string, document: OpenApiDocument, overridable: boolean) => {
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      if (!path.startsWith('/v1')) continue;
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.has(method)) continue;
        const key = `${method} ${path}`;
        if (overridable && ownOperations.has(key)) continue;
        const previous = owner.get(key);
        if (previous) throw new OpenApiClashError(`${method.toUpperCase()} ${path} is documented by both ${previous} and ${source}`);
        owner.set(key, source);
        const operationId = operation.operationId as string | undefined;
        if (operationId) {
          const holder = operationIds.get(operationId);
          if (holder) throw new OpenApiClashError(`operationId ${operationId} is used by both ${holder} and ${source}`);
          operationIds.set(operationId, source);
        }
        paths[path] = { ...paths[path], [method]: operation };
      }
    }
  };

  add('gateway', gateway, false);
  for (const [service, original] of Object.entries(services)) {
    const renames = new Map<string, string>();
    for (const [name, schema] of Object.entries(original.components?.schemas ?? {})) {
      if (name in schemas && JSON.stringify(schemas[name]) !== JSON.stringify(schema)) renames.set(name, `${service}.${name}`);
    }
    const document = renameSchemas(original, renames);
    add(service, document, true);
    Object.assign(schemas, document.components?.schemas ?? {});
  }

  const tags = new Map<string, { name: string }>();
  for (const document of [gateway, ...Object.values(services)]) for (const tag of document.tags ?? []) tags.set(tag.name, tag);

  return {
    openapi: '3.1.0',
    info: {
      title: 'Provisio API',
      version: String(gateway.info.version ?? '1'),
      description: 'Which employee has an account in which app: providers, the account checklist, workflows, notifications. Every /v1 request carries a bearer JWT.',
    },
    servers: [{ url: '/' }],
    tags: [...tags.values()],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: { ...gateway.components, schemas },
  };
}
