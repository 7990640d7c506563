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
create table if not exists es_streams (
  stream_id text primary key,
  revision  bigint not null
);
-- The tamper-evident history (hash-chain/canonical.ts): each event's link in its stream's chain,
-- written by es_append. Added to logs created before it and filled in by the adapter at start
-- (chain-backfill.ts), which finds the rows still without one through the partial index.
-- Checked in the catalog first: CREATE INDEX / ALTER TABLE ... IF NOT EXISTS lock es_events
-- before they look, and at every start those locks, queued behind running appends while this
-- transaction held others, deadlocked with them (seen with a relay process restarted during appends).
do $$
begin
  if not exists (select 1 from information_schema.columns
                  where table_schema = current_schema() and table_name = 'es_events' and column_name = 'hash') then
    alter table es_events add column hash bytea;
  end if;
  if to_regclass(quote_ident(current_schema()) || '.es_events_log_order') is null then
    create index es_events_log_order on es_events (transaction_id, sequence);
  end if;
  if to_regclass(quote_ident(current_schema()) || '.es_events_unhashed') is null then
    create index es_events_unhashed on es_events (stream_id, stream_revision) where hash is null;
  end if;
end $$;
`;

export const eventsChannel = 'es_events_appended';

/** SQLSTATEs raised by es_append, mapped back to typed errors by the adapter. */
export const wrongExpectedVersionState = 'ES001';
export const idempotencyConflictState = 'ES002';
/** The chain cannot be continued: an event without its content digest, or a previous event missing or unhashed. */
export const hashChainState = 'ES003';

/**
 * The whole append as one server-side call: one round trip instead of six (begin, duplicate
 * check, revision reservation, insert, notify, commit), which is most of an append's cost.
 * Semantics are those of the EventStore port; see postgres-event-store.ts. It does not NOTIFY:
 * a NOTIFY in the transaction holds a database-wide lock through the commit's WAL flush, which
 * serialises every concurrent append; the adapter notifies after commit instead, coalesced.
 */
export const appendFunction = `
create or replace function es_append(p_stream text, p_expected text, p_events jsonb)
returns table (last_revision bigint, last_sequence bigint, last_transaction_id xid8, duplicate boolean)
language plpgsql as $$
declare
  v_count int := jsonb_array_length(p_events);
  v_found int;
  v_same_stream int;
  v_revision bigint;
  v_actual bigint;
  v_ids uuid[];
  v_link bytea;
  v_digest bytea;
  v_hashes bytea[] := '{}';
begin
  -- An array, not a subquery: the cached plan must stay an index lookup however small the
  -- table was when the session first planned it.
  select array_agg((x->>'eventId')::uuid) into v_ids from jsonb_array_elements(p_events) x;
  select count(*), count(*) filter (where e.stream_id = p_stream)
    into v_found, v_same_stream
    from es_events e
   where e.event_id = any(v_ids);
  if v_found > 0 then
    if v_found <> v_count or v_same_stream <> v_count then
      raise exception 'events were appended before, but not as this same batch' using errcode = '${idempotencyConflictState}';
    end if;
    return query
      select e.stream_revision, e.sequence, e.transaction_id, true
        from es_events e
       where e.event_id = any(v_ids)
       order by e.stream_revision desc limit 1;
    return;
  end if;

  if p_expected = 'no_stream' then
    insert into es_streams (stream_id, revision) values (p_stream, v_count - 1)
      on conflict do nothing returning revision into v_revision;
  elsif p_expected = 'any' then
    insert into es_streams (stream_id, revision) values (p_stream, v_count - 1)
      on conflict (stream_id) do update set revision = es_streams.revision + v_count
      returning revision into v_revision;
  elsif p_expected = 'stream_exists' then
    update es_streams set revision = revision + v_count where stream_id = p_stream returning revision into v_revision;
  else
    update es_streams set revision = revision + v_count
     where stream_id = p_stream and revision = p_expected::bigint returning revision into v_revision;
  end if;
  if v_revision is null then
    select s.revision into v_actual from es_streams s where s.stream_id = p_stream;
    raise exception 'wrong expected revision' using errcode = '${wrongExpectedVersionState}',
      detail = coalesce(v_actual::text, 'no_stream');
  end if;

  -- The chain: each event's hash = sha256(previous hash || int8 revision || its content digest),
  -- the digest computed by the adapter (sha256 of the canonical form). The stream row locked
  -- above orders appends to this stream, so the previous event is committed and visible here.
  if v_revision - v_count < 0 then
    v_link := decode(repeat('00', 32), 'hex');
  else
    select e.hash into v_link from es_events e where e.stream_id = p_stream and e.stream_revision = v_revision - v_count;
    if v_link is null then
      raise exception 'revision % of stream % is missing or has no hash: the chain cannot continue', v_revision - v_count, p_stream
        using errcode = '${hashChainState}';
    end if;
  end if;
  for i in 0 .. v_count - 1 loop
    v_digest := decode(p_events->i->>'digest', 'hex');
    if v_digest is null or length(v_digest) <> 32 then
      raise exception 'event % has no content digest', p_events->i->>'eventId' using errcode = '${hashChainState}';
    end if;
    v_link := sha256(v_link || int8send(v_revision - v_count + 1 + i) || v_digest);
    v_hashes := array_append(v_hashes, v_link);
  end loop;

  return query
    with inserted as (
      insert into es_events (stream_id, stream_revision, event_id, event_type, data, metadata, hash)
      select p_stream, v_revision - v_count + x.ordinality, (x.value->>'eventId')::uuid, x.value->>'type',
             x.value->'data', x.value->'metadata', v_hashes[x.ordinality]
        from jsonb_array_elements(p_events) with ordinality as x(value, ordinality)
      returning es_events.stream_revision, es_events.sequence, es_events.transaction_id
    )
    select i.stream_revision, i.sequence, i.transaction_id, false from inserted i
     order by i.stream_revision desc limit 1;
end;
$$;
`;
