import { createRequire } from 'node:module';

// node:http and node:https, loaded with require. Imported as ES modules, their facades read every
// export once, and one of them (http's WebSocket and friends) loads Node's bundled undici: about
// 50 ms of every cold start for a client the router never uses (7 ms for the require).

const load = createRequire(import.meta.url);

export const http = load('node:http') as typeof import('node:http');
export const https = load('node:https') as typeof import('node:https');
