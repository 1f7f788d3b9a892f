package io.topictracker.archfixture.net;

/** Stands in for a Netty class: the fixture's "networking library". */
public final class Channel {
}
