/** One row of the bench table: a figure, and when it is a target, the target and whether it was met. */
export interface Row {
  readonly section: string;
  readonly metric: string;
  readonly value: string;
  readonly target?: string;
  /** Present when the row is a target: whether it was met. */
  readonly met?: boolean;
}

/** Where a phase's row builder puts its rows (report.ts collects them in order). */
export type RowSink = (row: Row) => void;
