import { classifyAwsError, toUpstreamError } from './classify';

/** One page of a list: its items and the token of the next page, if any. */
export interface Page<T> {
  readonly items: readonly T[] | undefined;
  readonly next: string | undefined;
}

/**
 * Every item of a paginated AWS list: `fetch(token)` answers one page, first with no token, then
 * with each page's next token until a page has none. When AWS answers that the listed resource
 * does not exist (ResourceNotFoundException, 404), the list is `whenNotFound`; any other failure
 * becomes the named upstream error for `operation` (aws-errors.ts), as every single call does.
 * `beforePage` runs before each request (a deadline check); what it throws passes through as is.
 */
export async function listAll<T, F>(
  operation: string,
  whenNotFound: F,
  fetch: (token: string | undefined) => Promise<Page<T>>,
  beforePage: () => void = () => undefined,
): Promise<T[] | F> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    beforePage();
    let page: Page<T>;
    try {
      page = await fetch(token);
    } catch (error) {
      if (classifyAwsError(error) === 'notFound') return whenNotFound;
      throw toUpstreamError(operation, error);
    }
    all.push(...(page.items ?? []));
    token = page.next;
  } while (token);
  return all;
}
