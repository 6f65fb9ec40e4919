export const ADMIN_ROLES = ['admin', 'it-admin', 'super-admin'] as const;
export type Role = (typeof ADMIN_ROLES)[number] | 'member';

export interface Principal {
  email: string;
  role: Role;
}

/** Who is calling. The monolith plugs in its own session; the standalone server checks bearer tokens. */
export interface Authenticator {
  authenticate(bearerToken: string): Promise<Principal | null>;
}

export function isAdmin(principal: Principal): boolean {
  return (ADMIN_ROLES as readonly string[]).includes(principal.role);
}
