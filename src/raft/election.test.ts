import { describe, expect, it } from "vitest";
import { TestNet } from "./testing/net.js";

function threeNodes(config: ConstructorParameters<typeof TestNet>[0]["config"] = {}): TestNet {
  const net = new TestNet({ ids: [1, 2, 3], config });
  net.startAll();
  return net;
}

describe("§5.2 leader election", () => {
  it("a campaign with pre-vote wins a quorum and the leader commits a no-op of its term", () => {
    const net = threeNodes();
    net.campaign(1);
    net.stabilize();
    const views = net.views();
    expect(views.map((v) => v.role)).toEqual(["leader", "follower", "follower"]);
    expect(views.map((v) => v.term)).toEqual([1, 1, 1]);
    expect(net.leader()?.commitIndex).toBe(1);
  });

  it("an election timeout alone elects exactly one leader", () => {
    const net = threeNodes();
    for (let t = 0; t < 40 && net.leader() === undefined; t++) {
      for (const id of net.ids) net.tick(id);
      net.stabilize();
    }
    const leaders = net.views().filter((v) => v.role === "leader");
    expect(leaders).toHaveLength(1);
  });

  it("a candidate whose log is behind is refused (§5.4.1 election restriction)", () => {
    const net = threeNodes({ preVote: false, checkQuorum: false });
    net.campaign(1);
    net.stabilize();
    net.crash(3);
    net.inject(99, 1, {
      type: "kv",
      msgId: 1,
      clientId: 99,
      seq: 1,
      op: { op: "put", key: "k", value: "v" },
    });
    net.stabilize();
    expect(net.raft(1)?.inspect().commitIndex).toBe(2);
    net.restart(3);
    // n3 lacks index 2; n2 holds it, so n2 must refuse n3, and n1 too.
    net.campaign(3);
    net.stabilize();
    expect(net.views().find((v) => v.id === 3)?.role).not.toBe("leader");
  });
});
