import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { anchorDigest, canonicalEvent, canonicalJson, chainHashes, chainLink, contentDigest, genesisHash, normalizeEventId } from './canonical';
import { formatAnchor, parseAnchor } from './verify-chain';

const sha256 = (...parts: (string | Uint8Array)[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('sorts keys by UTF-16 code units (RFC 8785), not by locale', () => {
    expect(canonicalJson({ b: 1, B: 2, '\u00e9': 3, a: 4, '10': 5, '9': 6 })).toBe('{"10":5,"9":6,"B":2,"a":4,"b":1,"\u00e9":3}');
  });

  it('writes strings and numbers as JSON.stringify does, and what JSON cannot hold as JSON.stringify treats it', () => {
    expect(canonicalJson({ s: 'line\n"quoted"\u2028', n: 1e21, f: 0.1 + 0.2, neg: -0, big: 2 ** 60 })).toBe(
      '{"big":1152921504606847000,"f":0.30000000000000004,"n":1e+21,"neg":0,"s":"line\\n\\"quoted\\"\u2028"}',
    );
    expect(canonicalJson({ gone: undefined, fn: () => 1, list: [undefined, NaN, Infinity], at: new Date(0) })).toBe(
      '{"at":"1970-01-01T00:00:00.000Z","list":[null,null,null]}',
    );
    expect(() => canonicalJson(1n)).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it('gives a value and the same value read back from JSON the same form', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('does not depend on the order keys were inserted in', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(record));
      }),
    );
  });
});

describe('canonical event and chain', () => {
  const event = {
    streamId: 'contract-1',
    eventId: '0C8F2D9A-6B1E-4F5A-9D3C-2B7E8A1F4C6D',
    type: 'MilestoneFunded',
    data: { amountCents: 15000, milestoneId: 'm1' },
    metadata: { correlationId: 'c-1', actor: { role: 'employer', id: 'emp_1' } },
  };

  it('covers stream, event id (normalised as stored), type, data and metadata, in one sorted object', () => {
    expect(canonicalEvent(event)).toBe(
      '{"data":{"amountCents":15000,"milestoneId":"m1"},"eventId":"0c8f2d9a-6b1e-4f5a-9d3c-2b7e8a1f4c6d",' +
        '"metadata":{"actor":{"id":"emp_1","role":"employer"},"correlationId":"c-1"},"streamId":"contract-1","type":"MilestoneFunded"}',
    );
    expect(contentDigest(event)).toEqual(sha256(canonicalEvent(event)));
    expect(normalizeEventId('{0c8f2d9a6b1e4f5a9d3c2b7e8a1f4c6d}')).toBe('0c8f2d9a-6b1e-4f5a-9d3c-2b7e8a1f4c6d');
    expect(normalizeEventId('not-a-uuid')).toBe('not-a-uuid');
  });

  it('changes the digest when any covered field changes by one character', () => {
    const digest = contentDigest(event).toString('hex');
    for (const changed of [
      { ...event, streamId: 'contract-2' },
      { ...event, eventId: '0c8f2d9a-6b1e-4f5a-9d3c-2b7e8a1f4c6e' },
      { ...event, type: 'MilestoneFundeD' },
      { ...event, data: { ...event.data, amountCents: 15001 } },
      { ...event, metadata: { ...event.metadata, correlationId: 'c-2' } },
    ]) {
      expect(contentDigest(changed).toString('hex')).not.toBe(digest);
    }
  });

  it('links: sha256(previous ‖ int64 big-endian revision ‖ digest), from 32 zero bytes', () => {
    const digest = contentDigest(event);
    const revision = Buffer.from([0, 0, 0, 0, 0, 0, 1, 2]); // 258
    expect(chainLink(genesisHash, 258, digest)).toEqual(sha256(Buffer.alloc(32), revision, digest));
    // The vector the SQL side (es_append: sha256(prev || int8send(rev) || digest)) was checked against.
    expect(chainLink(Buffer.alloc(32), 5, Buffer.alloc(32, 0xab)).toString('hex')).toBe(
      sha256(Buffer.alloc(32), Buffer.from('0000000000000005', 'hex'), Buffer.alloc(32, 0xab)).toString('hex'),
    );
    expect(() => chainLink(Buffer.alloc(31), 0, digest)).toThrow(RangeError);
    expect(() => chainLink(genesisHash, -1, digest)).toThrow(RangeError);
  });

  it('chains a batch link by link, so a batch and the same events one by one give the same hashes', () => {
    const digests = [1, 2, 3].map((n) => contentDigest({ ...event, data: { n } }));
    const batch = chainHashes(genesisHash, 0, digests);
    let link: Buffer = genesisHash;
    digests.forEach((digest, revision) => {
      link = chainLink(link, revision, digest);
      expect(batch[revision]).toEqual(link);
    });
    // Reordering two events breaks every later link.
    expect(chainHashes(genesisHash, 0, [digests[1]!, digests[0]!, digests[2]!])[2]).not.toEqual(batch[2]);
  });
});

describe('anchor digest', () => {
  const heads = [
    { streamId: 'trainer-1', revision: 0, hash: 'aa'.repeat(32) },
    { streamId: 'contract-1', revision: 4, hash: 'bb'.repeat(32) },
  ];

  it('is sha256 of one canonical [streamId, revision, hash] line per stream, sorted by stream id', () => {
    const text = `["contract-1",4,"${'bb'.repeat(32)}"]\n["trainer-1",0,"${'aa'.repeat(32)}"]\n`;
    expect(anchorDigest(heads)).toBe(sha256(text).toString('hex'));
    expect(anchorDigest([...heads].reverse())).toBe(anchorDigest(heads));
    expect(anchorDigest([])).toBe(sha256('').toString('hex'));
  });

  it('changes when a stream is dropped, truncated or its head hash differs', () => {
    const digest = anchorDigest(heads);
    expect(anchorDigest(heads.slice(1))).not.toBe(digest);
    expect(anchorDigest([heads[0]!, { ...heads[1]!, revision: 3 }])).not.toBe(digest);
    expect(anchorDigest([heads[0]!, { ...heads[1]!, hash: 'bc'.repeat(32) }])).not.toBe(digest);
  });

  it('reads back the anchor it writes, and nothing else', () => {
    const anchor = { position: '00000000000000000745-00000000000000001203', hash: 'ab'.repeat(32) };
    expect(parseAnchor(formatAnchor(anchor))).toEqual(anchor);
    expect(parseAnchor(`${anchor.position}.${'AB'.repeat(32)}`)).toBeNull();
    expect(parseAnchor(`${anchor.position}.${'ab'.repeat(31)}`)).toBeNull();
    expect(parseAnchor(`99999999999999999999-00000000000000000001.${anchor.hash}`)).toBeNull();
    expect(parseAnchor('')).toBeNull();
  });
});
