/**
 * The WHERE clause of a list query built from optional filters, with numbered parameters: every
 * value travels as a parameter, never as text in the SQL.
 */
export class SqlConditions {
  readonly params: unknown[] = [];
  private readonly clauses: string[] = [];

  /** `$n` for `value`, appended to the parameters. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** `column = value`, only when the filter is given. */
  equals(column: string, value: string | undefined): this {
    if (value !== undefined) this.clauses.push(`${column} = ${this.param(value)}`);
    return this;
  }

  /** A condition written with `param` for its values. */
  add(clause: string): this {
    this.clauses.push(clause);
    return this;
  }

  /** `where a and b`, or nothing when no filter was given. */
  get where(): string {
    return this.clauses.length > 0 ? `where ${this.clauses.join(' and ')}` : '';
  }
}

/**
 * Keyset pages: ask for one row more than the page (`limit + 1`) to learn whether another page
 * follows without a count query; the cursor is taken from the page's last row.
 */
export function pageOf<Row, Cursor>(rows: readonly Row[], limit: number, cursorOf: (last: Row) => Cursor): { rows: Row[]; next: Cursor | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
