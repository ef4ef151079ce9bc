/** What the sample keeps in a session, typed: `Session<AppSession>`. */
export interface AppSession {
  /** The signed-in user's name, set at sign-in so that pages need no user lookup. */
  username?: string;
  /** The colour scheme the user picked (the GraphQL mutation `setTheme`); light by default. */
  theme?: Theme;
}

/** The colour schemes a user can pick. */
export type Theme = 'light' | 'dark';

/** A one-time message shown on the next page (`session.flash('notice', …)`). */
export interface Notice {
  kind: 'success' | 'error';
  text: string;
}

/** The flash key every page reads its {@link Notice} from. */
export const NOTICE = 'notice';
