import { SseParser } from './sse-parser';

describe('SseParser', () => {
  it('parses messages split at any byte, with CRLF, CR or LF line ends', () => {
    const text = 'retry: 1500\r\n\r\nid: 1\nevent: A\ndata: {"n":1}\n\n: heartbeat\n\nid: 2\revent: B\rdata: x\rdata: y\r\rid: 3\r\nevent: C\r\ndata:no-space\r\n\r\n';
    for (let split = 0; split <= text.length; split++) {
      const parser = new SseParser();
      const messages = [...parser.push(text.slice(0, split)), ...parser.push(text.slice(split))];
      expect(messages).toEqual([
        { id: '1', event: 'A', data: '{"n":1}' },
        { id: '2', event: 'B', data: 'x\ny' },
        { id: '3', event: 'C', data: 'no-space' },
      ]);
      expect(parser.retryMs).toBe(1500);
    }
  });

  it('does not dispatch a message that never finished', () => {
    const parser = new SseParser();
    expect(parser.push('id: 9\nevent: A\ndata: {"trunc')).toEqual([]);
    expect(parser.push('ated":true}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ id: '9', event: 'A', data: '{"truncated":true}' }]);
  });

  it('keeps the last id for a message without one and defaults the event name', () => {
    const parser = new SseParser();
    expect(parser.push('id: 4\ndata: a\n\ndata: b\n\n')).toEqual([
      { id: '4', event: 'message', data: 'a' },
      { id: '4', event: 'message', data: 'b' },
    ]);
  });
});
