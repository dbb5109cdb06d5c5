import { useEffect, useState } from 'preact/hooks';

// Pages live in the URL's fragment (`#/spend?tenant=acme`): the server only ever serves one
// index.html, deep links and the back button work, and nothing about pages reaches server logs.

export interface HashRoute {
  page: string;
  params: URLSearchParams;
}

const parse = (): HashRoute => {
  const hash = location.hash.replace(/^#\/?/, '');
  const [page = '', search = ''] = hash.split('?', 2);
  return { page, params: new URLSearchParams(search) };
};

export const useHashRoute = (): HashRoute => {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const update = (): void => setRoute(parse());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
};

export const pageHref = (page: string, params: Record<string, string | undefined> = {}): string => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  return `#/${page}${text ? `?${text}` : ''}`;
};

/** Changes the parameters of the current page without adding a history entry per keystroke. */
export const replaceParams = (page: string, params: Record<string, string | undefined>): void => {
  history.replaceState(null, '', pageHref(page, params));
};
