package io.conclave.multiraft.loop;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets a thread that queues client tasks run the loops they went to itself, once it is done: a
 * network thread that has just read a produce request proposes it (the handler queues a task on the
 * partition's loop, under locks of its own), then — the handler returned, no lock held — runs a turn
 * of that loop if the loop is free ({@link EventLoop#runOrWake}), instead of waking the loop's thread
 * from inside the handler. The proposal is appended and sent to the followers by the thread that read
 * it. Outside a scope, queuing a task wakes its loop at once, as before.
 */
public final class HelpScope {

    /** One per thread that has opened a scope, reused by its later scopes (no allocation per request). */
    private static final class Scope {
        boolean open;
        final List<EventLoop> pending = new ArrayList<>(2);
    }

    private static final ThreadLocal<Scope> SCOPES = new ThreadLocal<>();

    private HelpScope() {
    }

    /**
     * Runs {@code body} in a scope on the calling thread, then runs (or wakes) each loop it queued a
     * task on. Nested scopes join the outer one. The caller holds no lock the loops' work may take.
     */
    public static void run(Runnable body) {
        Scope scope = SCOPES.get();
        if (scope == null) {
            scope = new Scope();
            SCOPES.set(scope);
        } else if (scope.open) {
            body.run();
            return;
        }
        scope.open = true;
        try {
            body.run();
        } finally {
            scope.open = false;
            List<EventLoop> pending = scope.pending;
            for (int i = 0; i < pending.size(); i++) {
                pending.get(i).runOrWake();
            }
            pending.clear();
        }
    }

    /** Called by a loop that queued a task: true when a scope on this thread will run or wake it. */
    static boolean defer(EventLoop loop) {
        Scope scope = SCOPES.get();
        if (scope == null || !scope.open) {
            return false;
        }
        if (!scope.pending.contains(loop)) {
            scope.pending.add(loop);
        }
        return true;
    }
}
