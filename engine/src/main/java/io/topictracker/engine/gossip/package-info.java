/**
 * The gossip overlay of a topic: HyParView membership (Leitão, Pereira, Rodrigues, DSN 2007) and PlumTree broadcast
 * (Leitão, Pereira, Rodrigues, "Epidemic Broadcast Trees", SRDS 2007), split as in iroh-gossip into pure state
 * machines ({@code .proto}), a deterministic simulator ({@code .sim}, not exported) and an IO driver
 * ({@link io.topictracker.engine.gossip.net.GossipNode}).
 *
 * <p>Where we differ from iroh-gossip, and why:
 * <ul>
 *   <li>Message ids hash author, a per-author sequence number and the payload, so a repeated payload is delivered
 *       again; iroh hashes the payload alone and drops the repeat.</li>
 *   <li>Every broadcast carries its author's Ed25519 signature over topic, author, sequence and payload; a forged or
 *       altered one is dropped before delivery and not remembered, so the genuine message still gets through.
 *       Checked only for new ids, so duplicates cost no verification. Switch: {@code verify_signatures}.</li>
 *   <li>Join, Neighbor and ShuffleReply carry an HMAC-SHA256 over both peer ids with a key derived from the topic
 *       secret ({@link io.topictracker.engine.gossip.proto.Admission}); every other message from a peer outside the
 *       active view is dropped. A node without the secret cannot enter the overlay nor seed passive views.</li>
 *   <li>Neighbor has three kinds (high, low, accept) instead of a request plus a separate reply: the contact of a
 *       Join and the end of a ForwardJoin walk both simply send an accept, which the other side takes as "add me".</li>
 *   <li>An over-size broadcast is a {@link io.topictracker.api.MessageTooLargeException} for the caller,
 *       and every view, cache and queue has a configured bound.</li>
 * </ul>
 */
package io.topictracker.engine.gossip;
