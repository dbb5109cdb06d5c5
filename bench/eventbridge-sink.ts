import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from './ipc.ts';

// EventBridge's PutEvents (AWS JSON 1.1), accepting every entry and keeping none: the router's
// usage events go here in the benchmark. In AWS, what happens to an event after PutEvents
// (metering, Lago) is other Lambdas' work, so it is not run here. Counts calls and entries.

let calls = 0;
let entries = 0;

const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (part: string) => {
    body += part;
  });
  request.on('end', () => {
    if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'UnknownOperationException', message: 'only PutEvents' }));
      return;
    }
    const count = (JSON.parse(body) as { Entries?: unknown[] }).Entries?.length ?? 0;
    calls += 1;
    entries += count;
    const result = {
      FailedEntryCount: 0,
      Entries: Array.from({ length: count }, (_, i) => ({ EventId: `bench-${entries}-${i}` })),
    };
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify(result));
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serve({ counts: () => ({ calls, entries }) }, { endpoint: `http://127.0.0.1:${port}` });
});
