// The baseline: a bare Fastify server answering the sandbox's routes with the same replies, no
// logger, nothing else; plain JavaScript, so that nothing but Node and Fastify starts. The
// benches run it beside the sandbox, under the same load.
//
// A fair peer: the same routes, the query parsed (find-my-way parses every request's query before
// the handler), and replies of the sandbox's size: the status and body the contract documents
// (given by the bench in BARE_REPLIES, read from the contract: bench/contract-replies.ts), sent
// as ready-made JSON text as the sandbox sends its own, with an X-Cap-Requestid as every answer
// of the API carries, and the forced error (any X-Sandbox-Scenario) with its 400 and that header
// echoed. None of the sandbox's work: no credentials read, no validation, no world, no journal.
import { randomUUID } from 'node:crypto';
import process from 'node:process';
import Fastify from 'fastify';

if (!process.env.BARE_REPLIES) throw new Error('BARE_REPLIES: the replies to send, as the bench gives them (bench/contract-replies.ts)');
const { success, forcedError } = JSON.parse(process.env.BARE_REPLIES);
const successText = JSON.stringify(success.body);
const errorText = JSON.stringify(forcedError.body);
const JSON_TYPE = 'application/json; charset=utf-8';

const app = Fastify();
const deactivate = (request, reply) => {
  reply.header('x-cap-requestid', randomUUID()).type(JSON_TYPE);
  const scenario = request.headers['x-sandbox-scenario'];
  if (scenario === undefined) return reply.code(success.status).send(successText);
  return reply.code(forcedError.status).header('x-sandbox-scenario', scenario).send(errorText);
};
app.post('/api_gateway/v1/promotions/:promotionId/deactivate', deactivate);
app.put('/api_gateway/v1/promotions/:promotionId/deactivate', deactivate);
app.get('/healthz', async () => ({ data: { status: 'ok' }, errors: [] }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
