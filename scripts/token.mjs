// npm run token -- --role admin --sub <employeeId> --company <companyId> [--hours 8]
// Prints a bearer token signed with the development secret (see scripts/dev-secret.mjs).
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { devSecret } from './dev-secret.mjs';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'admin' },
    sub: { type: 'string' },
    company: { type: 'string' },
    hours: { type: 'string', default: '8' },
  },
});
const roles = ['admin', 'manager', 'employee', 'integration'];
if (!values.sub || !values.company || !roles.includes(values.role)) {
  console.error(`usage: npm run token -- --role ${roles.join('|')} --sub <employeeId> --company <companyId> [--hours 8]`);
  process.exit(2);
}
const token = await new SignJWT({ companyId: values.company, role: values.role })
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setSubject(values.sub)
  .setIssuer(process.env.AUTH_ISSUER ?? 'provisio')
  .setAudience(process.env.AUTH_AUDIENCE ?? 'provisio-api')
  .setIssuedAt()
  .setExpirationTime(`${Number(values.hours)}h`)
  .sign(new TextEncoder().encode(devSecret()));
console.log(token);
