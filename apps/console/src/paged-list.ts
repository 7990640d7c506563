import { useEffect, useState } from 'preact/hooks';
import { useLoad } from './ui';

export interface Page<Item> {
  readonly items: readonly Item[];
  readonly next: string | null;
}

export interface PagedList<Item> {
  readonly items: readonly Item[];
  readonly error: string | undefined;
  readonly loading: boolean;
  /** True once the first page arrived (an empty list is then "nothing yet", not "loading"). */
  readonly loaded: boolean;
  /** Appends the next page; null on the last one. */
  readonly loadMore: (() => Promise<void>) | null;
}

/** A list read a page at a time with the api's cursor (`next`); starts over when `deps` change. */
export function usePagedList<Item>(loadPage: (cursor: string | undefined) => Promise<Page<Item>>, deps: readonly unknown[]): PagedList<Item> {
  const first = useLoad(() => loadPage(undefined), deps);
  const [more, setMore] = useState<{ items: readonly Item[]; next: string | null }>({ items: [], next: null });
  useEffect(() => setMore({ items: [], next: first.data?.next ?? null }), [first.data]);
  const next = more.next;
  return {
    items: [...(first.data?.items ?? []), ...more.items],
    error: first.error,
    loading: first.loading,
    loaded: first.data !== undefined,
    loadMore:
      next === null
        ? null
        : async () => {
            const page = await loadPage(next);
            setMore({ items: [...more.items, ...page.items], next: page.next });
          },
  };
}
