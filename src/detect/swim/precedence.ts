import type { SwimState } from "./messages.js";

/** A member's state and incarnation, as a table or an update holds them. */
export interface Stamped {
  readonly state: SwimState;
  readonly incarnation: number;
}

/**
 * Whether update `next` replaces what we hold (`current`, or undefined for an
 * unknown member). The SWIM paper's §4.2 rules for Alive and Suspect:
 * Alive(i) beats Alive(j) and Suspect(j) when i > j; Suspect(i) beats
 * Suspect(j) when i > j and Alive(j) when i ≥ j. For Confirm (dead) we follow
 * memberlist rather than the paper's "overrides any": Dead(i) beats Alive(j)
 * and Suspect(j) only when i ≥ j, so a member that rejoined with a higher
 * incarnation is not killed by a stale confirmation. Only Alive with a higher
 * incarnation brings back a dead or left member; Left(i) beats anything with
 * j ≤ i. An unknown member is added by Alive or Suspect, never by Dead or Left.
 */
export function overrides(current: Stamped | undefined, next: Stamped): boolean {
  if (current === undefined) return next.state === "alive" || next.state === "suspect";
  const i = next.incarnation;
  const j = current.incarnation;
  switch (next.state) {
    case "alive":
      return i > j;
    case "suspect":
      if (current.state === "alive") return i >= j;
      if (current.state === "suspect") return i > j;
      return false;
    case "dead":
      return (current.state === "alive" || current.state === "suspect") && i >= j;
    case "left":
      return current.state !== "left" && i >= j;
  }
}
