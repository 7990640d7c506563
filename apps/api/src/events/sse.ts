/**
 * Server-Sent Events framing (WHATWG HTML, "Server-sent events"). JSON.stringify never emits a
 * raw line break, so one `data:` line carries a whole message.
 */
export function sseEvent(id: string, event: string, data: unknown): string {
  return `id: ${singleLine(id)}\nevent: ${singleLine(event)}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function sseComment(text: string): string {
  return `: ${singleLine(text)}\n\n`;
}

export function sseRetry(ms: number): string {
  return `retry: ${Math.trunc(ms)}\n\n`;
}

function singleLine(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`an SSE field cannot span lines: ${JSON.stringify(value)}`);
  return value;
}
