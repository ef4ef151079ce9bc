/**
 * `CREATE TABLE` of a sessions table made by hand, as an old or hand-written schema might be:
 * every column of the store but {@link MISSING_COLUMNS}. `json` and `date` are the database's
 * types for the data and date columns.
 */
export function tableLackingTwoColumns(table: string, json: string, date: string): string {
  return (
    `CREATE TABLE ${table} (id varchar(64) PRIMARY KEY, user_id varchar(255), data ${json}, ` +
    `created_at ${date}, last_seen_at ${date}, expires_at ${date}, user_agent varchar(512))`
  );
}

/** The columns {@link tableLackingTwoColumns} leaves out, in the store's order. */
export const MISSING_COLUMNS = ['authenticated_at', 'ip'];
