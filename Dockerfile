# syntax=docker/dockerfile:1
# Node 22: AWS SDK v3 releases after early January 2027 require it.

FROM node:22-bookworm-slim AS deps
# canvas (under chartjs-node-canvas) compiles against Cairo/Pango when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential python3 pkg-config \
    libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev libpixman-1-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
# Only the shared libraries canvas loads at run time, not the compilers.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
    libcairo2 libpango-1.0-0 libpangocairo-1.0-0 libjpeg62-turbo libgif7 librsvg2-2 libpixman-1-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
COPY migrations ./migrations
USER node
# The compose file picks the process: npm run start:bot, start:worker or db:migrate.
CMD ["npm", "start"]
