import { errorResponses, principalOf, requireRole, type FastifyPluginAsyncZod } from '@provisio/service-kit';
import type { EmployeeService } from './employee-service.js';
import { employeeListQuery, employeeListSchema, employeeParams, employeeSchema, toEmployee } from './schemas.js';

const tags = ['Employees'];

export const employeeRoutes: FastifyPluginAsyncZod<{ employees: EmployeeService }> = async (app, { employees }) => {
  app.get('/v1/employees', {
    onRequest: requireRole('admin', 'manager'),
    schema: {
      tags, operationId: 'listEmployees',
      summary: 'The roster, by name: admins see everyone, managers their direct reports',
      querystring: employeeListQuery,
      response: { 200: employeeListSchema, ...errorResponses(400, 403) },
    },
  }, async (request) => employees.list(principalOf(request), request.query));

  app.get('/v1/employees/:employeeId', {
    onRequest: requireRole('admin', 'manager', 'employee'),
    schema: {
      tags, operationId: 'getEmployee',
      summary: 'One employee: for admins, the person, and their manager',
      params: employeeParams,
      response: { 200: employeeSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => toEmployee(await employees.readable(principalOf(request), request.params.employeeId)));
};
