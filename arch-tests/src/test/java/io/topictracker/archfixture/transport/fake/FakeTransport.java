package io.topictracker.archfixture.transport.fake;

/** A provider class, named by the fixture's engine. */
public final class FakeTransport {
}
