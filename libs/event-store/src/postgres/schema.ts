/**
 * Gap-free global order with concurrent writers: each event stores the id of the transaction
 * that wrote it, and readers only see transactions older than every still-running one
 * (`pg_snapshot_xmin`), ordered by (transaction id, sequence). A plain bigserial read in order
 * would skip a row whose transaction commits after a later number was already read.
 */
export const eventStoreSchema = `
create table if not exists es_events (
  sequence        bigserial primary key,
  transaction_id  xid8 not null default pg_current_xact_id(),
  stream_id       text not null,
  stream_revision bigint not null,
  event_id        uuid not null,
  event_type      text not null,
  data            jsonb not null,
  metadata        jsonb not null,
  recorded_at     timestamptz not null default now(),
  constraint es_events_stream_revision_key unique (stream_id, stream_revision),
  constraint es_events_event_id_key unique (event_id)
);
create index if not exists es_events_log_order on es_events (transaction_id, sequence);
create table if not exists es_streams (
  stream_id text primary key,
  revision  bigint not null
);
`;

export const eventsChannel = 'es_events_appended';
