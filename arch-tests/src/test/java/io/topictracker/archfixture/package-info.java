/**
 * Classes that break every architecture rule on purpose, so {@code ArchitectureRulesBiteTest} can show that each
 * rule catches its violation. Never part of the product; the real-code rules do not import test classes.
 */
package io.topictracker.archfixture;
