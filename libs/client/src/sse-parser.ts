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
    const messages: SseMessage[] = [];
    for (const char of text) {
      if (char === '\n' && this.sawCr) {
        this.sawCr = false;
        continue;
      }
      this.sawCr = char === '\r';
      if (char === '\n' || char === '\r') {
        const message = this.line(this.buffer);
        if (message) messages.push(message);
        this.buffer = '';
      } else {
        this.buffer += char;
      }
    }
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
