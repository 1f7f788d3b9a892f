/**
 * Benchmarks: JMH micro-benchmarks and main-method harnesses (run on the class path, see BENCHMARKS.md). A named
 * module so that what they reach inside other modules is explicit: each such package is exported to this module
 * alone by a qualified export, never publicly.
 */
module io.topictracker.bench {
    requires io.topictracker.api;
    requires io.topictracker.engine;
    requires io.topictracker.transport.tcp;
    requires io.topictracker.stream;
    requires io.topictracker.dht.mainline;
    requires io.topictracker.signing.bc;
    requires io.topictracker.gossip.sim;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires micrometer.core;
    requires jmh.core;
    requires java.management;
    requires jdk.management;

    uses io.topictracker.api.signing.SigningProvider;

    // JMH instantiates the benchmark states and reads their annotations reflectively
    opens io.topictracker.bench.micro to jmh.core;
}
