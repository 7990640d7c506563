import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Runs `load` now and whenever `deps` change; a stale answer never overwrites a newer one. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) => current && setState({ error: messageOf(error), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return `${error.status}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

export function Page(props: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="page" aria-labelledby="page-title">
      <header class="page-header">
        <h1 id="page-title">{props.title}</h1>
        {props.actions ? <div class="page-actions">{props.actions}</div> : null}
      </header>
      {props.children}
    </section>
  );
}

export function ErrorNote(props: { error: string | undefined }) {
  return props.error ? (
    <p class="error" role="alert">
      {props.error}
    </p>
  ) : null;
}

export function Loading(props: { when: boolean }) {
  return props.when ? <p aria-live="polite" class="muted">Loading…</p> : null;
}

/** Money exactly as the api wrote it (a decimal string): never parsed into a float to be shown. */
export function Money(props: { amount: string | null | undefined; currency?: string }) {
  if (props.amount === null || props.amount === undefined) return <span class="muted">—</span>;
  return (
    <span class={`money${props.amount.startsWith('-') ? ' negative' : ''}`}>
      {props.amount}
      {props.currency ? ` ${props.currency}` : ''}
    </span>
  );
}

export function When(props: { at: string | null | undefined }) {
  if (!props.at) return <span class="muted">—</span>;
  return <time dateTime={props.at}>{props.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time>;
}

/** A button that runs an async action, shows it is busy and reports its failure next to it. */
export function ActionButton(props: { label: string; run: () => Promise<void>; kind?: 'primary' | 'plain'; accessibleName?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const click = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await props.run();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      <button type="button" class={props.kind ?? 'plain'} disabled={busy} aria-label={props.accessibleName} onClick={() => void click()}>
        {busy ? `${props.label}…` : props.label}
      </button>
      {error ? (
        <span class="error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
