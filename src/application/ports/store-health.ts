export interface ComponentHealth {
  component: string;
  ok: boolean;
  detail?: string;
}

/** Whether the stores the module needs answer right now. */
export interface StoreHealth {
  check(): Promise<ComponentHealth[]>;
}
