/** The process an import run belongs to, and what can be known of another run's process. */
export interface RunOwner {
  /** This process, as recorded on the runs it starts. */
  readonly id: string;
  /** True only when that run's process is known to be gone (same host, no such process); else false. */
  isGone(owner: string | null): boolean;
}
