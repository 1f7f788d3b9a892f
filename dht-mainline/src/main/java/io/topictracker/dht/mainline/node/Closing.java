package io.topictracker.dht.mainline.node;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Whether a node has closed, and what must run when it does (user operations in flight fail as closed, before their
 * queries' failures could finish them some other way).
 *
 * <p>Confined to the node's event loop, except {@link #isClosed()}, which any thread may read.
 */
final class Closing {
    private final Set<Runnable> actions = new LinkedHashSet<>();
    private volatile boolean closed;

    /** @return true once {@link #close()} ran */
    boolean isClosed() {
        return closed;
    }

    /**
     * Runs {@code action} when the node closes.
     *
     * @return removes the action again
     */
    Runnable onClose(Runnable action) {
        actions.add(action);
        return () -> actions.remove(action);
    }

    /** Marks the node closed and runs the actions, once. @return false if it was already closed */
    boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        for (Runnable action : new ArrayList<>(actions)) {
            action.run();
        }
        actions.clear();
        return true;
    }
}
