import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { domainEventTypes } from '@escrow/domain';
import { eventTypeHeader, positionHeader } from '@escrow/nats-relay';
import { currentSchemaVersion } from '../event-schemas';
import { asyncApiDocument, asyncApiObject, natsSubject } from './asyncapi-document';

const committedPath = join(__dirname, '..', '..', '..', '..', 'docs', 'asyncapi.yaml');

describe('the AsyncAPI document', () => {
  const yaml = asyncApiDocument();
  let parsed: Awaited<ReturnType<Parser['parse']>>;

  beforeAll(async () => {
    parsed = await new Parser().parse(yaml, { source: 'docs/asyncapi.yaml' });
  });

  it('is what docs/asyncapi.yaml holds (regenerate: scripts/event-schemas/generate-asyncapi.ts)', () => {
    expect(readFileSync(committedPath, 'utf8')).toBe(yaml);
  });

  it('is a valid AsyncAPI 3.0.0 document: the parser reports no errors', () => {
    const errors = parsed.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(parsed.document?.version()).toBe('3.0.0');
  });

  it('reads back as the object it was written from (the YAML writer loses nothing)', () => {
    expect((parsed.extras?.document as { data: unknown } | undefined)?.data).toEqual(asyncApiObject());
  });

  it('has every event type on the SSE feed, at its current schema version', () => {
    const feed = parsed.document!.channels().get('eventFeed')!;
    expect(feed.address()).toBe('/v1/events');
    expect(feed.messages().all().map((m) => m.name()).sort()).toEqual([...domainEventTypes].sort());
    for (const type of domainEventTypes) {
      const payload = feed.messages().get(type)!.payload()!;
      expect(payload.properties()!.type!.const()).toBe(type);
      expect(payload.properties()!.data!.title()).toBe(`${type} v${currentSchemaVersion(type)}`);
    }
  });

  it('publishes every event type on its own NATS subject escrow.<category>.<EventType>, with the relay\'s headers', () => {
    const channels = parsed.document!.channels().all().filter((c) => c.servers().all().some((s) => s.protocol() === 'nats'));
    expect(channels.map((c) => c.address()).sort()).toEqual(domainEventTypes.map(natsSubject).sort());
    expect(natsSubject('MilestoneFunded')).toBe('escrow.contract.MilestoneFunded');
    expect(natsSubject('EmployerCustomerCreated')).toBe('escrow.employer.EmployerCustomerCreated');
    expect(natsSubject('TrainerPayoutAccountUpdated')).toBe('escrow.trainer.TrainerPayoutAccountUpdated');
    for (const channel of channels) {
      const [message] = channel.messages().all();
      // The relay's own header names, so the document cannot drift from what is published.
      expect(message!.headers()!.required()).toEqual(['Nats-Msg-Id', positionHeader, eventTypeHeader]);
    }
  });

  it('describes the feed request: GET with from, types and contractId, behind a bearer token', () => {
    const operation = parsed.document!.operations().get('streamEvents')!;
    const http = operation.bindings().get('http')!.value() as { method: string; query: { properties: Record<string, unknown> } };
    expect(http.method).toBe('GET');
    expect(Object.keys(http.query.properties)).toEqual(['from', 'types', 'contractId']);
    expect(operation.security().map((s) => s.all().map((r) => r.scheme().type()))).toEqual([['http']]);
    expect(operation.description()).toContain('Last-Event-ID');
  });

  it('keeps every stored version of a schema, the old ones too', () => {
    const schemas = parsed.document!.components().schemas();
    expect(schemas.get('MilestoneDisputed.v1')).toBeDefined();
    expect(schemas.get('MilestoneDisputed.v2')!.required()).toContain('chargeback');
    expect(schemas.get('MilestoneDisputed.v1')!.required()).not.toContain('chargeback');
  });
});
