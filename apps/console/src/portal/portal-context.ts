import { createContext, useContext } from 'react';
import type { Schemas } from '@tenantry/client';

export type Role = Schemas['MeUser']['role'];
const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export interface Portal {
  tenant: Schemas['TenantProfileResponse'];
  me: Schemas['MeResponse'];
  role: Role;
  timeZone: string;
  locale: string;
  /** Reads the tenant again (after its settings changed). */
  reload: () => void;
}

export const PortalContext = createContext<Portal | undefined>(undefined);

export function usePortal(): Portal {
  const portal = useContext(PortalContext);
  if (!portal) throw new Error('usePortal outside the tenant portal');
  return portal;
}

/** Whether the signed-in user's role is at least `role` (what the API also checks). */
export const isAtLeast = (have: Role, want: Role): boolean => RANK[have] >= RANK[want];
