/** What the sample keeps in a session, typed: `Session<AppSession>`. */
export interface AppSession {
  username?: string;
  theme?: 'light' | 'dark';
}
