/**
 * Streams and subjects of one deployment. Production uses no namespace (stream `HR`, subject
 * `hr.employee.hired`, as the contract says); a test file picks its own (`t1a2b`) so that files running in
 * parallel on one NATS server never see each other's messages (stream `t1a2b_HR`, subject `t1a2b.hr.…`).
 */
export interface Namespace {
  readonly name: string | undefined;
  stream(name: string): string;
  subject(type: string): string;
  /** The event type a subject carries, without the namespace. */
  typeOf(subject: string): string;
}

export function namespace(name?: string): Namespace {
  if (name !== undefined && !/^[a-z0-9]+$/.test(name)) {
    throw new Error(`NATS namespace "${name}" must be lowercase letters and digits`);
  }
  const prefix = name ? `${name}.` : '';
  return {
    name,
    stream: (stream) => (name ? `${name}_${stream}` : stream),
    subject: (type) => `${prefix}${type}`,
    typeOf: (subject) => (prefix && subject.startsWith(prefix) ? subject.slice(prefix.length) : subject),
  };
}
