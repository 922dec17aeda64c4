/** Reads a graphql-yoga Server-Sent Events response: each `event: next` becomes one parsed payload. */
import { recordStream, type Recorder } from './stream-recorder.js';

export interface SseMessage {
  event: string;
  data: unknown;
}

/** Parses `body` (text/event-stream) into messages as they arrive; comments (keep-alives) are skipped. */
export async function* sseMessages(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        }
        if (data.length === 0 && event === 'message') continue;
        yield { event, data: data.length ? (JSON.parse(data.join('\n')) as unknown) : null };
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Opens `query` over SSE (GET, Accept: text/event-stream) and records its messages; close() ends it. */
export async function openSse(
  graphqlUrl: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string | null; messages: Recorder<SseMessage>; close(): void }> {
  const url = new URL(graphqlUrl);
  url.searchParams.set('query', query);
  if (variables) url.searchParams.set('variables', JSON.stringify(variables));
  // Aborting is what ends a pending read (return() on the generator would wait for one).
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  if (!res.body) throw new Error(`SSE answered ${res.status} without a body`);
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    messages: recordStream(sseMessages(res.body)),
    close: () => abort.abort(),
  };
}
