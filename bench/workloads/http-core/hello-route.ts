/**
 * The benchmark route's schemas, shared by every server that serves `GET /bench/hello/:name`
 * through Fastify, so they validate and serialise exactly the same way.
 */
export const helloRouteSchema = {
  hide: true,
  params: {
    type: 'object',
    properties: { name: { type: 'string', minLength: 1, maxLength: 100 } },
    required: ['name'],
  },
  response: {
    200: {
      type: 'object',
      properties: { hello: { type: 'string' }, at: { type: 'integer' } },
      required: ['hello', 'at'],
      additionalProperties: false,
    },
  },
} as const;
