/**
 * Benchmarks: JMH benchmarks (run {@code java -cp 'bench/target/classes:bench/target/lib/*' org.openjdk.jmh.Main})
 * and main-method benchmarks for swarms and networks. Results and the commands that produced them go in
 * BENCHMARKS.md.
 */
package io.topictracker.bench;
