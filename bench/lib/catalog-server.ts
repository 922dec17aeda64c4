/** Child process: a local catalog answering /series/{key} with `episodes` episodes of season 1. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const episodes = Number(process.argv[2] ?? 24);
const server = createServer((req, res) => {
  const m = /^\/series\/([^/?]+)$/.exec(req.url ?? '');
  if (!m) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  const key = decodeURIComponent(m[1]!);
  const body = JSON.stringify({
    key,
    name: `Series ${key}`,
    seasons: [
      {
        season: 1,
        episodes: Array.from({ length: episodes }, (_, i) => ({
          episode: i + 1,
          title: `Episode ${i + 1}`,
          url: `/media/${key}/s01e${String(i + 1).padStart(2, '0')}.mkv`,
          size: 350_000_000 + i,
        })),
      },
    ],
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
