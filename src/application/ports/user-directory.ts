export interface DirectoryUser {
  id: string;
  email: string;
  displayName: string | null;
}

export interface UserDirectory {
  /** Active users whose email equals one of `emails` (already normalised), keyed by that email. */
  findActiveByEmails(emails: readonly string[]): Promise<Map<string, DirectoryUser>>;
}
