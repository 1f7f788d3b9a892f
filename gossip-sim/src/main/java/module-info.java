/**
 * The gossip simulator: the engine's real HyParView and PlumTree state machines for thousands of nodes in virtual
 * time, with the scenarios the benchmarks and the CI bounds use. A module of its own, as iroh-gossip keeps its
 * simulator out of the library: the engine gives it the protocol packages by qualified exports, nothing more.
 */
module io.topictracker.gossip.sim {
    requires io.topictracker.engine;

    exports io.topictracker.gossip.sim;
}
