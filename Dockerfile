# promotions-sandbox: docker build -t promotions-sandbox . && docker run -p 4010:4010 promotions-sandbox
# Node 24 (the active LTS) on Debian bookworm (slim). No syntax directive: the build needs no frontend image.
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. Build with every dependency: TypeScript, the start caches, the bundled command.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/build ./scripts/build
# The build also stores what a start derives from the contract and the scenarios (checked).
COPY openapi/promotions.yaml ./openapi/promotions.yaml
COPY scenarios ./scenarios
# Source maps stay out of the image: nothing there reads them (about 5 MB).
RUN npm run build && find dist -name '*.map' -delete

# 2. Production dependencies only.
FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. The runtime: compiled JavaScript, production dependencies, the contract, the scenarios and
#    the docs page's logo and favicon.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4010 \
    SANDBOX_SCENARIOS=/app/scenarios \
    SANDBOX_ADDRESS_FILE=/tmp/promotions-sandbox.address \
    NODE_COMPILE_CACHE=/app/.node-compile-cache
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY openapi/promotions.yaml ./openapi/promotions.yaml
COPY scenarios ./scenarios
COPY assets ./assets
# Warm Node's compile cache (NODE_COMPILE_CACHE) with every module the sandbox loads, at build
# time, so that a container starts faster; `validate` loads them all and checks the scenarios.
RUN node dist/cli.js validate && chown -R node:node /app/.node-compile-cache
USER node
EXPOSE 4010
# Node itself asks /healthz (the image needs no curl), on the port the sandbox listens on
# however it was set: the sandbox writes its URL to SANDBOX_ADDRESS_FILE once listening.
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 CMD ["node", "dist/healthcheck.js"]
# Exec form: node is PID 1 and gets SIGTERM from `docker stop`; flags can be appended to `docker run`.
ENTRYPOINT ["node", "dist/cli.js"]
