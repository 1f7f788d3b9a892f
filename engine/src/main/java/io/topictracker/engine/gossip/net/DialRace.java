package io.topictracker.engine.gossip.net;

import java.util.List;

/**
 * The order and timing of one dial to a peer with several routes, as Happy Eyeballs (RFC 8305 §5) orders connection
 * attempts: the first route starts at once, the next when the previous failed or a stagger has passed with no
 * connection, so a dead address costs at most the stagger and a slow one does not hold the others. The first
 * authenticated connection wins; any later one is a loser, to be closed.
 *
 * <p>Pure: no IO, no clock; the caller starts the routes this returns and reports how they ended. Thread-safe (the
 * attempts end on transport threads).
 *
 * @param <R> a route
 */
final class DialRace<R> {
    /** RFC 8305 §5: "the recommended value for the Connection Attempt Delay is 250 milliseconds". */
    static final long STAGGER_MILLIS = 250;

    private final List<R> routes;
    private int started;
    private int failed;
    private R winner;

    /** @param routes in the order to try them, not null */
    DialRace(List<R> routes) {
        this.routes = List.copyOf(routes);
    }

    /** @return the route to start first, or null if there is none */
    synchronized R first() {
        return next();
    }

    /** The stagger passed since the last start. @return the route to start now, or null */
    synchronized R staggerElapsed() {
        return winner == null ? next() : null;
    }

    /** An attempt failed. @return the route to start now, or null */
    synchronized R failed() {
        failed++;
        return winner == null ? next() : null;
    }

    /**
     * An attempt over {@code route} connected.
     *
     * @return true if it won the race; false if another already had, so this connection must be closed
     */
    synchronized boolean connected(R route) {
        if (winner != null) {
            return false;
        }
        winner = route;
        return true;
    }

    /** @return true once every route was tried and every attempt failed */
    synchronized boolean lost() {
        return winner == null && failed == routes.size();
    }

    /** @return whether a connection won */
    synchronized boolean won() {
        return winner != null;
    }

    private R next() {
        return started < routes.size() ? routes.get(started++) : null;
    }
}
