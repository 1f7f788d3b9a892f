package io.topictracker.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab harness itself: it leaves nothing behind, and it clears what a dead run left. */
@Tag("lab")
class NetLabTest {

    private static List<String> namespacesStartingWith(String prefix) {
        return NetLab.existingNamespaces().stream().filter(n -> n.startsWith(prefix)).toList();
    }

    @Test
    void closeStopsItsProcessesAndRemovesEveryNamespaceOfTheRun(@TempDir Path dir) throws Exception {
        String prefix;
        LabProcess sleeper;
        try (NetLab lab = NetLab.create(dir)) {
            prefix = lab.prefix();
            LabHost a = lab.addHost("a", 10);
            lab.addHost("b", 20);
            sleeper = lab.start(a, "sleeper", List.of("sleep", "300"));
            assertEquals(3, namespacesStartingWith(prefix).size(), "switch, a and b exist while open");
            assertTrue(sleeper.isAlive());
        }
        assertEquals(List.of(), namespacesStartingWith(prefix));
        assertFalse(sleeper.isAlive(), "stopped by the lab\n" + sleeper);
    }

    @Test
    void createRemovesNamespacesOfADeadRunAndKeepsLiveOnes(@TempDir Path dir) throws Exception {
        Process finished = new ProcessBuilder("true").start();
        assertTrue(finished.waitFor(30, TimeUnit.SECONDS));
        String deadRun = LeftoverNamespaces.PREFIX + finished.pid() + "-1-switch";
        String liveRun = LeftoverNamespaces.PREFIX + ProcessHandle.current().pid() + "-999-switch";
        Commands.check("ip", "netns", "add", deadRun);
        Commands.check("ip", "netns", "add", liveRun);
        try (NetLab lab = NetLab.create(dir)) {
            List<String> names = NetLab.existingNamespaces();
            assertFalse(names.contains(deadRun), "a dead run's namespace is removed: " + names);
            assertTrue(names.contains(liveRun), "a live run's namespace is kept: " + names);
            assertTrue(names.contains(lab.prefix() + "switch"), names.toString());
        } finally {
            Commands.run(Commands.DEFAULT_TIMEOUT, List.of("ip", "netns", "delete", deadRun));
            Commands.check("ip", "netns", "delete", liveRun);
        }
    }

    @Test
    void leftoversAreLabNamesWhosePidIsDead() {
        List<String> names = LeftoverNamespaces.names("ttlab-41-1-switch (id: 3)\nttlab-42-1-a\nother-ns\n"
                + "ttlab-x-1-a\nttlab-43-2-b (id: 0)\n");
        assertEquals(List.of("ttlab-41-1-switch", "ttlab-42-1-a", "other-ns", "ttlab-x-1-a", "ttlab-43-2-b"), names);
        assertEquals(List.of("ttlab-41-1-switch", "ttlab-43-2-b"), LeftoverNamespaces.deadRuns(names, pid -> pid == 42));
    }
}
