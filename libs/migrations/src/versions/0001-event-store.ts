import type { SchemaMigration } from '../schema-migration';

/**
 * The event log: es_events, es_streams and the append functions (the SQLSTATEs, outcomes and lock
 * class they use are the constants of libs/event-store/src/postgres/schema.ts).
 *
 * Gap-free global order with concurrent writers: each event stores the id of the transaction
 * that wrote it, and readers only see transactions older than every still-running one
 * (`pg_snapshot_xmin`), ordered by (transaction id, sequence). A plain bigserial read in order
 * would skip a row whose transaction commits after a later number was already read.
 *
 * es_append_group:
 * Appends as one server-side call and one transaction: one round trip and one commit (one WAL
 * flush) for every append of the group, which is most of an append's cost. Each append keeps the
 * EventStore port's semantics (see postgres-event-store.ts) and gets its own answer, one row per
 * append in call order: `appended` or `duplicate` with the revision and position of its last
 * event, or the SQLSTATE of its refusal (`ES001` with the actual revision, null for no stream;
 * `ES002`). A problem of the chain (`ES003`) raises: it is corruption, not an answer, and the
 * adapter then appends each of the group alone to find whose it is.
 *
 * Input: `[{"s": stream, "x": expected revision as text, "e": [{eventId, type, data, metadata,
 * digest}]}]`. The adapter never puts one event id twice in a group.
 *
 * Locks, and why appends cannot deadlock on them: every append first takes its streams' advisory
 * locks (streamLockClass), a group in ascending key order, a lone append its one. Whoever holds a
 * stream's row in es_streams holds that stream's advisory lock, so once a group has its advisory
 * locks its row locks and its (stream, revision) keys wait for no one (only a process of an older
 * version, which takes no advisory lock, could still hold one). What is left is the event id key:
 * two transactions inserting the same new event id at once (a retry racing its original), where
 * the second waits for the first; with stream locks held that can close a cycle, PostgreSQL then
 * aborts one (40P01) and the adapter appends that group's appends one at a time.
 *
 * Duplicates: ids already stored are looked up once for the whole group, before any lock (as
 * before: a racing duplicate that commits in between makes the insert fail on the unique key, and
 * the adapter retries alone, then finds it).
 *
 * It does not NOTIFY: a NOTIFY in the transaction holds a database-wide lock through the commit's
 * WAL flush, which serialises every concurrent append; the adapter notifies after commit instead,
 * coalesced.
 *
 * es_append:
 * One append alone, raising its refusal (`ES001` with the actual revision as detail, `ES002`,
 * `ES003`): what the adapter sends when no other append is waiting, and for each append of a group
 * the server refused. Same semantics as one append of `es_append_group`, and the same locks (one
 * stream row). Kept apart because a lone append is the common case and this costs the server half
 * of what `es_append_group` does for one append (no cursor, sort, arrays or join to set up).
 *
 * Baseline: written with `if not exists` so that a database created before versioned migrations is
 * adopted as it stands. Frozen: a change to these tables is a new migration, never an edit here.
 */
export const eventStore: SchemaMigration = {
  name: '0001_event_store',
  sql: `
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


create or replace function es_append_group(p_appends jsonb)
returns table (append_index int, outcome text, last_revision bigint, last_sequence bigint, last_transaction_id xid8, actual_revision bigint)
language plpgsql
-- Without it PostgreSQL judged the generic plans of the statements below (arrays, jsonb) worse
-- than custom ones and planned them again at every call: three times the function's cost.
set plan_cache_mode = force_generic_plan
as $$
declare
  v_n int := jsonb_array_length(p_appends);
  v_stored uuid[];
  v_ids uuid[];
  a record;
  v_count int;
  v_found int;
  v_same_stream int;
  v_revision bigint;
  v_link bytea;
  v_digest bytea;
  -- The last stream this group reserved revisions on, and its chain head: the events are not
  -- inserted yet, so a second append of the group to that stream chains onto this, not the table.
  v_head_stream text;
  v_head_link bytea;
  -- Per append, by its index (assigning past the end of an array extends it with nulls).
  v_outcome text[] := '{}';
  v_last bigint[] := '{}';
  v_sequence bigint[] := '{}';
  -- As text: xid8 has no array type on PostgreSQL 15.
  v_xid text[] := '{}';
  -- SELECT INTO cannot target array elements: these carry one answer into the arrays.
  v_one_revision bigint;
  v_one_sequence bigint;
  v_one_xid xid8;
  v_actual bigint[] := '{}';
  -- One entry per event to insert: its append, its index in the append, revision and chain link.
  v_event_append int[] := '{}';
  v_event_index int[] := '{}';
  v_event_revision bigint[] := '{}';
  v_event_hash bytea[] := '{}';
begin
  -- Ids compared with an array (= any), which stays an index lookup in the generic plan
  -- however small the table was when the session planned it.
  select array_agg(e.event_id) into v_stored
    from es_events e
   where e.event_id = any(array(select (x->>'eventId')::uuid from jsonb_array_elements(p_appends) g, jsonb_array_elements(g->'e') x));

  -- Before the first write, so that this transaction's id is taken only once every earlier
  -- append to these streams has committed (see streamLockClass). In ascending key order: the
  -- outer query calls the lock function on the rows of the sorted subquery, in their order (a
  -- subquery with DISTINCT is not flattened into the outer query).
  perform pg_advisory_xact_lock(1702059891, k.key)
     from (select distinct hashtext(g->>'s') as key from jsonb_array_elements(p_appends) g order by 1) k;

  for a in
    select g.ordinality::int as i, g.value->>'s' as stream, g.value->>'x' as expected, g.value->'e' as events
      from jsonb_array_elements(p_appends) with ordinality as g(value, ordinality)
     order by g.value->>'s', g.ordinality
  loop
    v_count := jsonb_array_length(a.events);
    if v_stored is not null then
      select array_agg((x->>'eventId')::uuid) into v_ids from jsonb_array_elements(a.events) x;
      if v_ids && v_stored then
        select count(*), count(*) filter (where e.stream_id = a.stream)
          into v_found, v_same_stream
          from es_events e
         where e.event_id = any(v_ids);
        if v_found <> v_count or v_same_stream <> v_count then
          v_outcome[a.i] := 'ES002';
        else
          v_outcome[a.i] := 'duplicate';
          select e.stream_revision, e.sequence, e.transaction_id into v_one_revision, v_one_sequence, v_one_xid
            from es_events e
           where e.event_id = any(v_ids)
           order by e.stream_revision desc limit 1;
          v_last[a.i] := v_one_revision;
          v_sequence[a.i] := v_one_sequence;
          v_xid[a.i] := v_one_xid::text;
        end if;
        continue;
      end if;
    end if;

    v_revision := null;
    if a.expected = 'no_stream' then
      insert into es_streams (stream_id, revision) values (a.stream, v_count - 1)
        on conflict do nothing returning revision into v_revision;
    elsif a.expected = 'any' then
      insert into es_streams (stream_id, revision) values (a.stream, v_count - 1)
        on conflict (stream_id) do update set revision = es_streams.revision + v_count
        returning revision into v_revision;
    elsif a.expected = 'stream_exists' then
      update es_streams set revision = revision + v_count where stream_id = a.stream returning revision into v_revision;
    else
      update es_streams set revision = revision + v_count
       where stream_id = a.stream and revision = a.expected::bigint returning revision into v_revision;
    end if;
    if v_revision is null then
      v_outcome[a.i] := 'ES001';
      select s.revision into v_one_revision from es_streams s where s.stream_id = a.stream;
      v_actual[a.i] := v_one_revision;
      continue;
    end if;

    -- The chain: each event's hash = sha256(previous hash || int8 revision || its content digest),
    -- the digest computed by the adapter (sha256 of the canonical form). The stream row locked
    -- above orders appends to this stream, so the previous event is committed and visible here,
    -- or earlier in this group.
    if v_revision - v_count < 0 then
      v_link := decode(repeat('00', 32), 'hex');
    elsif v_head_stream = a.stream then
      v_link := v_head_link;
    else
      select e.hash into v_link from es_events e where e.stream_id = a.stream and e.stream_revision = v_revision - v_count;
      if v_link is null then
        raise exception 'revision % of stream % is missing or has no hash: the chain cannot continue', v_revision - v_count, a.stream
          using errcode = 'ES003';
      end if;
    end if;
    for k in 0 .. v_count - 1 loop
      v_digest := decode(a.events->k->>'digest', 'hex');
      if v_digest is null or length(v_digest) <> 32 then
        raise exception 'event % has no content digest', a.events->k->>'eventId' using errcode = 'ES003';
      end if;
      v_link := sha256(v_link || int8send(v_revision - v_count + 1 + k) || v_digest);
      v_event_append := array_append(v_event_append, a.i);
      v_event_index := array_append(v_event_index, k);
      v_event_revision := array_append(v_event_revision, v_revision - v_count + 1 + k);
      v_event_hash := array_append(v_event_hash, v_link);
    end loop;
    v_head_stream := a.stream;
    v_head_link := v_link;
    v_outcome[a.i] := 'appended';
    v_last[a.i] := v_revision;
  end loop;

  -- Inserted in call order, so positions (the sequence) increase in call order within the group.
  return query
    with inserted as (
      insert into es_events (stream_id, stream_revision, event_id, event_type, data, metadata, hash)
      select p_appends->(v.append_at - 1)->>'s', v.revision_at, (x.event->>'eventId')::uuid, x.event->>'type',
             x.event->'data', x.event->'metadata', v.link
        from unnest(v_event_append, v_event_index, v_event_revision, v_event_hash) as v(append_at, index_at, revision_at, link)
        cross join lateral (select p_appends->(v.append_at - 1)->'e'->v.index_at as event) x
       order by v.append_at, v.index_at
      returning es_events.stream_id, es_events.stream_revision, es_events.sequence, es_events.transaction_id
    )
    select o.i, v_outcome[o.i], v_last[o.i], coalesce(ins.sequence, v_sequence[o.i]), coalesce(ins.transaction_id, v_xid[o.i]::xid8), v_actual[o.i]
      from generate_series(1, v_n) as o(i)
      left join inserted ins
        on v_outcome[o.i] = 'appended' and ins.stream_id = p_appends->(o.i - 1)->>'s' and ins.stream_revision = v_last[o.i]
     order by o.i;
end;
$$;


create or replace function es_append(p_stream text, p_expected text, p_events jsonb)
returns table (last_revision bigint, last_sequence bigint, last_transaction_id xid8, duplicate boolean)
language plpgsql
set plan_cache_mode = force_generic_plan
as $$
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
      raise exception 'events were appended before, but not as this same batch' using errcode = 'ES002';
    end if;
    return query
      select e.stream_revision, e.sequence, e.transaction_id, true
        from es_events e
       where e.event_id = any(v_ids)
       order by e.stream_revision desc limit 1;
    return;
  end if;

  -- Before the first write: see streamLockClass.
  perform pg_advisory_xact_lock(1702059891, hashtext(p_stream));
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
    raise exception 'wrong expected revision' using errcode = 'ES001',
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
        using errcode = 'ES003';
    end if;
  end if;
  for i in 0 .. v_count - 1 loop
    v_digest := decode(p_events->i->>'digest', 'hex');
    if v_digest is null or length(v_digest) <> 32 then
      raise exception 'event % has no content digest', p_events->i->>'eventId' using errcode = 'ES003';
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
`,
};
