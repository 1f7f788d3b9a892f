package io.topictracker.lab;

/**
 * A host of the lab: a network namespace whose one interface, {@code eth0}, is plugged into the lab's switch.
 *
 * @param name short name given by the test ("a"), not null
 * @param namespace the network namespace's name ({@code ttlab-<pid>-<n>-a}), not null
 * @param ipv4 its address in 198.51.100.0/24 (RFC 5737 TEST-NET-2); empty for an IPv6-only host, not null
 */
record LabHost(String name, String namespace, String ipv4) {}
