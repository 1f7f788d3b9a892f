package io.topictracker.archfixture.meters;

/** Stands in for a Micrometer class: the fixture's "metrics library". */
public final class Registry {
    public void count(String name) {
    }
}
