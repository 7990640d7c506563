export interface SseMessage {
  readonly id: string | null;
  readonly event: string;
  readonly data: string;
}

/**
 * Incremental Server-Sent Events parser (WHATWG HTML, "Interpreting an event stream"): feed it
 * decoded text as it arrives; it returns the messages completed by that text. Handles CRLF, CR
 * and LF line ends, multi-line data and comments; a message without data is not dispatched.
 */
export class SseParser {
  private buffer = '';
  private id: string | null = null;
  private event = '';
  private data: string[] = [];
  private sawCr = false;
  /** The last `retry:` the server asked for, in ms. */
  retryMs: number | null = null;

  push(text: string): SseMessage[] {
    // A CR that ended the last chunk already ended its line; an LF right after it is its pair.
    const chunk = this.buffer + (this.sawCr && text.startsWith('\n') ? text.slice(1) : text);
    this.buffer = '';
    this.sawCr = false;
    const messages: SseMessage[] = [];
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    for (let match = lineEnd.exec(chunk); match !== null; match = lineEnd.exec(chunk)) {
      const message = this.line(chunk.slice(start, match.index));
      if (message) messages.push(message);
      start = lineEnd.lastIndex;
      if (match[0] === '\r' && start === chunk.length) this.sawCr = true;
    }
    this.buffer = chunk.slice(start);
    return messages;
  }

  private line(line: string): SseMessage | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    return null;
  }

  private dispatch(): SseMessage | null {
    const message = this.data.length > 0 ? { id: this.id, event: this.event || 'message', data: this.data.join('\n') } : null;
    this.event = '';
    this.data = [];
    return message;
  }
}
