import { AwsServiceError } from '../../../wire/http';

export interface Page<T> {
  readonly items: T[];
  readonly nextMarker?: string;
}

/** Marker = the index of the next item, as an opaque string (AWS markers are opaque too). */
export function paginate<T>(all: readonly T[], marker: string | undefined, pageSize: number | undefined): Page<T> {
  const start = marker === undefined ? 0 : Number.parseInt(marker, 10);
  if (!Number.isInteger(start) || start < 0) throw new AwsServiceError(400, 'InvalidRequestException', `Invalid marker: ${marker}`);
  const size = pageSize ?? 250;
  if (!Number.isInteger(size) || size < 1 || size > 250) throw new AwsServiceError(400, 'InvalidRequestException', 'pageSize must be between 1 and 250');
  const items = all.slice(start, start + size);
  return start + size < all.length ? { items, nextMarker: String(start + size) } : { items };
}

