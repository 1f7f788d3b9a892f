/**
 * What the main-method benchmark harnesses share: {@link io.topictracker.bench.support.Args} for their
 * {@code key=value} arguments and {@link io.topictracker.bench.support.MarkdownTable} for their output; their
 * percentiles come from the engine's one {@code Percentiles}, and CPU time per thread from
 * {@link io.topictracker.bench.ThreadCpu}.
 */
package io.topictracker.bench.support;
