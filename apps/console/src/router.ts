import { useEffect, useState } from 'preact/hooks';

/** Pages live behind the hash (`#/finance/trial-balance`): the api serves one index.html for the whole console. */
export function currentRoute(): string {
  return decodeURI(location.hash.replace(/^#/, '')) || '/';
}

export function useRoute(): string {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const changed = () => setRoute(currentRoute());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export const href = (route: string): string => `#${encodeURI(route)}`;

export function navigate(route: string): void {
  location.hash = encodeURI(route);
}
