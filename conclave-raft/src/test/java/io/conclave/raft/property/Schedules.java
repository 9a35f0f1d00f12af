package io.conclave.raft.property;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries for schedules. Choices are small integers (see {@link Action}), so shrinking
 * removes steps and lowers choices towards the first node and the oldest message.
 */
final class Schedules {

    static final int STEPS_MIN = 100;
    static final int STEPS_MAX = 300;

    private Schedules() {
    }

    static Arbitrary<List<Action>> schedules() {
        return action().list().ofMinSize(STEPS_MIN).ofMaxSize(STEPS_MAX);
    }

    @SuppressWarnings("unchecked")
    static Arbitrary<Action> action() {
        Arbitrary<Integer> node = Arbitraries.integers().between(0, 6);
        Arbitrary<Integer> pick = Arbitraries.integers().between(0, 63);
        return Arbitraries.frequencyOf(
                Tuple.of(14, node.map(Action.Tick::new)),
                Tuple.of(16, Arbitraries.just(new Action.TickAll())),
                Tuple.of(10, node.map(Action.HandleReady::new)),
                Tuple.of(8, Arbitraries.just(new Action.HandleReadyAll())),
                Tuple.of(20, pick.map(Action.Deliver::new)),
                Tuple.of(14, Arbitraries.just(new Action.DeliverAll())),
                Tuple.of(3, pick.map(Action.Drop::new)),
                Tuple.of(2, pick.map(Action.Duplicate::new)),
                Tuple.of(2, node.map(Action.Crash::new)),
                Tuple.of(3, node.map(Action.Restart::new)),
                Tuple.of(1, Arbitraries.integers().between(1, 126).map(Action.Partition::new)),
                Tuple.of(1, Combinators.combine(node, node).as(Action.CutLink::new)),
                Tuple.of(2, Arbitraries.just(new Action.Heal())),
                Tuple.of(16, node.map(Action.Propose::new)),
                Tuple.of(3, Combinators.combine(Arbitraries.of(Action.ChangeKind.class), node, node)
                        .as(Action.ChangeMembership::new)),
                Tuple.of(1, Arbitraries.just(new Action.LeaveJoint())),
                Tuple.of(1, node.map(Action.TransferLeader::new)),
                Tuple.of(1, node.map(Action.Campaign::new)),
                Tuple.of(3, Combinators.combine(node, Arbitraries.integers().between(0, 3)).as(Action.Snapshot::new)));
    }

    private static final Pattern STEP = Pattern.compile("(\\w+)(?:\\(([^)]*)\\))?");

    /** Parses a schedule as jqwik prints it ({@code [Tick(6), HandleReadyAll, ...]}), for regression tests. */
    static List<Action> parse(String text) {
        List<Action> out = new ArrayList<>();
        Matcher m = STEP.matcher(text);
        while (m.find()) {
            String name = m.group(1);
            String[] a = m.group(2) == null ? new String[0] : m.group(2).split(",");
            out.add(action(name, a));
        }
        return out;
    }

    private static Action action(String name, String[] a) {
        switch (name) {
            case "Tick": return new Action.Tick(i(a, 0));
            case "TickAll": return new Action.TickAll();
            case "HandleReady": return new Action.HandleReady(i(a, 0));
            case "HandleReadyAll": return new Action.HandleReadyAll();
            case "Deliver": return new Action.Deliver(i(a, 0));
            case "DeliverAll": return new Action.DeliverAll();
            case "Drop": return new Action.Drop(i(a, 0));
            case "Duplicate": return new Action.Duplicate(i(a, 0));
            case "Crash": return new Action.Crash(i(a, 0));
            case "Restart": return new Action.Restart(i(a, 0));
            case "Partition": return new Action.Partition(i(a, 0));
            case "CutLink": return new Action.CutLink(i(a, 0), i(a, 1));
            case "Heal": return new Action.Heal();
            case "Propose": return new Action.Propose(i(a, 0));
            case "ChangeMembership":
                return new Action.ChangeMembership(Action.ChangeKind.valueOf(a[0].trim()), i(a, 1), i(a, 2));
            case "LeaveJoint": return new Action.LeaveJoint();
            case "TransferLeader": return new Action.TransferLeader(i(a, 0));
            case "Campaign": return new Action.Campaign(i(a, 0));
            case "Snapshot": return new Action.Snapshot(i(a, 0), i(a, 1));
            default: throw new IllegalArgumentException("unknown schedule step " + name);
        }
    }

    private static int i(String[] a, int k) {
        return Integer.parseInt(a[k].trim());
    }
}
