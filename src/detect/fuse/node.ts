import type { Env, HostNotice, NodeId, TimerId } from "../../core/index.js";
import { assert, assertNever } from "../../core/index.js";
import type { DetectorNode, MemberView } from "../types.js";
import type { FuseConfig } from "./config.js";
import { compareGroups, type FuseMsg, type FuseTimer, type GroupId } from "./messages.js";

interface Group {
  readonly id: GroupId;
  readonly members: readonly NodeId[];
  readonly role: "root" | "member";
}

const same = (a: GroupId | undefined, b: GroupId): boolean =>
  a !== undefined && compareGroups(a, b) === 0;

/**
 * FUSE failure-notification groups (Dunagan et al. 2004). A group is created
 * by a root that contacts every member directly; its liveness is checked on a
 * tree (here a star: the root pings every member, each member answers). When
 * any member fails, a link fails, or anyone signals failure, the group fails
 * as a whole and every live member hears of it within a bounded time: the
 * node that notices tells all members (`groupFailed`), and — the part that
 * makes the guarantee hold when that notice is lost — stops taking part in
 * the group's liveness checking, so its tree neighbours notice in turn.
 *
 * A failed group is never repaired; as the application, this node then builds
 * a new one (the member of rank r by id tries after (r+1)·createDelayMs), and
 * a root invites the members it had to leave out, rebuilding when one answers.
 * As a detector it suspects every other member of a failed group and trusts
 * again those that join the next group with it.
 */
export class FuseNode implements DetectorNode<FuseMsg, FuseTimer> {
  private env!: Env<FuseMsg, FuseTimer>;
  private group: Group | undefined;
  private readonly lastHeardMs = new Map<NodeId, number>();
  private pending: { id: GroupId; accepted: Set<NodeId> } | undefined;
  private accepted: GroupId | undefined;
  private maxEpoch = 0;
  private rank = 0;
  private createTimer: TimerId | undefined;
  private readonly suspected = new Set<NodeId>();

  constructor(private readonly config: FuseConfig) {}

  start(env: Env<FuseMsg, FuseTimer>, _recovered: boolean): void {
    this.env = env;
    assert(
      env.cluster.length <= this.config.memberCountMax,
      () => `fuse: ${env.cluster.length} members exceed memberCountMax`,
    );
    this.rank = env.cluster.indexOf(env.self);
    this.armCreate(0);
    env.setTimer(this.config.pingIntervalMs, { kind: "tick" });
    env.setTimer(this.config.inviteIntervalMs, { kind: "invite" });
  }

  onMessage(from: NodeId, msg: FuseMsg): void {
    const id: GroupId = { epoch: msg.epoch, root: msg.root };
    this.maxEpoch = Math.max(this.maxEpoch, msg.epoch);
    switch (msg.type) {
      case "ping":
        this.onPing(from, id);
        return;
      case "pingOk":
        if (this.group?.role === "root" && same(this.group.id, id))
          this.lastHeardMs.set(from, this.env.now());
        return;
      case "groupFailed":
        if (same(this.group?.id, id)) this.failGroup("notified");
        return;
      case "create":
        this.onCreate(from, id);
        return;
      case "createOk":
        if (same(this.pending?.id, id)) this.pending?.accepted.add(from);
        return;
      case "createNack":
        this.onCreateNack(id, { epoch: msg.currentEpoch, root: msg.currentRoot });
        return;
      case "ready":
        this.onReady(id, msg.members);
        return;
      case "invite":
        if (this.group === undefined || compareGroups(this.group.id, id) < 0)
          this.env.send(from, { type: "inviteOk", ...id });
        return;
      case "inviteOk":
        if (this.group?.role === "root" && same(this.group.id, id)) this.rebuild();
        return;
      default:
        assertNever(msg, "fuse message");
    }
  }

  onTimer(tag: FuseTimer): void {
    switch (tag.kind) {
      case "tick":
        this.tick();
        return;
      case "create":
        this.createTimer = undefined;
        if (this.group === undefined && this.pending === undefined) this.startCreate();
        return;
      case "form":
        if (this.pending?.id.epoch === tag.epoch) this.form();
        return;
      case "invite":
        this.invite();
        return;
      default:
        assertNever(tag, "fuse timer");
    }
  }

  onNotice(notice: HostNotice): void {
    if (this.group?.members.includes(notice.peer)) this.failGroup("notice");
  }

  /** FUSE's SignalFailure: the application fails the current group on purpose; every member hears of it. */
  signalFailure(): void {
    if (this.group !== undefined) this.failGroup("signalled");
  }

  /** The group this node belongs to now, if any. */
  currentGroup(): { id: GroupId; members: readonly NodeId[] } | undefined {
    return this.group === undefined
      ? undefined
      : { id: this.group.id, members: this.group.members };
  }

  suspects(): NodeId[] {
    return [...this.suspected].sort((a, b) => a - b);
  }

  view(): MemberView[] {
    return this.env.cluster
      .filter((id) => id !== this.env.self)
      .map((id) => ({
        id,
        state: this.suspected.has(id) ? ("suspect" as const) : ("alive" as const),
        incarnation: this.group?.id.epoch ?? 0,
      }));
  }

  // ---- liveness checking ------------------------------------------------

  private tick(): void {
    this.env.setTimer(this.config.pingIntervalMs, { kind: "tick" });
    const g = this.group;
    if (g === undefined) return;
    const now = this.env.now();
    const neighbours =
      g.role === "root" ? g.members.filter((m) => m !== this.env.self) : [g.id.root];
    for (const n of neighbours) {
      if (now - (this.lastHeardMs.get(n) ?? now) >= this.config.silenceMs) {
        this.failGroup("silence");
        return;
      }
    }
    if (g.role === "root") for (const n of neighbours) this.env.send(n, { type: "ping", ...g.id });
  }

  private onPing(from: NodeId, id: GroupId): void {
    const g = this.group;
    if (g?.role === "member" && same(g.id, id) && from === id.root) {
      this.lastHeardMs.set(from, this.env.now());
      this.env.send(from, { type: "pingOk", ...id });
      return;
    }
    // Not (or no longer) in that group: say so, so its root fails it at once.
    this.env.send(from, { type: "groupFailed", ...id });
  }

  /** The group fails as a whole: tell every member, stop checking it, suspect them all, plan the next one. */
  private failGroup(why: string): void {
    const g = this.group;
    assert(g !== undefined, "fuse: failGroup without a group");
    this.group = undefined;
    this.env.emit({ type: "groupFailed", epoch: g.id.epoch, root: g.id.root, why });
    for (const m of g.members) {
      if (m === this.env.self) continue;
      this.env.send(m, { type: "groupFailed", ...g.id });
      this.setSuspected(m, true);
    }
    this.armCreate(0);
  }

  // ---- creating groups ----------------------------------------------------

  private armCreate(extraMs: number): void {
    if (this.createTimer !== undefined) this.env.cancelTimer(this.createTimer);
    const afterMs = (this.rank + 1) * this.config.createDelayMs + extraMs;
    this.createTimer = this.env.setTimer(afterMs, { kind: "create" });
  }

  private startCreate(): void {
    const id: GroupId = { epoch: this.maxEpoch + 1, root: this.env.self };
    this.maxEpoch = id.epoch;
    this.pending = { id, accepted: new Set() };
    for (const m of this.env.cluster)
      if (m !== this.env.self) this.env.send(m, { type: "create", ...id });
    this.env.setTimer(this.config.createTimeoutMs, { kind: "form", epoch: id.epoch });
  }

  private onCreate(from: NodeId, id: GroupId): void {
    const mine = this.group?.id ?? this.pending?.id;
    if (mine !== undefined && compareGroups(id, mine) <= 0) {
      this.env.send(from, {
        type: "createNack",
        ...id,
        currentEpoch: mine.epoch,
        currentRoot: mine.root,
      });
      return;
    }
    if (this.group !== undefined) this.failGroup("moved");
    this.pending = undefined;
    this.accepted = id;
    this.env.send(from, { type: "createOk", ...id });
    this.armCreate(this.config.createTimeoutMs);
  }

  private onCreateNack(id: GroupId, current: GroupId): void {
    if (!same(this.pending?.id, id) || compareGroups(current, id) <= 0) return;
    this.pending = undefined;
    this.armCreate(this.config.createTimeoutMs);
  }

  private form(): void {
    const p = this.pending;
    assert(p !== undefined, "fuse: form without a pending group");
    this.pending = undefined;
    const members = [this.env.self, ...p.accepted].sort((a, b) => a - b);
    this.join({ id: p.id, members, role: "root" });
    for (const m of members)
      if (m !== this.env.self) this.env.send(m, { type: "ready", ...p.id, members });
  }

  private onReady(id: GroupId, members: readonly NodeId[]): void {
    if (!same(this.accepted, id) || !members.includes(this.env.self) || this.group !== undefined)
      return;
    this.join({ id, members: [...members], role: "member" });
  }

  private join(g: Group): void {
    this.group = g;
    const now = this.env.now();
    this.lastHeardMs.clear();
    for (const m of g.members) if (m !== this.env.self) this.lastHeardMs.set(m, now);
    this.env.emit({ type: "groupCreated", epoch: g.id.epoch, root: g.id.root, members: g.members });
    for (const m of this.env.cluster) {
      if (m !== this.env.self) this.setSuspected(m, !g.members.includes(m));
    }
  }

  /** A root invites the members it left out; one that answers makes it rebuild the group with it. */
  private invite(): void {
    this.env.setTimer(this.config.inviteIntervalMs, { kind: "invite" });
    const g = this.group;
    if (g?.role !== "root") return;
    for (const m of this.env.cluster) {
      if (m !== this.env.self && !g.members.includes(m))
        this.env.send(m, { type: "invite", ...g.id });
    }
  }

  private rebuild(): void {
    this.failGroup("rebuild");
    if (this.createTimer !== undefined) this.env.cancelTimer(this.createTimer);
    this.createTimer = undefined;
    this.startCreate();
  }

  private setSuspected(m: NodeId, suspected: boolean): void {
    if (suspected === this.suspected.has(m)) return;
    if (suspected) this.suspected.add(m);
    else this.suspected.delete(m);
    this.env.emit({ type: suspected ? "suspect" : "trust", peer: m });
  }
}
