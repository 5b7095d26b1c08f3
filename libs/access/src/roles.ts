export const ROLES = ['editor', 'fact_checker', 'reader', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting: the API key behind the request. Its id and roles go into every event's metadata. */
export interface Actor {
  keyId: string;
  name: string;
  roles: Role[];
}
