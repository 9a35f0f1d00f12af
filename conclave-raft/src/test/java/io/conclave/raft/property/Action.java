package io.conclave.raft.property;

/**
 * One step of a schedule. Node and message choices are small integers taken modulo the current
 * number of nodes or in-flight messages, so that every schedule is valid on every cluster and a
 * shrunk schedule still means something.
 */
sealed interface Action {

    /** One tick on one node. */
    record Tick(int node) implements Action {
        @Override
        public String toString() {
            return "Tick(" + node + ")";
        }
    }

    /** One tick on every running node. */
    record TickAll() implements Action {
        @Override
        public String toString() {
            return "TickAll";
        }
    }

    /** The host of one node handles its Ready (persist, send, apply, advance). */
    record HandleReady(int node) implements Action {
        @Override
        public String toString() {
            return "HandleReady(" + node + ")";
        }
    }

    /** Every running node's host handles its Ready. */
    record HandleReadyAll() implements Action {
        @Override
        public String toString() {
            return "HandleReadyAll";
        }
    }

    /** Delivers the in-flight message at position {@code pick} (modulo), not necessarily the oldest. */
    record Deliver(int pick) implements Action {
        @Override
        public String toString() {
            return "Deliver(" + pick + ")";
        }
    }

    /** A round of working network: every message, oldest first, with the replies it causes (bounded). */
    record DeliverAll() implements Action {
        @Override
        public String toString() {
            return "DeliverAll";
        }
    }

    /** Loses the in-flight message at position {@code pick}. */
    record Drop(int pick) implements Action {
        @Override
        public String toString() {
            return "Drop(" + pick + ")";
        }
    }

    /** Sends the in-flight message at position {@code pick} a second time. */
    record Duplicate(int pick) implements Action {
        @Override
        public String toString() {
            return "Duplicate(" + pick + ")";
        }
    }

    /** Crashes a node: it keeps only what its host wrote to storage. */
    record Crash(int node) implements Action {
        @Override
        public String toString() {
            return "Crash(" + node + ")";
        }
    }

    /** Restarts a crashed node from its storage. */
    record Restart(int node) implements Action {
        @Override
        public String toString() {
            return "Restart(" + node + ")";
        }
    }

    /** Splits the nodes into two sides by the bits of {@code mask}; no message crosses. */
    record Partition(int mask) implements Action {
        @Override
        public String toString() {
            return "Partition(" + mask + ")";
        }
    }

    /** Cuts one direction of one link only (an asymmetric fault). */
    record CutLink(int from, int to) implements Action {
        @Override
        public String toString() {
            return "CutLink(" + from + "," + to + ")";
        }
    }

    /** Repairs every link. */
    record Heal() implements Action {
        @Override
        public String toString() {
            return "Heal";
        }
    }

    /** A client proposes a fresh unique payload: at the leader for even {@code node}, else at that node. */
    record Propose(int node) implements Action {
        @Override
        public String toString() {
            return "Propose(" + node + ")";
        }
    }

    /** The kinds of membership change a schedule asks the leader for. */
    enum ChangeKind {
        /** Add a fresh node as a learner. */
        ADD_LEARNER,
        /** Make a learner a voter. */
        PROMOTE,
        /** Remove a member. */
        REMOVE,
        /** Add a voter and remove another in one joint change that the leader leaves by itself. */
        JOINT_AUTO,
        /** The same, but the joint configuration is left only by an explicit {@link LeaveJoint}. */
        JOINT_EXPLICIT
    }

    /** Asks the current leader for a membership change, if no change is pending. */
    record ChangeMembership(ChangeKind kind, int a, int b) implements Action {
        @Override
        public String toString() {
            return "ChangeMembership(" + kind + "," + a + "," + b + ")";
        }
    }

    /** Asks the current leader to leave a joint configuration. */
    record LeaveJoint() implements Action {
        @Override
        public String toString() {
            return "LeaveJoint";
        }
    }

    /** Asks the current leader to hand leadership to a node. */
    record TransferLeader(int node) implements Action {
        @Override
        public String toString() {
            return "TransferLeader(" + node + ")";
        }
    }

    /** A node starts an election now. */
    record Campaign(int node) implements Action {
        @Override
        public String toString() {
            return "Campaign(" + node + ")";
        }
    }

    /**
     * A node's host snapshots its state machine at its applied index and compacts its log,
     * keeping {@code keep} entries before the snapshot index.
     */
    record Snapshot(int node, int keep) implements Action {
        @Override
        public String toString() {
            return "Snapshot(" + node + "," + keep + ")";
        }
    }
}
