// The baseline: a bare Fastify server answering the sandbox's routes with the same JSON, no
// logger, nothing else; plain JavaScript, so that nothing but Node and Fastify starts.
// `npm run bench` runs it beside the sandbox, under the same load.
import process from 'node:process';
import Fastify from 'fastify';

const app = Fastify();
const success = { data: true, errors: [] };
app.post('/api_gateway/v1/promotions/:promotionId/deactivate', async () => success);
app.put('/api_gateway/v1/promotions/:promotionId/deactivate', async () => success);
app.get('/healthz', async () => ({ data: { status: 'ok' }, errors: [] }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
